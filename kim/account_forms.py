"""Forms of the account pages: invite, reasons for locking and resetting."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from kim.models import Organisation, Role, User


class AccountInviteForm(forms.ModelForm):
    """A 46 invites the county's users and a carrier's first administrator; a carrier administrator
    invites the own carrier's staff (role and carrier are then fixed)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "organisation", "is_carrier_admin"]
        help_texts = {
            "username": _("Anmeldename: Buchstaben, Ziffern und @ . + - _"),
            "email": _("An diese Adresse geht der Einmal-Link."),
            "organisation": _("Nur bei Trägerpersonal; A 46 lädt nur die erste Trägeradministration ein."),
        }

    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        if actor.is_carrier_staff:
            self.instance.role = Role.CARRIER
            self.instance.organisation_id = actor.organisation_id
            del self.fields["role"]
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = Organisation.objects.carriers().filter(is_active=True)
            self.fields["organisation"].required = False

    def clean(self):
        data = super().clean()
        if "role" in self.fields:
            role = data.get("role")
            if role == Role.CARRIER and not data.get("organisation"):
                self.add_error("organisation", _("Für Trägerpersonal bitte den Träger wählen."))
            if role != Role.CARRIER and data.get("organisation"):
                self.add_error("organisation", _("Ein Träger gehört nur zu Trägerpersonal."))
            if role != Role.CARRIER and data.get("is_carrier_admin"):
                self.add_error("is_carrier_admin", _("Nur Trägerpersonal kann Trägeradministration sein."))
        email = data.get("email")
        if email and User.objects.filter(email__iexact=email).exists():
            self.add_error("email", _("Diese E-Mail-Adresse gehört schon zu einem Konto."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Wird im Kontoprotokoll festgehalten."),
    )


class GermanPasswordResetForm(PasswordResetForm):
    """Django's reset form: the same answer whether or not the address is known (no enumeration)."""

    email = forms.EmailField(
        label=_("E-Mail-Adresse"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
