"""Grading, pure Python: this package never imports Django, `courses` or `quizzes`.

tests/test_layering.py enforces that; callers (review.actions, the management commands, the
editors) read settings and the database and pass plain values in.

- `scoring`: exact scoring of the objective parts (single, true/false, multiple, matching,
  ordering).
- `draw`: whether a quiz's draw rules can all be met at once, and a draw that meets them.

Free-text answers are graded against rubrics by:

- `rubric`: the rubric dataclasses, validation (`rubric_from_dict`) and export (`rubric_to_dict`).
- `text`: tokenising with offsets, stemming, stop words, fuzzy matching, negation.
- `freetext`: the default grader, `grade(rubric, answer, choices)` -> `GradeResult`.
- `derive`: a rubric proposed from a question and its model answer(s).
- `base`: the `Grader` interface and `get_grader(name, **options)`.
- `llm`: a grader behind any OpenAI-compatible /chat/completions endpoint.
- `batch`: JSONL in, JSONL out (the `grade_answers` and `pick_for_grading` commands).
- `learn`: learn per question from a person's grades (`learn(examples, rubric, question,
  context)` -> `LearnedModel`, whose `grade`/`grade_many` combine the rubric's evidence with
  what was learned, and name the graded answers an answer was graded like).
- `pick`: which answers a person should grade first (`pick_for_grading`) and groups of similar
  answers (`group_answers`).
- `agreement`: quadratic weighted kappa and how often a person changed the machine's grade.

The semantics are documented in docs/rubrics.md.
"""

from .base import Grader, KeywordGrader, get_grader
from .derive import rubric_from_model_answers
from .freetext import CriterionResult, GradeResult, grade
from .rubric import (
    ArguesFor,
    Criterion,
    KeyIdea,
    Level,
    Misconception,
    Rubric,
    RubricError,
    rubric_from_dict,
    rubric_to_dict,
)

__all__ = [
    "ArguesFor",
    "Criterion",
    "CriterionResult",
    "GradeResult",
    "Grader",
    "KeyIdea",
    "KeywordGrader",
    "Level",
    "Misconception",
    "Rubric",
    "RubricError",
    "get_grader",
    "grade",
    "rubric_from_dict",
    "rubric_from_model_answers",
    "rubric_to_dict",
]
