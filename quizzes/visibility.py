"""Review options: what a student may see of an attempt, and when (Moodle's matrix).

For each moment — during the attempt, immediately after it, later while the quiz is open, after
the quiz closes — a quiz says which kinds of information the student sees:

- marks: the attempt's score out of its total, its percentage, pass or fail, the quiz grade;
- correctness: whether each answer is right (per-question points, right/wrong marks, and the
  breakdowns by concept or Bloom level, which reveal it);
- feedback: per-option feedback, the explanation, rubric criterion levels and evidence;
- right_answers: the right options, matches and order.

A matrix is stored on the quiz (`Quiz.review`, parsed here at the storage boundary into a
`ReviewMatrix`) or, when it is one of the three presets, named by `Quiz.feedback` alone.
Nothing above this module indexes a dict by a moment's or a kind's name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from courses.permissions import can_author

if TYPE_CHECKING:
    from quizzes.models import Attempt, Quiz

# Moodle's "immediately after the attempt": the first two minutes after submission.
IMMEDIATELY = timedelta(minutes=2)


class Moment(StrEnum):
    DURING = "during"
    IMMEDIATELY_AFTER = "immediately_after"
    LATER_WHILE_OPEN = "later_while_open"
    AFTER_CLOSE = "after_close"

    @property
    def label(self) -> str:
        return {
            Moment.DURING: "During the attempt",
            Moment.IMMEDIATELY_AFTER: "Immediately after (2 minutes)",
            Moment.LATER_WHILE_OPEN: "Later, while the quiz is open",
            Moment.AFTER_CLOSE: "After the quiz closes",
        }[self]


class Kind(StrEnum):
    MARKS = "marks"
    CORRECTNESS = "correctness"
    FEEDBACK = "feedback"
    RIGHT_ANSWERS = "right_answers"

    @property
    def label(self) -> str:
        return {
            Kind.MARKS: "Marks (score, pass or fail)",
            Kind.CORRECTNESS: "Whether each answer is right (and the breakdowns)",
            Kind.FEEDBACK: "Feedback (option feedback, explanation, rubric levels)",
            Kind.RIGHT_ANSWERS: "The right answers",
        }[self]


@dataclass(frozen=True)
class Shown:
    """What one moment shows."""

    marks: bool = False
    correctness: bool = False
    feedback: bool = False
    right_answers: bool = False

    @classmethod
    def of(cls, kinds: set[Kind] | frozenset[Kind]) -> Shown:
        return cls(**{k.value: True for k in kinds})

    def kinds(self) -> list[Kind]:
        return [k for k in Kind if getattr(self, k.value)]

    def __bool__(self) -> bool:
        return bool(self.kinds())


NOTHING = Shown()
EVERYTHING = Shown(marks=True, correctness=True, feedback=True, right_answers=True)


class MatrixError(ValueError):
    """A matrix that is not well formed or makes no sense; `field` names where."""

    def __init__(self, field: str, message: str, moment: Moment | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.moment = moment


@dataclass(frozen=True)
class ReviewMatrix:
    during: Shown = NOTHING
    immediately_after: Shown = NOTHING
    later_while_open: Shown = NOTHING
    after_close: Shown = NOTHING

    def at(self, moment: Moment) -> Shown:
        shown: Shown = getattr(self, moment.value)
        return shown

    def with_moment(self, moment: Moment, shown: Shown) -> ReviewMatrix:
        return replace(self, **{moment.value: shown})

    # --- the storage and content boundary -------------------------------------------------

    def to_json(self) -> dict[str, list[str]]:
        """The canonical form: every moment, its kinds in the order of `Kind`."""
        return {m.value: [k.value for k in self.at(m).kinds()] for m in Moment}

    @classmethod
    def from_json(cls, data: Any) -> ReviewMatrix:
        """Parse and check a matrix; raise MatrixError naming the moment at fault."""
        if not isinstance(data, dict):
            raise MatrixError(
                "review", f"must be a mapping of moments ({', '.join(Moment)}) to lists"
            )
        matrix = cls()
        for key, value in data.items():
            if key not in Moment.__members__.values():
                raise MatrixError(f"review.{key}", f"unknown moment (allowed: {', '.join(Moment)})")
            moment = Moment(key)
            value = value or []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise MatrixError(
                    f"review.{key}", f"must be a list of what is shown ({', '.join(Kind)})"
                )
            unknown = [v for v in value if v not in Kind.__members__.values()]
            if unknown:
                raise MatrixError(
                    f"review.{key}",
                    f"unknown {unknown[0]!r} (allowed: {', '.join(Kind)})",
                )
            if len(set(value)) != len(value):
                raise MatrixError(f"review.{key}", "lists a kind twice")
            matrix = matrix.with_moment(moment, Shown.of({Kind(v) for v in value}))
        matrix.check()
        return matrix

    def check(self) -> None:
        """Refuse combinations that make no sense (docs/grading.md, "Review options")."""
        for moment in Moment:
            shown = self.at(moment)
            where = f"review.{moment.value}"
            if shown.right_answers and not shown.correctness:
                raise MatrixError(
                    where,
                    moment=moment,
                    message="the right answers next to the student's answers tell whether they are "
                    "right: show correctness too",
                )
            if shown.feedback and not shown.correctness:
                raise MatrixError(
                    where,
                    moment=moment,
                    message="feedback (option feedback, rubric levels) tells whether an answer is "
                    "right: show correctness too",
                )
            if moment == Moment.DURING and shown.marks:
                raise MatrixError(
                    where,
                    moment=moment,
                    message="an attempt has no score until it is submitted; a checked question's "
                    "points come with correctness",
                )

    def only_after_close(self) -> list[Kind]:
        """Kinds shown after the quiz closes but not before: they need a closing time."""
        later = self.later_while_open
        return [k for k in self.after_close.kinds() if not getattr(later, k.value)]

    @property
    def checks_each_question(self) -> bool:
        """With correctness during the attempt, each question has "Check this answer"."""
        return self.during.correctness


def preset(feedback: str) -> ReviewMatrix:
    """The matrix each old `feedback` setting means (each / submit / close)."""
    if feedback == "each":
        return ReviewMatrix(
            during=Shown(correctness=True, feedback=True, right_answers=True),
            immediately_after=EVERYTHING,
            later_while_open=EVERYTHING,
            after_close=EVERYTHING,
        )
    if feedback == "close":
        marks = Shown(marks=True)
        return ReviewMatrix(immediately_after=marks, later_while_open=marks, after_close=EVERYTHING)
    return ReviewMatrix(
        immediately_after=EVERYTHING, later_while_open=EVERYTHING, after_close=EVERYTHING
    )


PRESETS = ("each", "submit", "close")
DEFAULT_PRESET = "submit"


def normalize(feedback: str, matrix: ReviewMatrix | None) -> tuple[str, ReviewMatrix | None]:
    """The one stored form of a setting: a preset by name when the matrix is one, else the
    matrix (with the default preset name beside it). Export → import → export is stable."""
    if matrix is None:
        return feedback, None
    for name in PRESETS:
        if preset(name) == matrix:
            return name, None
    return DEFAULT_PRESET, matrix


# --- moments and who sees what ---------------------------------------------------------------


def moment_of(attempt: Attempt, now: datetime | None = None) -> Moment:
    """Moodle's order: in progress → during; quiz closed → after close; submitted less than
    two minutes ago → immediately after; otherwise later while open. A quiz without a closing
    time never reaches "after close"; one whose accommodations let a student write past its
    closing time reaches it when the last of them closes."""
    now = now or timezone.now()
    if attempt.submitted_at is None:
        return Moment.DURING
    closes_at = attempt.quiz.closes_at
    if closes_at is not None and now >= closes_at:
        # Closed for everyone, accommodated students included (quizzes.accommodations).
        from quizzes.accommodations import closed_for_everyone_at

        everyone = closed_for_everyone_at(attempt.quiz)
        if everyone is not None and now >= everyone:
            return Moment.AFTER_CLOSE
    if now < attempt.submitted_at + IMMEDIATELY:
        return Moment.IMMEDIATELY_AFTER
    return Moment.LATER_WHILE_OPEN


def sees_everything(user: AbstractBaseUser | AnonymousUser, quiz: Quiz) -> bool:
    """The course's instructors and admins see every attempt in full, whatever the matrix."""
    return can_author(user, quiz.course)


