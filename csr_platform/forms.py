from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from csr_platform.models import Membership, User
from csr_platform.models.users import MutableReminder
from csr_platform.roles import roles_for


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong e-mail or password."),
    }


class ProfileForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(label=_("Time zone"))
    muted_notifications = forms.MultipleChoiceField(
        label=_("Mute these reminders"),
        choices=MutableReminder.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Escalations of plans overdue beyond the brand's grace period are always "
            "sent: they cannot be muted."
        ),
    )

    class Meta:
        model = User
        fields = ["full_name", "language", "time_zone", "muted_notifications"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [  # type: ignore[attr-defined]
            (name, name) for name in sorted(zoneinfo.available_timezones())
        ]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles_for(kind)  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles_for(kind)  # type: ignore[attr-defined]


def _member_label(membership: Membership) -> str:
    return f"{membership.user.email} ({membership.get_role_display()})"


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Where the key is used, e.g. “BI export”.")
    )
    membership = forms.ModelChoiceField(
        label=_("Acts as"),
        queryset=Membership.objects.none(),
        required=False,
        help_text=_("The key has exactly this member's role."),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for a key that lasts until revoked."),
    )

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        if members is None:
            del self.fields["membership"]
        else:
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = members
            field.label_from_instance = _member_label  # type: ignore[method-assign,assignment]


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data
