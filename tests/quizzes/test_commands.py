"""Commands for instructors: drafting a rubric from a model answer."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from grading.rubric import rubric_from_dict


def test_a_rubric_is_drafted_from_a_model_answer_as_valid_yaml(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command(
        "draft_rubric",
        "--question",
        "Why steer one model with prompts?",
        "--model-answer",
        "Prompting needs no extra training run, so it is fast and cheap.",
    )

    rubric = rubric_from_dict(yaml.safe_load(capsys.readouterr().out)["rubric"])
    phrasings = [p for c in rubric.criteria for idea in c.key_ideas for p in idea.phrasings]
    assert "needs no extra training run" in phrasings and "fast and cheap" in phrasings


def test_drafting_without_a_model_answer_is_an_error() -> None:
    with pytest.raises(CommandError):
        call_command(
            "draft_rubric", "--question", "Why?", "--model-answer", "  ", stdout=io.StringIO()
        )
