"""What a student may see of an attempt, and the result summaries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from django.template.defaultfilters import floatformat, linebreaksbr
from django.utils.safestring import SafeString

from courses.bloom import BloomLevel
from courses.html import escape, format_html
from courses.models import Concept
from courses.templatetags.stepwise import points
from quizzes.entries import CriterionGrade, Feedback, FreeTextGrade, ItemEntry, PartEntry
from quizzes.highlight import highlight
from quizzes.models import Answer, Attempt, AttemptItem, Question
from quizzes.parts import (
    FreeTextPart,
    OptionFeedback,
    OrderFeedback,
    PairFeedback,
    Part,
    Response,
    TextResponse,
    rubric_of,
)
from quizzes.visibility import NOTHING, Shown, moment_of

PENDING = (Answer.Status.AWAITING, Answer.Status.REVIEW)

Mark = Literal["pending", "right", "partial", "wrong"]


def mark_of(answers: list[Answer]) -> Mark:
    """How one question of an attempt went, for the results table and its CSV alike: pending
    while any answer waits for the grader or a person (AWAITING or REVIEW), right with full
    points on every part, partial with some points, wrong otherwise (unanswered too)."""
    if any(a.status in PENDING for a in answers):
        return "pending"
    if answers and all(a.points is not None and a.points >= (a.max_points or 0) for a in answers):
        return "right"
    if any((a.points or 0) > 0 for a in answers):
        return "partial"
    return "wrong"


def item_shown(attempt: Attempt, item: AttemptItem) -> Shown:
    """What the attempt page shows of one question: during the attempt, the matrix's "during"
    row once the student has checked that question; nothing otherwise."""
    if attempt.is_submitted or item.checked_at is None:
        return NOTHING
    return attempt.quiz.review_matrix.during


def feedback_allowed(
    attempt: Attempt, item: AttemptItem | None = None, now: datetime | None = None
) -> bool:
    """Whether a student may see correctness of `attempt` (or of its checked `item`) now."""
    if not attempt.is_submitted:
        return item is not None and item_shown(attempt, item).correctness
    return attempt.quiz.review_matrix.at(moment_of(attempt, now)).correctness


@dataclass
class Subscore:
    label: str
    points: float = 0.0
    max_points: float = 0.0
    pending: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.points / self.max_points, 1) if self.max_points else None


@dataclass
class Breakdown:
    by_bloom: list[Subscore] = field(default_factory=list)
    by_concept: list[Subscore] = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[str, str, list[Subscore]]]:
        """What templates/includes/breakdown.html shows: (title, first column, rows)."""
        return [
            ("By Bloom level", "Level", self.by_bloom),
            ("By concept", "Concept", self.by_concept),
        ]


def concepts_of_questions(question_ids: set[int]) -> dict[int, list[str]]:
    """The titles of the published concepts each question assesses, in title order (one
    query, two columns: what the breakdown shows)."""
    concepts_of: dict[int, list[str]] = {}
    links = (
        Question.concepts.through.objects.filter(
            question_id__in=question_ids, concept__status=Concept.Status.PUBLISHED
        )
        .order_by("concept__title")
        .values_list("question_id", "concept__title")
    )
    for question_id, title in links:
        concepts_of.setdefault(question_id, []).append(title)
    return concepts_of


def breakdown(items: list[AttemptItem], concepts_of: dict[int, list[str]]) -> Breakdown:
    """Sub-scores per Bloom level and per concept. Free text awaiting grading or being reviewed
    counts as pending: neither in the points nor in the maximum."""
    bloom: dict[int, Subscore] = {}
    concept: dict[str, Subscore] = defaultdict(lambda: Subscore(""))
    for item in items:
        answers: list[Answer] = item.saved_answers
        level = item.version.bloom
        targets = [bloom.setdefault(level, Subscore(BloomLevel(level).label))]
        for title in concepts_of.get(item.version.question_id, []):
            sub = concept[title]
            sub.label = title
            targets.append(sub)
        for answer in answers:
            for sub in targets:
                if answer.status in PENDING:
                    sub.pending += 1
                else:
                    sub.max_points += answer.max_points or 0
                    sub.points += answer.points or 0
    return Breakdown(
        by_bloom=[bloom[k] for k in sorted(bloom)],
        by_concept=sorted(concept.values(), key=lambda s: s.label),
    )


def part_feedback(part: Part, answer: Answer | None, response: Response, shown: Shown) -> Feedback:
    """What the review options allow of one answered part (built only with correctness): the
    student's answer marked right or wrong with its points; option feedback and rubric levels
    with `shown.feedback`; the right options, matches and order with `shown.right_answers`.
    Only what is allowed is put in, so the template cannot show more (each kind decides its
    own, in quizzes/parts.py)."""
    return Feedback(
        points=answer.points if answer else 0,
        max_points=answer.max_points if answer else None,
        status=answer.status if answer else None,
        part=part.feedback(response, shown),
        grade=free_text_grade(answer)
        if isinstance(part, FreeTextPart) and shown.feedback
        else None,
    )


def free_text_grade(answer: Answer | None) -> FreeTextGrade | None:
    """Per-criterion grade and the student's words that earned it, once the grade is final."""
    if answer is None or answer.status != Answer.Status.GRADED:
        return None
    detail = answer.typed_detail
    rubric = rubric_of(answer.item, answer.part_id)
    by_id = {c.id: c for c in rubric.criteria}
    criteria = []
    for number, c in enumerate(detail.criteria, start=1):
        criterion = by_id.get(c.criterion)
        level = detail.human.get(c.criterion, c.level)
        criteria.append(
            CriterionGrade(
                number=number,
                title=c.title,
                level=level,
                descriptor=criterion.levels[level].descriptor if criterion else c.descriptor,
                points=criterion.levels[level].points if criterion else c.points,
                max_points=c.max_points,
                missed=c.missed,
                has_evidence=bool(c.evidence),
            )
        )
    text = TextResponse.read(answer.response).text
    return FreeTextGrade(
        criteria=criteria,
        highlighted=highlight(text, [c.evidence for c in detail.criteria]),
        reviewed=answer.reviewed_by_id is not None,
        comment=answer.comment,
    )


