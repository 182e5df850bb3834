"""The user admin refuses an e-mail address another account already has (any letter case),
as the database does (accounts/migrations/0001), with a message instead of an error page."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User


class AccountChangeForm(UserChangeForm):
    def clean_email(self) -> str:
        email: str = self.cleaned_data.get("email") or ""
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk):
            raise forms.ValidationError("Another account has this e-mail address.")
        return email


class AccountAdmin(UserAdmin):
    form = AccountChangeForm


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
