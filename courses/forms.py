"""Forms of the course pages."""

from __future__ import annotations

from django import forms

from courses import search


class SearchForm(forms.Form):
    """The concept search (GET). Too long or a NUL byte is refused with a message on the field;
    everything else is words to look for, never query syntax (see `courses.search`)."""

    q = forms.CharField(required=False, max_length=search.QUERY_MAX, label="Search")
