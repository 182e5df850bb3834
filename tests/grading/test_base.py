"""The grader interface and registry."""

from __future__ import annotations

import pytest

from grading.base import (
    Grader,
    KeywordGrader,
    available_graders,
    get_grader,
    register_grader,
)
from grading.freetext import grade
from grading.rubric import rubric_from_dict

from .conftest import DOCS_EXAMPLE


def test_the_default_grader_is_the_keyword_grader() -> None:
    g = get_grader()
    assert isinstance(g, KeywordGrader) and g.name == "keyword"
    assert isinstance(g, Grader)
    rubric = rubric_from_dict(DOCS_EXAMPLE)
    answer = "no additional training, so it saves the cost"
    assert g.grade(rubric, answer, {"choice": "b"}) == grade(rubric, answer, {"choice": "b"})


def test_grader_options_reach_the_grader() -> None:
    g = get_grader("keyword", review_threshold=0.99)
    rubric = rubric_from_dict(DOCS_EXAMPLE)
    assert g.grade(rubric, "no additional training, so it saves the cost").needs_review


def test_an_unknown_grader_name_lists_the_available_ones() -> None:
    with pytest.raises(ValueError, match="keyword"):
        get_grader("oracle")


def test_graders_can_be_registered() -> None:
    register_grader("strict", lambda **kw: KeywordGrader(review_threshold=0.9, name="strict"))
    try:
        assert "strict" in available_graders()
        assert get_grader("strict").name == "strict"
    finally:
        from grading import base

        base._REGISTRY.pop("strict")
