"""What the attempt, result and preview pages show of a question: small typed classes the
templates read (`ItemEntry` of `PartEntry`s, each with its `Feedback`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString

from quizzes.forms import ItemForm
from quizzes.models import Answer, AttemptItem
from quizzes.parts import OptionFeedback, OrderFeedback, PairFeedback, Part, PartFeedback


@dataclass(frozen=True)
class CriterionGrade:
    """One rubric criterion of a final free-text grade, as the result page shows it."""

    number: int
    title: str
    level: int
    descriptor: str
    points: float
    max_points: float
    missed: list[str]
    has_evidence: bool


@dataclass(frozen=True)
class FreeTextGrade:
    criteria: list[CriterionGrade]
    highlighted: SafeString
    reviewed: bool
    comment: str


@dataclass(frozen=True)
class Feedback:
    """What the review options allow of one answered part: its marks, the kind's own feedback
    (`part`), and a final free-text grade's criteria (`grade`)."""

    points: float | None
    max_points: float | None
    status: str | None
    part: PartFeedback
    grade: FreeTextGrade | None = None

    # The template reads one flat object.
    @property
    def options(self) -> list[OptionFeedback]:
        return self.part.options

    @property
    def pairs(self) -> list[PairFeedback]:
        return self.part.pairs

    @property
    def ordering(self) -> list[OrderFeedback]:
        return self.part.ordering

    @property
    def text(self) -> str:
        return self.part.text

    @property
    def criteria(self) -> list[CriterionGrade]:
        return self.grade.criteria if self.grade else []

    @property
    def highlighted(self) -> SafeString:
        return self.grade.highlighted if self.grade else SafeString("")

    @property
    def reviewed(self) -> bool:
        return self.grade.reviewed if self.grade else False

    @property
    def comment(self) -> str:
        return self.grade.comment if self.grade else ""


@dataclass(frozen=True)
class PartEntry:
    """One part on a page: the part, the student's answer, and what feedback may be shown."""

    part: Part
    answer: Answer | None = None
    feedback: Feedback | None = None


@dataclass(frozen=True)
class ItemEntry:
    """One question on the attempt or result page."""

    item: AttemptItem
    form: ItemForm | None
    parts: list[PartEntry]
    show_feedback: bool
    answered: bool


@dataclass(frozen=True)
class SummaryRow:
    item: AttemptItem
    answered: bool
    partly: bool
