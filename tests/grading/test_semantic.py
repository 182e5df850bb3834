"""The optional semantic grader (wordllama embeddings on top of the keyword grader).

The tests that grade need the optional package and start with `pytest.importorskip`; run them
in an environment with `pip install wordllama`. Importing the module and the install hint are
checked everywhere.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from quizzes.grading import semantic
from quizzes.grading.base import available_graders, get_grader
from quizzes.grading.freetext import GradeResult, grade
from quizzes.grading.semantic import SemanticBackendMissing, SemanticGrader

from .conftest import simple_rubric

REPO = Path(__file__).resolve().parents[2]

HIDING = simple_rubric(
    {"hiding": ["information hiding"], "reuse": ["code reuse"]},
    levels=[(0, None), (1, 1), (2, 2)],
    model="Information hiding and code reuse.",
)
PATH = simple_rubric({"closed": ["closed path"]}, model="The bulb is in a closed path.")


def spans_inside(res: GradeResult, answer: str) -> list[str]:
    out = []
    for c in res.criteria:
        for s, e in c.evidence:
            assert 0 <= s < e <= len(answer)
            out.append(answer[s:e])
    return out


def test_a_paraphrase_the_keyword_grader_misses_gets_credit_with_evidence() -> None:
    pytest.importorskip("wordllama")
    answer = "In OOP the information can be hidden from other classes."
    kw = grade(HIDING, answer)
    assert kw.criteria[0].matched_ideas == () and kw.score == 0
    res = SemanticGrader().grade(HIDING, answer)
    c = res.criteria[0]
    assert res.grader == "semantic"
    assert c.matched_ideas == ("hiding",) and c.missed_ideas == ("reuse",)
    assert c.level_index == 1 and res.score == 1
    words = spans_inside(res, answer)
    assert "information" in words and "hidden" in words
    assert "Found by meaning: hiding" in c.note
    # a guess below SEM_SURE that decides the level goes to an instructor
    assert res.needs_review and c.near_boundary


def test_another_word_form_of_a_phrasing_is_found() -> None:
    pytest.importorskip("wordllama")
    answer = "The bulb is in a closed pathway."
    assert grade(PATH, answer).score == 0
    res = SemanticGrader().grade(PATH, answer)
    assert res.score == 1
    assert spans_inside(res, answer) == ["closed", "pathway"]


def test_a_negated_key_idea_is_not_rescued() -> None:
    pytest.importorskip("wordllama")
    g = SemanticGrader()
    for answer in (
        "In OOP the information is not hidden from other classes.",
        "The bulb is not in a closed pathway.",
        "No closed pathway connects the bulb.",
    ):
        rubric = HIDING if "information" in answer else PATH
        res = g.grade(rubric, answer)
        assert res.score == 0, answer
        assert res.criteria[0].matched_ideas == ()


def test_a_contradicted_idea_stays_contradicted() -> None:
    pytest.importorskip("wordllama")
    answer = "The bulb is not in a closed path."
    kw = grade(PATH, answer)
    assert kw.criteria[0].contradicted_ideas == ("closed",)
    res = SemanticGrader().grade(PATH, answer)
    assert res.score == 0
    assert res.criteria[0].contradicted_ideas == ("closed",)


def test_an_antonym_does_not_stand_in_for_a_word() -> None:
    pytest.importorskip("wordllama")
    res = SemanticGrader().grade(PATH, "The bulb is in an open pathway.")
    assert res.score == 0


def test_the_words_of_a_misconception_award_nothing() -> None:
    pytest.importorskip("wordllama")
    rubric = simple_rubric(
        {"closed": ["closed path"]},
        misconceptions=[{"id": "pathway", "phrasings": ["closed pathway"], "effect": "cap"}],
        model="The bulb is in a closed path.",
    )
    res = SemanticGrader().grade(rubric, "The bulb is in a closed pathway.")
    assert res.score == 0
    assert res.criteria[0].misconceptions == ("pathway",)


def test_an_off_topic_answer_gets_nothing() -> None:
    pytest.importorskip("wordllama")
    g = SemanticGrader()
    for rubric in (HIDING, PATH):
        for answer in ("I like pizza and football on Sundays.", "", "   ", "42"):
            res = g.grade(rubric, answer)
            assert res.score == 0, answer
            assert all(c.matched_ideas == () and c.evidence == () for c in res.criteria)


def test_what_the_keyword_grader_found_is_kept() -> None:
    pytest.importorskip("wordllama")
    g = SemanticGrader()
    for answer in (
        "Information hiding and code reuse.",
        "Code reuse.",
        "Information hiding, and the information can be hidden.",
    ):
        kw = grade(HIDING, answer)
        res = g.grade(HIDING, answer)
        assert res.score >= kw.score
        for k, s in zip(kw.criteria, res.criteria, strict=True):
            assert set(k.matched_ideas) <= set(s.matched_ideas)
    full = "Information hiding and code reuse."
    assert g.grade(HIDING, full).criteria == grade(HIDING, full).criteria


def test_results_are_deterministic() -> None:
    pytest.importorskip("wordllama")
    answers = [
        "In OOP the information can be hidden from other classes.",
        "The bulb is in a closed pathway.",
        "Reusing code and hiding the details of information.",
        "I like pizza.",
    ]
    first = [SemanticGrader().grade(r, a) for r in (HIDING, PATH) for a in answers]
    semantic._rubric_phrasings.cache_clear()
    again = [SemanticGrader().grade(r, a) for r in (HIDING, PATH) for a in answers]
    assert first == again


def test_the_registry_builds_it_with_options() -> None:
    pytest.importorskip("wordllama")
    assert "semantic" in available_graders()
    g = get_grader("semantic", review_threshold=0.99, match=0.99)
    assert isinstance(g, SemanticGrader) and g.name == "semantic"
    res = g.grade(HIDING, "In OOP the information can be hidden from other classes.")
    assert res.score == 0 and res.needs_review  # the threshold is too high for this paraphrase


def test_importing_the_module_does_not_import_wordllama() -> None:
    code = (
        "import sys; import quizzes.grading.semantic; "
        "assert 'wordllama' not in sys.modules and 'numpy' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_a_missing_package_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def fake(name: str, package: str | None = None) -> ModuleType:
        if name == "wordllama":
            raise ImportError("No module named 'wordllama'")
        return real(name, package)

    monkeypatch.setattr(semantic, "_MODEL", None)
    monkeypatch.setattr(semantic.importlib, "import_module", fake)
    with pytest.raises(SemanticBackendMissing, match="pip install wordllama"):
        SemanticGrader().grade(PATH, "The bulb is in a closed pathway.")


@pytest.mark.django_db
def test_a_course_cannot_choose_it_while_the_package_is_missing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from django.core.exceptions import ValidationError

    from courses.models import Course
    from quizzes.grading import base
    from quizzes.grading.base import KeywordGrader
    from quizzes.models import GradingPolicy
    from quizzes.review import grader_for

    monkeypatch.setattr(base.importlib.util, "find_spec", lambda name: None)
    course = Course.objects.create(slug="c", title="C")
    policy = GradingPolicy(course=course, grader=GradingPolicy.GraderName.SEMANTIC)

    with pytest.raises(ValidationError, match="pip install wordllama"):
        policy.full_clean()
    policy.save()  # saved behind the form's back (or the package removed later):
    grader = grader_for(course.pk)

    assert isinstance(grader, KeywordGrader)  # grading goes on, never stuck awaiting
    assert "wordllama is not installed" in caplog.text


def test_the_registry_names_it_without_loading_anything() -> None:
    code = (
        "import sys; from quizzes.grading.base import get_grader; "
        "g = get_grader('semantic', review_threshold=0.5); "
        "assert g.name == 'semantic' and g.review_threshold == 0.5; "
        "assert 'wordllama' not in sys.modules and 'numpy' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
