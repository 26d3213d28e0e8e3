from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class GermanAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Benutzername oder Passwort ist falsch. Bitte beachten Sie die Groß- und Kleinschreibung."),
        "inactive": _("Dieses Konto ist deaktiviert."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Benutzername")
        self.fields["password"].label = _("Passwort")
