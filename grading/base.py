"""The grader interface and a registry of graders by name.

grader = get_grader("keyword")                     # the default, freetext.grade
grader = get_grader("llm", url=..., model=..., api_key=..., timeout=20)
result = grader.grade(rubric, answer, {"choice": "b"})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from .freetext import GradeResult, grade
from .rubric import Rubric

__all__ = [
    "Choices",
    "Grader",
    "KeywordGrader",
    "available_graders",
    "get_grader",
    "register_grader",
]

Choices = Mapping[str, str | Sequence[str]]


@runtime_checkable
class Grader(Protocol):
    @property
    def name(self) -> str: ...

    def grade(
        self,
        rubric: Rubric,
        answer: str,
        choices: Choices | None = None,
        *,
        prompt: str | None = None,
    ) -> GradeResult:
        """`prompt`: the question as the student saw it (words from it earn less credit)."""
        ...


@dataclass(frozen=True)
class KeywordGrader:
    """The default grader: key ideas of the rubric matched in the answer (freetext.grade)."""

    review_threshold: float = 0.6
    name: str = "keyword"

    def grade(
        self,
        rubric: Rubric,
        answer: str,
        choices: Choices | None = None,
        *,
        prompt: str | None = None,
    ) -> GradeResult:
        return grade(rubric, answer, choices, review_threshold=self.review_threshold, prompt=prompt)


def _llm_factory(**options: Any) -> Grader:
    from .llm import ChatCompletionsGrader

    return ChatCompletionsGrader(**options)


_REGISTRY: dict[str, Callable[..., Grader]] = {
    "keyword": KeywordGrader,
    "llm": _llm_factory,
}


def register_grader(name: str, factory: Callable[..., Grader]) -> None:
    """Make a grader available to `get_grader(name, **options)`."""
    _REGISTRY[name] = factory


def available_graders() -> tuple[str, ...]:
    return tuple(sorted(_REGISTRY))


def get_grader(name: str = "keyword", **options: Any) -> Grader:
    """A grader by name; `options` go to its constructor. Unknown names raise ValueError."""
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"unknown grader {name!r} (available: {', '.join(available_graders())})"
        ) from None
    return factory(**options)