# ---------------------------------------------------------------------------------------------
# The result page's parts, built in Python: the same HTML as templates/quizzes/_part.html with
# no controls (tests/quizzes/test_result_html.py compares the two), without a template include
# and a dozen `{% if %}`s per option for each of an attempt's parts.


def _option_html(o: OptionFeedback) -> str:
    # f-strings with `escape`, not `format_html` (an attempt has a hundred options);
    # tests/quizzes/test_result_html.py holds it to _part.html.
    mark = ""
    if o.chosen:
        mark = " — right" if o.state == "correct" else " — wrong"
    elif o.is_answer:
        mark = " — correct answer"
    state = f' class="is-{escape(o.state)}"' if o.state else ""
    chosen = "Your choice: " if o.chosen else ""
    note = f'<br><span class="muted">{escape(o.feedback)}</span>' if o.feedback else ""
    return f"<li{state}>{chosen}{escape(o.text)}{mark}{note}</li>"


def _pair_html(p: PairFeedback) -> SafeString:
    state = "is-correct" if p.right_ok else "is-wrong"
    if p.right:
        chosen = "" if p.right_ok else format_html(" (you chose: {})", p.given)
        return format_html('<li class="{}">{} → {}{}</li>', state, p.left, p.right, chosen)
    verdict = "right" if p.right_ok else "wrong"
    return format_html('<li class="{}">{} → {} — {}</li>', state, p.left, p.given, verdict)


def _order_html(i: OrderFeedback) -> SafeString:
    state = "is-correct" if i.ok else "is-wrong"
    if i.text:
        put = "" if i.ok else format_html(" (you put: {})", i.given)
        return format_html('<li class="{}">{}{}</li>', state, i.text, put)
    verdict = "right place" if i.ok else "wrong place"
    return format_html('<li class="{}">{} — {}</li>', state, i.given, verdict)


def _criterion_html(c: CriterionGrade) -> SafeString:
    return format_html(
        "<li><strong>{}</strong>: {} / {} — {}{}</li>",
        c.title,
        points(c.points),
        points(c.max_points),
        c.descriptor,
        SafeString(' <span class="muted">(nothing in your answer matched this criterion)</span>')
        if not c.has_evidence
        else "",
    )


