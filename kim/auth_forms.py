from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kim import security


class GermanAuthenticationForm(AuthenticationForm):
    """Password login with the lockout rule of ``kim.security`` (every attempt is recorded)."""

    error_messages = {
        "invalid_login": _("Benutzername oder Passwort ist falsch. Bitte beachten Sie die Groß- und Kleinschreibung."),
        "inactive": _("Dieses Konto ist deaktiviert."),
        "locked": _(
            "Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist für %(minutes)s Minuten gesperrt; "
            "bitte versuchen Sie es später erneut oder wenden Sie sich an A 46."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Benutzername")
        self.fields["password"].label = _("Passwort")

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        ip = security.client_ip(self.request)
        if username and security.login_locked(username=username, ip=ip):
            security.login_attempt_record(username=username, ip=ip, successful=False)
            raise ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": settings.LOGIN_LOCKOUT_MINUTES}
            )
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
        user = self.device.user
        ip = security.client_ip(self.request)
        key = f"{user.username}#2fa"
        if security.login_locked(username=key, ip=None):
            raise ValidationError(
                _("Zu viele falsche Codes. Bitte warten Sie %(minutes)s Minuten."),
                params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        if not security.totp_verify(self.device, code):
            security.login_attempt_record(username=key, ip=ip, successful=False)
            raise ValidationError(_("Der Code ist falsch oder abgelaufen. Bitte geben Sie den aktuellen Code ein."))
        security.login_attempt_record(username=key, ip=ip, successful=True)
        return code