def shown_to(
    user: AbstractBaseUser | AnonymousUser, attempt: Attempt, now: datetime | None = None
) -> Shown:
    """What `user` may see of `attempt` now."""
    if sees_everything(user, attempt.quiz):
        return EVERYTHING
    return attempt.quiz.review_matrix.at(moment_of(attempt, now))


def next_change(attempt: Attempt, now: datetime | None = None) -> Moment | None:
    """The next moment that shows more than now, to tell the student when to come back."""
    now = now or timezone.now()
    current = moment_of(attempt, now)
    order = list(Moment)
    matrix = attempt.quiz.review_matrix
    have = set(matrix.at(current).kinds())
    for moment in order[order.index(current) + 1 :]:
        if moment == Moment.AFTER_CLOSE and attempt.quiz.closes_at is None:
            continue
        if set(matrix.at(moment).kinds()) - have:
            return moment
    return None


WHEN = {
    Moment.DURING: "after each checked question",
    Moment.IMMEDIATELY_AFTER: "right after submitting",
    Moment.LATER_WHILE_OPEN: "from two minutes after submitting",
    Moment.AFTER_CLOSE: "after the quiz closes",
}
SHORT = {
    Kind.MARKS: "marks",
    Kind.CORRECTNESS: "which answers are right",
    Kind.FEEDBACK: "feedback",
    Kind.RIGHT_ANSWERS: "the right answers",
}


def summary(matrix: ReviewMatrix) -> str:
    """One line for students: when each kind of information first appears."""
    groups: dict[Moment, list[str]] = {}
    never = []
    for kind in Kind:
        first = next((m for m in Moment if getattr(matrix.at(m), kind.value)), None)
        if first is None:
            never.append(SHORT[kind])
        else:
            groups.setdefault(first, []).append(SHORT[kind])
    parts = [
        f"{', '.join(kinds)} {WHEN[m]}"
        for m, kinds in sorted(groups.items(), key=lambda g: list(Moment).index(g[0]))
    ]
    if never:
        parts.append(f"{', '.join(never)} not shown")
    return "; ".join(parts) if parts else "not shown"