def _feedback_html(kind: str, f: Feedback) -> SafeString:
    out: list[str] = []
    if kind == "free_text" and not f.criteria:
        out.append(
            format_html(
                '<p class="muted">Your answer:</p><blockquote>{}</blockquote>',
                linebreaksbr(f.text),
            )
        )
    if f.status == Answer.Status.AWAITING:
        out.append('<p class="pending">Awaiting grading.</p>')
    elif f.status == Answer.Status.REVIEW:
        out.append('<p class="pending">Being reviewed by your instructor.</p>')
    elif f.max_points:
        out.append(
            format_html("<p><strong>{} / {}</strong></p>", points(f.points), points(f.max_points))
        )
    if f.options:
        items = "".join(_option_html(o) for o in f.options)
        out.append(f'<ul class="option-feedback">{items}</ul>')
    if f.pairs:
        out.append(f"<ul>{''.join(_pair_html(p) for p in f.pairs)}</ul>")
    if f.criteria:
        out.append(
            format_html(
                '<p class="muted">Your answer, with the words that earned each criterion marked:'
                '</p><blockquote class="evidence">{}</blockquote>',
                f.highlighted,
            )
        )
        out.append(f'<ol class="criteria">{"".join(_criterion_html(c) for c in f.criteria)}</ol>')
        if f.reviewed:
            comment = format_html(" “{}”", f.comment) if f.comment else ""
            out.append(format_html('<p class="muted">Graded by your instructor.{}</p>', comment))
    if f.ordering:
        out.append(f"<ol>{''.join(_order_html(i) for i in f.ordering)}</ol>")
    return SafeString(f'<div class="feedback">{"".join(out)}</div>')


def part_html(entry: PartEntry) -> SafeString:
    """One part of the result page (no inputs): its prompt and the feedback the view built."""
    part = entry.part
    feedback = _feedback_html(part.kind, entry.feedback) if entry.feedback else ""
    return format_html(
        '<fieldset class="part part-{}"><legend>{}</legend>{}</fieldset>',
        part.kind,
        part.prompt,
        feedback,
    )


def parts_html(entry: ItemEntry) -> SafeString:
    """Every part of one question of the result page, each in its `<div class="part">`."""
    return SafeString("".join(f'<div class="part">{part_html(p)}</div>' for p in entry.parts))


def question_html(entry: ItemEntry) -> SafeString:
    """One question of the result page: title, stem, its parts (`parts_html`) and, with the
    feedback shown, the explanation; the HTML templates/quizzes/result.html drew."""
    version = entry.item.version
    explanation = (
        format_html('<p class="explanation">{}</p>', version.explanation)
        if entry.show_feedback and version.explanation
        else ""
    )
    return format_html(
        '<section class="question card"><h3>{}. {}</h3><div class="stem">{}</div>{}{}</section>',
        entry.item.position,
        version.title,
        version.stem_html,
        parts_html(entry),
        explanation,
    )


def _subscore_html(s: Subscore) -> SafeString:
    percent = s.percent
    if percent is None:
        score = format_html('<span class="pending">pending ({} being graded)</span>', s.pending)
    else:
        score = format_html(
            '<meter min="0" max="100" value="{}" aria-hidden="true"></meter> <strong>{}%</strong>'
            ' <small class="muted">{} / {}</small>{}',
            str(percent),
            floatformat(percent, "0"),
            points(s.points),
            points(s.max_points),
            format_html(' <span class="pending">and {} pending</span>', s.pending)
            if s.pending
            else "",
        )
    return format_html("<tr><td>{}</td><td>{}</td></tr>", s.label, score)


def breakdown_html(sections: list[tuple[str, str, list[Subscore]]]) -> SafeString:
    """templates/includes/breakdown.html's HTML, built in Python for the result page."""
    out = []
    for title, heading, subs in sections:
        rows = "".join(_subscore_html(s) for s in subs) or (
            '<tr><td colspan="2" class="muted">Nothing graded yet.</td></tr>'
        )
        out.append(
            format_html(
                '<section><h2>{}</h2><table><thead><tr><th scope="col">{}</th>'
                '<th scope="col">Score</th></tr></thead><tbody>{}</tbody></table></section>',
                title,
                heading,
                SafeString(rows),
            )
        )
    return SafeString(f'<div class="two-col breakdown">{"".join(out)}</div>')
