"""The statistics page's one choice: which attempts count."""

from __future__ import annotations

from django import forms

from insight.collect import Which


class StatisticsForm(forms.Form):
    attempts = forms.ChoiceField(
        label="Attempts",
        required=False,
        choices=[(w.value, w.label) for w in Which],
        help_text="Item analysis assumes one attempt per student; all attempts treats each "
        "attempt as a different student.",
    )

    def which(self) -> Which:
        """The attempts asked for; first attempts when nothing (or nothing valid) was asked."""
        if self.is_valid() and self.cleaned_data.get("attempts"):
            return Which(self.cleaned_data["attempts"])
        return Which.FIRST
