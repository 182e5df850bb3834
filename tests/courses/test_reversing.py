"""`url_of_id` gives what `reverse` gives, for any id."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import clear_script_prefix, get_script_prefix, reverse, set_script_prefix

from courses.reversing import url_of_id


@pytest.mark.parametrize("name", ["review:answer", "review:groups", "review:request_regrade"])
def test_every_id_gets_the_url_reverse_gives(name: str) -> None:
    url_of = url_of_id(name)

    for pk in (1, 7, 42, 987654321, 10**12):
        assert url_of(pk) == reverse(name, args=[pk])


@pytest.fixture
def odd_prefix() -> Iterator[None]:
    before = get_script_prefix()
    set_script_prefix("/987654321/")  # the number the function reverses with, in the prefix
    yield
    clear_script_prefix()
    set_script_prefix(before)


def test_a_prefix_holding_the_placeholder_number_still_gives_the_right_urls(
    odd_prefix: None,
) -> None:
    url_of = url_of_id("review:answer")

    assert url_of(5) == reverse("review:answer", args=[5])
    assert url_of(5).startswith("/987654321/")
