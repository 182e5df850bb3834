from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.models import User


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
