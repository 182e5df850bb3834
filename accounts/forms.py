from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.models import User

from accounts.zones import COURSE, zone_choices


class SignUpForm(BaseUserCreationForm):
    """Checks what the person typed, never whether a username or e-mail is already in use:
    that answer goes to the e-mail address only (accounts.actions.request_sign_up)."""

    email = forms.EmailField(
        required=True,
        help_text="We send a link to this address to activate your account.",
    )

    class Meta(BaseUserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def validate_unique(self) -> None:
        """Deliberately skipped: "a user with that username already exists" on the page would
        tell anyone whether an account exists. The action checks, and answers by e-mail."""


class SettingsForm(forms.Form):
    """The viewer's own settings: the time zone their pages show times in."""

    time_zone = forms.ChoiceField(
        label="Show times in",
        required=False,
        help_text="Every time shown names its zone.",
        error_messages={"invalid_choice": "Choose a time zone from the list."},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Automatic: this device's time zone, else the course's"),
            (COURSE, "Always the course's time zone"),
            *zone_choices(),
        ]
