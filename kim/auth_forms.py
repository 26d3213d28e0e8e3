from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kim import security
from kim.models import LoginStage


class GermanAuthenticationForm(AuthenticationForm):
    """Password login with the throttling rule of ``kim.security`` (every checked attempt is recorded)."""

    error_messages = {
        "invalid_login": _("Benutzername oder Passwort ist falsch. Bitte beachten Sie die Groß- und Kleinschreibung."),
        "inactive": _("Dieses Konto ist deaktiviert."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Benutzername")
        self.fields["password"].label = _("Passwort")

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        ip = security.client_ip(self.request)
        if username:
            wait = security.login_wait_seconds(username=username, ip=ip)
            if wait:
                # Refused before the password is looked at, and not counted: waiting is the whole cost.
                raise ValidationError(security.wait_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                security.login_attempt_record(username=username, ip=ip, successful=False)
            raise
        security.login_attempt_record(username=username, ip=ip, successful=True)
        return cleaned


class TOTPCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Sechsstelliger Code aus der Authenticator-App"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": _("Bitte geben Sie den Code ein.")},
    )

    def __init__(self, *args, device=None, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.request = request

    def clean_code(self):
        code = self.cleaned_data["code"]
        username = self.device.user.username
        ip = security.client_ip(self.request)
        # Counted per account, whatever the client: only someone who knows the password gets here.
        wait = security.login_wait_seconds(username=username, ip=ip, stage=LoginStage.SECOND_FACTOR)
        if wait:
            raise ValidationError(security.wait_message(wait), code="throttled")
        if not security.totp_verify(self.device, code):
            security.login_attempt_record(username=username, ip=ip, successful=False, stage=LoginStage.SECOND_FACTOR)
            raise ValidationError(_("Der Code ist falsch oder abgelaufen. Bitte geben Sie den aktuellen Code ein."))
        security.login_attempt_record(username=username, ip=ip, successful=True, stage=LoginStage.SECOND_FACTOR)
        return code
