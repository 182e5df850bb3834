"""Questions and quizzes as files, imported and exported with the course.

`content/questions/<slug>.md`: front matter + the stem in Markdown (docs/content-format.md).
`content/quizzes/<slug>.yaml`: quiz settings, fixed questions and draw rules.
`content_io.course` reads and writes them with the course (`import_course`, `export_course`), so
`import_content` stays all-or-nothing across concepts, questions and quizzes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db.models import Count, Prefetch

from courses import markup
from courses.bloom import BloomLevel, parse_bloom
from courses.content import (
    SLUG_RE,
    ContentInvalid,
    CourseTree,
    Errors,
    WriteContext,
    check_length,
    check_values,
    dump_yaml,
    load_yaml,
    own_tag_names,
    parse_tree,
    read_front_matter,
    read_text,
)
from courses.models import SLUG_MAX, Course, Tag, max_length
from courses.provenance import ItemModels
from grading.rubric import MAX_POINTS, rubric_from_dict, rubric_to_dict
from quizzes.actions import draw_shortfall
from quizzes.itemcheck import ITEM_CHECKS, BankReport, Item, check_bank, index_concepts
from quizzes.models import (
    CHOICE_KINDS,
    MAX_ATTEMPTS,
    MAX_DRAW_COUNT,
    MAX_TIME_LIMIT_MINUTES,
    PART_KINDS,
    QUIZ_TIME_RULE,
    Answer,
    AttemptItem,
    DrawRule,
    Question,
    QuestionVersion,
    Quiz,
    QuizItem,
    quiz_time_in_window,
)
from quizzes.parts import (
    ITEM_KEYS,
    OPTION_KEYS,
    PAIR_KEYS,
    PART_CLASSES,
    RawJSON,
    StoredJSON,
    text_value,
)
from quizzes.signals import rubrics_changed
from quizzes.visibility import SHORT, MatrixError, ReviewMatrix, normalize, preset

QUESTIONS_DIR = "questions"
QUIZ_MAXIMA = {"time_limit_minutes": MAX_TIME_LIMIT_MINUTES, "max_attempts": MAX_ATTEMPTS}
QUESTION_KEYS = (
    "slug",
    "title",
    "status",
    "bloom",
    "concepts",
    "tags",
    "explanation",
    "parts",
    "waivers",
)
PART_KEYS = ("id", "kind", "prompt", "points", "options", "pairs", "distractors", "items", "rubric")

_slug_re = re.compile(SLUG_RE)
# A part's id is stored with every answer to it (and with each re-grade of it: review's
# RegradeRun.part_id is as long).
PART_ID_MAX = max_length(Answer, "part_id")


@dataclass
class QuestionData:
    file: str
    slug: str
    title: str
    status: str
    bloom: int
    concepts: list[str]
    tags: list[str]
    explanation: str
    parts: list[StoredJSON]
    stem: str
    waivers: dict[str, str] = field(default_factory=dict)


@dataclass
class QuestionsData:
    questions: list[QuestionData] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Parsing and checking


_str = text_value


class _PartChecker:
    """Checks one part and returns it in canonical form (keys in PART_KEYS order): the fields
    every part has here, the kind's own in its class (`quizzes.parts`, `check_content`)."""

    def __init__(self, file: str, errors: Errors) -> None:
        self.file = file
        self.errors = errors

    def fail(self, where: str, message: str) -> None:
        self.errors.add(self.file, where, message)

    def text(self, data: RawJSON, key: str, where: str, *, required: bool = True) -> str:
        value = _str(data.get(key))
        if value is None or (required and not value):
            if required or data.get(key) is not None:
                self.fail(
                    f"{where}.{key}", "is missing" if data.get(key) is None else "must be text"
                )
            return ""
        return value

    def ident(self, data: RawJSON, where: str, seen: set[str], limit: int | None = None) -> str:
        value = self.text(data, "id", where)
        if limit is not None and not check_length(
            value, limit, self.file, f"{where}.id", self.errors
        ):
            return ""
        if value and not _slug_re.match(value):
            self.fail(f"{where}.id", f"{value!r} is not a slug")
        if value in seen:
            self.fail(f"{where}.id", f"{value!r} is used twice")
        seen.add(value)
        return value

    def unknown(self, data: RawJSON, allowed: tuple[str, ...], where: str) -> None:
        for key in data:
            if key not in allowed:
                self.fail(f"{where}.{key}", f"unknown field (allowed: {', '.join(allowed)})")

    def entries(self, part: RawJSON, key: str, where: str) -> list[RawJSON]:
        value = part.get(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(f"{where}.{key}", "must be a list of mappings")
            return []
        return value

    def part(self, raw: Any, where: str, seen: set[str]) -> StoredJSON | None:
        if not isinstance(raw, dict):
            self.fail(where, "must be a mapping with id, kind and prompt")
            return None
        self.unknown(raw, PART_KEYS, where)
        out: StoredJSON = {"id": self.ident(raw, where, seen, PART_ID_MAX)}
        kind = self.text(raw, "kind", where)
        if kind and kind not in PART_KINDS:
            self.fail(f"{where}.kind", f"{kind!r} is not one of {', '.join(PART_KINDS)}")
            return None
        out["kind"] = kind
        out["prompt"] = self.text(raw, "prompt", where)
        if "points" in raw:
            points = raw["points"]
            if (
                not isinstance(points, int | float)
                or isinstance(points, bool)
                or (isinstance(points, float) and not math.isfinite(points))
                or points <= 0
            ):
                self.fail(f"{where}.points", "must be a positive, finite number")
            elif points > MAX_POINTS:
                self.fail(f"{where}.points", f"must be at most {MAX_POINTS:,}")
            else:
                out["points"] = points
        if kind:
            out.update(PART_CLASSES[kind].check_content(raw, where, self))
        return out


def _check_argues_for(parts: list[StoredJSON], file: str, errors: Errors) -> None:
    by_id = {p["id"]: p for p in parts}
    for p in parts:
        for i, criterion in enumerate((p.get("rubric") or {}).get("criteria", [])):
            target = criterion.get("argues_for")
            if not target:
                continue
            where = f"parts.{p['id']}.rubric.criteria[{i}].argues_for"
            choice = by_id.get(target.get("part"))
            if choice is None or choice["kind"] not in CHOICE_KINDS:
                errors.add(
                    file, where, f"names no choice part {target.get('part')!r} of this question"
                )
            elif target.get("option") not in {o["id"] for o in choice["options"]}:
                errors.add(
                    file,
                    where,
                    f"names no option {target.get('option')!r} of part {choice['id']!r}",
                )


def check_parts(raw_parts: Any, file: str, errors: Errors) -> list[StoredJSON]:
    """A question's `parts` checked and in canonical form; every problem goes to `errors`."""
    parts: list[StoredJSON] = []
    if not isinstance(raw_parts, list) or not raw_parts:
        errors.add(file, "parts", "must be a non-empty list")
        return parts
    if not check_values(raw_parts, file, errors, "parts"):  # the editor's text reaches here too
        return parts
    checker = _PartChecker(file, errors)
    seen: set[str] = set()
    for i, raw in enumerate(raw_parts):
        part = checker.part(raw, f"parts[{i}]", seen)
        if part is not None:
            parts.append(part)
    _check_argues_for(parts, file, errors)
    _check_field_names(parts, file, errors)
    return parts


def _check_field_names(parts: list[StoredJSON], file: str, errors: Errors) -> None:
    """A part's form fields are named `<id>` and `<id>-<something>` (a matching part's selects,
    an ordering part's boxes), so no part id may start with another's id and a hyphen."""
    ids = [p["id"] for p in parts if p.get("id")]
    for i, part in enumerate(parts):
        for other in ids:
            if part.get("id") != other and str(part.get("id", "")).startswith(f"{other}-"):
                errors.add(
                    file,
                    f"parts[{i}].id",
                    f"{part['id']!r} starts with the id of part {other!r} and a hyphen, which "
                    "that part's answer boxes use; choose another id",
                )


def check_question(data: RawJSON) -> tuple[list[StoredJSON], list[tuple[str, str]]]:
    """Check a question's parts by the import's rules (the authoring editor uses this).

    Returns the parts in canonical form and the problems as (path, message), with paths such as
    `parts[0].options` or `parts[1].rubric.criteria[0].levels`.
    """
    errors = Errors()
    parts = check_parts(data.get("parts"), "", errors)
    return parts, [(e.field, e.message) for e in errors.items]


def parse_question(
    path: Path, root: Path, concepts: set[str], tags: set[str], errors: Errors
) -> QuestionData | None:
    file = str(path.relative_to(root))
    read = read_front_matter(path, file, errors)
    if read is None:
        return None
    data, body = read
    checker = _PartChecker(file, errors)
    for key in data:
        if key not in QUESTION_KEYS:
            errors.add(file, str(key), f"unknown field (allowed: {', '.join(QUESTION_KEYS)})")
    slug = checker.text(data, "slug", "question").strip()
    if not check_length(slug, SLUG_MAX, file, "slug", errors):
        slug = ""
    if slug and not _slug_re.match(slug):
        errors.add(file, "slug", f"{slug!r} is not a slug (lower-case letters, digits, hyphens)")
    elif slug and slug != path.stem:
        errors.add(file, "slug", f"{slug!r} does not match the file name {path.name!r}")
    title = checker.text(data, "title", "question")
    if not check_length(title, max_length(QuestionVersion, "title"), file, "title", errors):
        title = ""
    for key in ("status", "explanation"):
        if data.get(key) is not None and _str(data[key]) is None:
            errors.add(file, key, f"must be text, not {type(data[key]).__name__}")
    status = _str(data.get("status")) or Question.Status.PUBLISHED.value
    if status not in Question.Status.values:
        errors.add(file, "status", f"{status!r} is not one of {', '.join(Question.Status.values)}")
    bloom = 0
    try:
        bloom = int(parse_bloom(str(data.get("bloom", ""))))
    except ValueError as exc:
        errors.add(file, "bloom", str(exc) if data.get("bloom") else "is missing")
    lists: dict[str, list[str]] = {}
    for key, known, what in (("concepts", concepts, "concept"), ("tags", tags, "tag")):
        values = data.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            errors.add(file, key, "must be a list of slugs")
            values = []
        for v in values:
            if v not in known:
                errors.add(file, key, f"unknown {what} {v!r}")
        lists[key] = values
    if not lists["concepts"]:
        errors.add(file, "concepts", "name at least one concept the question assesses")
    parts = check_parts(data.get("parts"), file, errors)
    if not body.strip():
        errors.add(file, "stem", "the Markdown body (the question's stem) is empty")
    for problem in markup.problems(body):
        errors.add(file, "stem", problem)
    explanation = _str(data.get("explanation")) or ""
    waivers = _parse_waivers(data.get("waivers"), file, errors)
    return QuestionData(
        file,
        slug,
        title,
        status,
        bloom,
        lists["concepts"],
        lists["tags"],
        explanation,
        parts,
        body,
        waivers,
    )


def _parse_waivers(raw: Any, file: str, errors: Errors) -> dict[str, str]:
    """`waivers: {check code: reason}`: item-writing checks this question is exempt from."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        errors.add(file, "waivers", "must map item-writing check codes to reasons")
        return {}
    waivers: dict[str, str] = {}
    for code, reason in raw.items():
        if code not in ITEM_CHECKS:
            errors.add(file, f"waivers.{code}", f"unknown check (one of {', '.join(ITEM_CHECKS)})")
        elif not isinstance(reason, str) or not reason.strip():
            errors.add(file, f"waivers.{code}", "give the reason the check does not apply")
        else:
            waivers[str(code)] = reason.strip()
    return dict(sorted(waivers.items()))


def parse_questions(root: Path, tree: CourseTree, errors: Errors) -> QuestionsData:
    concepts = {c.slug for c in tree.concepts}
    tags = {t.slug for t in tree.tags} | own_tag_names(tree)
    out = QuestionsData()
    seen: dict[str, str] = {}
    for path in sorted((root / QUESTIONS_DIR).rglob("*.md")):
        q = parse_question(path, root, concepts, tags, errors)
        if q is None:
            continue
        if q.slug in seen:
            errors.add(q.file, "slug", f"duplicate slug {q.slug!r}, also used by {seen[q.slug]}")
        seen[q.slug] = q.file
        out.questions.append(q)
    return out


# ---------------------------------------------------------------------------------------------
# Writing


def _payload(q: QuestionData) -> StoredJSON:
    return {
        "title": q.title,
        "stem": q.stem,
        "bloom": q.bloom,
        "explanation": q.explanation,
        "parts": q.parts,
    }


def _visible(parts: list[StoredJSON]) -> list[StoredJSON]:
    """What a student is shown of the parts: everything but the rubrics."""
    return [{k: v for k, v in p.items() if k != "rubric"} for p in parts]


def _changed_rubrics(old: list[StoredJSON], new: list[StoredJSON]) -> list[str]:
    before = {p["id"]: p.get("rubric") for p in old}
    return [
        p["id"]
        for p in new
        if p.get("rubric") is not None and p.get("rubric") != before.get(p["id"])
    ]


@dataclass(frozen=True)
class ContentSaved:
    """What `store_content` did with a question's new content."""

    UNCHANGED = "unchanged"
    RUBRICS = "rubrics fixed in place"
    NEW_VERSION = "new version"
    IN_PLACE = "updated in place"

    outcome: str
    regraded_parts: tuple[str, ...] = ()  # ids of the parts whose re-grade was asked for

    @property
    def changed(self) -> bool:
        return self.outcome != self.UNCHANGED


def store_content(question: Question, payload: StoredJSON, *, answered: bool) -> ContentSaved:
    """Give `question` new content (`payload`: title, stem, bloom, explanation, parts).

    `answered` says whether an attempt has shown the current version. Students never see a
    rubric, so a change of rubrics alone fixes the current version in place and, when it was
    answered, enqueues a re-grade of each changed part (people's decisions stay). Any other
    change to an answered version makes a new version (the attempt keeps the one it showed);
    an unanswered version is updated in place. The import and the authoring editor both call this.
    """
    current = question.current
    if current is not None and all(getattr(current, k) == v for k, v in payload.items()):
        return ContentSaved(ContentSaved.UNCHANGED)
    rubrics_only = (
        current is not None
        and all(getattr(current, k) == v for k, v in payload.items() if k != "parts")
        and _visible(current.parts) == _visible(payload["parts"])
    )
    if rubrics_only and current is not None:
        changed_parts = _changed_rubrics(current.parts, payload["parts"])
        current.parts = payload["parts"]
        current.save(update_fields=["parts"])
        regraded: tuple[str, ...] = ()
        if answered and changed_parts:
            # review/receivers.py records a re-grade run per part and enqueues it
            regraded = tuple(changed_parts)
            rubrics_changed.send(sender=QuestionVersion, version=current, part_ids=regraded)
        return ContentSaved(ContentSaved.RUBRICS, regraded)
    if current is None or answered:
        number = (current.number + 1) if current else 1
        question.current = QuestionVersion.objects.create(
            question=question, number=number, **payload
        )
        question.save(update_fields=["current"])
        return ContentSaved(ContentSaved.NEW_VERSION)
    for k, v in payload.items():
        setattr(current, k, v)
    current.save()
    return ContentSaved(ContentSaved.IN_PLACE)


def write_questions(data: QuestionsData, ctx: WriteContext) -> None:
    report = ctx.report
    existing = {
        q.slug: q
        for q in Question.objects.filter(course=ctx.course)
        .select_related("current")
        .prefetch_related("concepts", "tags")
    }
    used_versions = set(
        AttemptItem.objects.filter(version__question__course=ctx.course).values_list(
            "version_id", flat=True
        )
    )
    for q in data.questions:
        payload = _payload(q)
        question = existing.get(q.slug)
        links = report.updated if question is not None else report.created
        if question is None:
            question = Question.objects.create(
                course=ctx.course, slug=q.slug, status=q.status, waivers=q.waivers
            )
            question.current = QuestionVersion.objects.create(
                question=question, number=1, **payload
            )
            question.save(update_fields=["current"])
            report.created["questions"] += 1
        else:
            saved = store_content(question, payload, answered=question.current_id in used_versions)
            changed = saved.changed
            if changed:
                report.updated["questions"] += 1
            if saved.outcome == ContentSaved.NEW_VERSION:
                report.created["question versions"] += 1
            if saved.regraded_parts:
                report.created["re-grade runs"] += len(saved.regraded_parts)
            if question.status != q.status or (question.waivers or {}) != q.waivers:
                question.status = q.status
                question.waivers = q.waivers
                question.save(update_fields=["status", "waivers"])
                report.updated["questions"] += int(not changed)
        want_concepts = {ctx.concepts[s].pk for s in q.concepts}
        if {c.pk for c in question.concepts.all()} != want_concepts:
            question.concepts.set(want_concepts)
            links["question links"] += 1
        want_tags = {ctx.tags[s].pk for s in q.tags}
        if {t.pk for t in question.tags.all()} != want_tags:
            question.tags.set(want_tags)
            links["question links"] += 1
    missing = sorted(set(existing) - {q.slug for q in data.questions})
    if missing and ctx.prune:
        in_use = set(
            Question.objects.filter(course=ctx.course, slug__in=missing)
            .annotate(n=Count("versions__id"))
            .filter(versions__in=list(used_versions))
            .values_list("slug", flat=True)
        )
        deletable = [s for s in missing if s not in in_use]
        Question.objects.filter(course=ctx.course, slug__in=deletable).update(current=None)
        QuestionVersion.objects.filter(
            question__course=ctx.course, question__slug__in=deletable
        ).delete()
        report.deleted["questions"] += (
            Question.objects.filter(course=ctx.course, slug__in=deletable)
            .delete()[1]
            .get("quizzes.Question", 0)
        )
        if in_use:
            Question.objects.filter(course=ctx.course, slug__in=in_use).update(
                status=Question.Status.DRAFT
            )
            report.updated["questions"] += len(in_use)
            report.missing_items.setdefault(
                "questions kept as drafts (answered in attempts)", []
            ).extend(sorted(in_use))
    elif missing:
        report.missing_items.setdefault("questions", []).extend(missing)


# ---------------------------------------------------------------------------------------------
# Export


def render_question_file(question: Question) -> str:
    version = question.current
    assert version is not None
    # The file's front matter: a YAML mapping being written (the storage boundary).
    front: dict[str, Any] = {"slug": question.slug, "title": version.title}
    if question.status != Question.Status.PUBLISHED:
        front["status"] = question.status
    front["bloom"] = BloomLevel(version.bloom).slug
    front["concepts"] = sorted(c.slug for c in question.concepts.all())
    tags = sorted(t.content_name for t in question.tags.all())
    if tags:
        front["tags"] = tags
    if version.explanation:
        front["explanation"] = version.explanation
    front["parts"] = [_canonical_part(p) for p in version.parts]
    if question.waivers:
        front["waivers"] = dict(sorted(question.waivers.items()))
    return f"---\n{dump_yaml(front)}---\n{version.stem}\n"


def _ordered(data: StoredJSON, keys: tuple[str, ...]) -> StoredJSON:
    return {k: data[k] for k in keys if k in data}


def _canonical_part(part: StoredJSON) -> StoredJSON:
    """Key order is fixed here, not by the database: PostgreSQL's jsonb does not keep it."""
    out = _ordered(part, PART_KEYS)
    if "options" in out:
        out["options"] = [_ordered(o, OPTION_KEYS) for o in out["options"]]
    if "pairs" in out:
        out["pairs"] = [_ordered(p, PAIR_KEYS) for p in out["pairs"]]
    if "items" in out:
        out["items"] = [_ordered(i, ITEM_KEYS) for i in out["items"]]
    if "rubric" in out:
        out["rubric"] = rubric_to_dict(rubric_from_dict(out["rubric"]))
    return out


def export_questions(course: Course, root: Path) -> list[Path]:
    folder = root / QUESTIONS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for question in (
        Question.objects.filter(course=course)
        .select_related("current")
        .prefetch_related(
            "concepts", Prefetch("tags", Tag.objects.select_related("course", "chapter"))
        )
        .order_by("slug")
    ):
        path = folder / f"{question.slug}.md"
        path.write_text(render_question_file(question), encoding="utf-8")
        written.append(path)
    return written


# ---------------------------------------------------------------------------------------------
# Quizzes: content/quizzes/<slug>.yaml

QUIZZES_DIR = "quizzes"
QUIZ_SETTINGS = (
    "time_limit_minutes",
    "max_attempts",
    "pass_mark",
    "feedback",
    "grading",
    "layout",
    "shuffle_questions",
    "shuffle_options",
    "opens_at",
    "closes_at",
)
QUIZ_KEYS = (
    "slug",
    "title",
    "chapter",
    "description",
    *QUIZ_SETTINGS,
    "review",
    "questions",
    "draw",
)
QUIZ_TIMES = ("opens_at", "closes_at")


def _parse_time(value: Any) -> datetime:
    """An ISO 8601 date-time with its time zone (YAML may hand over a datetime already)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError("give the time zone, e.g. 2026-12-01T09:00:00+00:00")
    return moment


RULE_KEYS = ("count", "chapter", "concept", "tag", "bloom")


@dataclass
class QuizData:
    file: str
    slug: str
    values: dict[str, Any]
    questions: list[str]
    rules: list[dict[str, Any]]


def _quiz_defaults() -> dict[str, Any]:
    fields = {f.name: f for f in Quiz._meta.concrete_fields}
    return {name: fields[name].get_default() for name in QUIZ_SETTINGS}


def parse_quizzes(
    root: Path, tree: CourseTree, questions: QuestionsData, errors: Errors
) -> list[QuizData]:
    chapters = {c.slug for c in tree.course.chapters}
    concepts = {c.slug for c in tree.concepts}
    tags = {t.slug for t in tree.tags} | own_tag_names(tree)
    question_slugs = {q.slug for q in questions.questions}
    choices = {
        "feedback": Quiz.Feedback.values,
        "grading": Quiz.Grading.values,
        "layout": Quiz.Layout.values,
    }
    out = []
    for path in sorted((root / QUIZZES_DIR).glob("*.yaml")):
        file = str(path.relative_to(root))
        text = read_text(path, file, errors)
        if text is None:
            continue
        if not text.strip():
            errors.add(file, "file", "is empty: a quiz file needs at least a slug and a title")
            continue
        data = load_yaml(text, file, errors)
        if not isinstance(data, dict):
            if data is not None:
                errors.add(file, "YAML", "must be a mapping of quiz fields")
            continue
        for key in data:
            if key not in QUIZ_KEYS:
                errors.add(file, str(key), f"unknown field (allowed: {', '.join(QUIZ_KEYS)})")
        slug = _str(data.get("slug")) or ""
        if not check_length(slug, SLUG_MAX, file, "slug", errors):
            slug = ""
        elif not _slug_re.match(slug):
            errors.add(
                file, "slug", f"{slug!r} is not a slug (lower-case letters, digits, hyphens)"
            )
        elif slug != path.stem:
            errors.add(file, "slug", f"{slug!r} does not match the file name {path.name!r}")
        title = _str(data.get("title"))
        if not title:
            errors.add(file, "title", "is missing")
        elif not check_length(title, max_length(Quiz, "title"), file, "title", errors):
            title = ""
        if data.get("description") is not None and _str(data["description"]) is None:
            errors.add(
                file, "description", f"must be text, not {type(data['description']).__name__}"
            )
        values: dict[str, Any] = {
            "title": title or "",
            "description": _str(data.get("description")) or "",
        }
        chapter = data.get("chapter")
        if chapter is not None and not isinstance(chapter, str):
            errors.add(file, "chapter", "must be a chapter slug")
            chapter = None
        elif chapter is not None and chapter not in chapters:
            errors.add(file, "chapter", f"unknown chapter {chapter!r}")
        values["chapter"] = chapter
        for name in QUIZ_SETTINGS:
            default = _quiz_defaults()[name]
            value = data.get(name, default)
            if name in choices and value not in choices[name]:
                errors.add(file, name, f"{value!r} is not one of {', '.join(choices[name])}")
            elif name.startswith("shuffle") and not isinstance(value, bool):
                errors.add(file, name, "must be true or false")
            elif (
                name in ("time_limit_minutes", "max_attempts")
                and value is not None
                and (
                    not isinstance(value, int)
                    or isinstance(value, bool)
                    or not 1 <= value <= QUIZ_MAXIMA[name]
                )
            ):
                errors.add(
                    file,
                    name,
                    f"must be a whole number from 1 to {QUIZ_MAXIMA[name]:,}, or left out",
                )
            elif name == "pass_mark" and (
                not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100
            ):
                errors.add(file, name, "must be a whole percentage from 0 to 100")
            elif name in QUIZ_TIMES and value is not None:
                try:
                    value = _parse_time(value)
                except ValueError as exc:
                    errors.add(file, name, f"is not a date-time with a time zone: {exc}")
                    value = None
                if value is not None and not quiz_time_in_window(value):
                    errors.add(file, name, f"{QUIZ_TIME_RULE}, not {value.isoformat()}")
                    value = None
            values[name] = value
        if (
            values.get("opens_at")
            and values.get("closes_at")
            and values["closes_at"] <= values["opens_at"]
        ):
            errors.add(file, "closes_at", "must be after opens_at")
        values["feedback"], values["review"] = _parse_review(file, data, values, errors)
        if (
            values.get("feedback") == Quiz.Feedback.AFTER_CLOSE
            and not values.get("closes_at")
            and data.get("review") is None
        ):
            errors.add(file, "closes_at", "feedback after the quiz closes needs a closing time")
        fixed = data.get("questions") or []
        if not isinstance(fixed, list) or not all(isinstance(q, str) for q in fixed):
            errors.add(file, "questions", "must be a list of question slugs")
            fixed = []
        for q in fixed:
            if q not in question_slugs:
                errors.add(file, "questions", f"unknown question {q!r}")
        draw = data.get("draw") or []
        if not isinstance(draw, list):
            errors.add(
                file, "draw", "must be a list of rules, each a mapping with count and filters"
            )
            draw = []
        rules = []
        for i, rule in enumerate(draw):
            where = f"draw[{i}]"
            if not isinstance(rule, dict):
                errors.add(file, where, "must be a mapping with count and filters")
                continue
            for key in rule:
                if key not in RULE_KEYS:
                    errors.add(
                        file, f"{where}.{key}", f"unknown field (allowed: {', '.join(RULE_KEYS)})"
                    )
            count = rule.get("count")
            if (
                not isinstance(count, int)
                or isinstance(count, bool)
                or not 1 <= count <= MAX_DRAW_COUNT
            ):
                errors.add(
                    file, f"{where}.count", f"must be a whole number from 1 to {MAX_DRAW_COUNT}"
                )
            for key, known in (("chapter", chapters), ("concept", concepts), ("tag", tags)):
                if rule.get(key) is not None and (
                    not isinstance(rule[key], str) or rule[key] not in known
                ):
                    errors.add(file, f"{where}.{key}", f"unknown {key} {rule[key]!r}")
            parsed = {k: rule[k] for k in RULE_KEYS if rule.get(k) is not None}
            if "bloom" in parsed:
                try:
                    parsed["bloom"] = BloomLevel(parse_bloom(str(parsed["bloom"]))).slug
                except ValueError as exc:
                    errors.add(file, f"{where}.bloom", str(exc))
            rules.append(parsed)
        if not fixed and not rules:
            errors.add(file, "questions", "a quiz needs fixed questions or draw rules")
        out.append(QuizData(file, slug, values, list(fixed), rules))
    return out


def _parse_review(
    file: str, data: dict[str, Any], values: dict[str, Any], errors: Errors
) -> tuple[str, ReviewMatrix | None]:
    """The optional `review:` matrix, in its one stored form (a preset by name when it is one).
    It replaces `feedback:`, so a file gives one or the other."""
    feedback = values.get("feedback") or Quiz.Feedback.AFTER_SUBMIT
    if data.get("review") is None:
        return feedback, None
    if "feedback" in data:
        errors.add(
            file, "review", "give feedback (a preset) or review (the whole matrix), not both"
        )
    try:
        matrix = ReviewMatrix.from_json(data["review"])
    except MatrixError as exc:
        errors.add(file, exc.field, exc.message)
        return feedback, None
    feedback, review = normalize(feedback, matrix)
    late = (review or preset(feedback)).only_after_close()
    if late and not values.get("closes_at"):
        errors.add(
            file,
            "closes_at",
            f"review shows {', '.join(SHORT[k] for k in late)} only after the quiz closes, "
            "and it never closes: set closes_at, or show them earlier",
        )
    return feedback, review


def write_quizzes(quizzes: list[QuizData], ctx: WriteContext) -> None:
    report = ctx.report
    questions = dict(Question.objects.filter(course=ctx.course).values_list("slug", "pk"))
    for data in quizzes:
        values = dict(data.values)
        chapter = values.pop("chapter")
        values["chapter_id"] = ctx.chapters[chapter].pk if chapter else None
        quiz = Quiz.objects.filter(course=ctx.course, slug=data.slug).first()
        created = quiz is None
        if quiz is None:
            quiz = Quiz.objects.create(course=ctx.course, slug=data.slug, **values)
            report.created["quizzes"] += 1
        elif any(getattr(quiz, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(quiz, k, v)
            quiz.save()
            report.updated["quizzes"] += 1
        wanted_items = [questions[s] for s in data.questions]
        if (
            list(quiz.items.order_by("position").values_list("question_id", flat=True))
            != wanted_items
        ):
            quiz.items.all().delete()
            QuizItem.objects.bulk_create(
                [
                    QuizItem(quiz=quiz, question_id=pk, position=n)
                    for n, pk in enumerate(wanted_items, 1)
                ]
            )
            (report.created if created else report.updated)["quiz questions"] += 1
        wanted_rules = [_rule_row(r, ctx) for r in data.rules]
        have = [
            {
                "count": r.count,
                "chapter_id": r.chapter_id,
                "concept_id": r.concept_id,
                "tag_id": r.tag_id,
                "bloom": r.bloom,
            }
            for r in quiz.rules.order_by("position")
        ]
        if have != wanted_rules:
            quiz.rules.all().delete()
            DrawRule.objects.bulk_create(
                [DrawRule(quiz=quiz, position=n, **row) for n, row in enumerate(wanted_rules, 1)]
            )
            (report.created if created else report.updated)["quiz draw rules"] += 1
        short = draw_shortfall(quiz)
        if short is not None:
            # Not an error: unpublishing questions in the browser can do this, and the export
            # of that state must import again. The builder refuses it; the student is told.
            report.warnings.append(
                f"{data.file}: draw: no attempt can be started yet. {short.message()}"
            )


def _rule_row(rule: dict[str, Any], ctx: WriteContext) -> dict[str, Any]:
    return {
        "count": rule["count"],
        "chapter_id": ctx.chapters[rule["chapter"]].pk if "chapter" in rule else None,
        "concept_id": ctx.concepts[rule["concept"]].pk if "concept" in rule else None,
        "tag_id": ctx.tags[rule["tag"]].pk if "tag" in rule else None,
        "bloom": int(parse_bloom(rule["bloom"])) if "bloom" in rule else None,
    }


def rule_as_content(rule: Any) -> dict[str, Any]:
    """A draw rule (a DrawRule, or anything with count, chapter, concept, tag and bloom) as
    the content format writes it."""
    row: dict[str, Any] = {"count": rule.count}
    if rule.chapter:
        row["chapter"] = rule.chapter.slug
    if rule.concept:
        row["concept"] = rule.concept.slug
    if rule.tag:
        row["tag"] = rule.tag.content_name
    if rule.bloom:
        row["bloom"] = BloomLevel(rule.bloom).slug
    return row


def export_quizzes(course: Course, root: Path) -> list[Path]:
    folder = root / QUIZZES_DIR
    written = []
    defaults = _quiz_defaults()
    for quiz in Quiz.objects.filter(course=course).select_related("chapter").order_by("slug"):
        out: dict[str, Any] = {"slug": quiz.slug, "title": quiz.title}
        if quiz.chapter:
            out["chapter"] = quiz.chapter.slug
        if quiz.description:
            out["description"] = quiz.description
        for name in QUIZ_SETTINGS:
            if getattr(quiz, name) != defaults[name]:
                value = getattr(quiz, name)
                out[name] = value.isoformat() if name in QUIZ_TIMES else value
        if quiz.review is not None:
            out["review"] = quiz.review.to_json()
        fixed = list(quiz.items.order_by("position").values_list("question__slug", flat=True))
        if fixed:
            out["questions"] = fixed
        rules = []
        for r in quiz.rules.select_related(
            "chapter", "concept", "tag__course", "tag__chapter"
        ).order_by("position"):
            rules.append(rule_as_content(r))
        if rules:
            out["draw"] = rules
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{quiz.slug}.yaml"
        path.write_text(dump_yaml(out), encoding="utf-8")
        written.append(path)
    return written


@dataclass
class QuizContent:
    questions: QuestionsData
    quizzes: list[QuizData]


def parse_quiz_content(root: Path, tree: CourseTree, errors: Errors) -> QuizContent:
    """The questions and quizzes under `root`, checked against the course `tree`; problems go
    to `errors`."""
    questions = parse_questions(root, tree, errors)
    return QuizContent(questions, parse_quizzes(root, tree, questions, errors))


def write_quiz_content(data: QuizContent, ctx: WriteContext) -> None:
    """Write the questions and quizzes, inside the import's transaction, after the course."""
    write_questions(data.questions, ctx)
    write_quizzes(data.quizzes, ctx)
    if ctx.report.checked_only:
        ctx.report.warnings.extend(item_writing_warnings(data.questions, ctx))


def check_tree_items(root: Path) -> tuple[BankReport, dict[str, str]]:
    """The item-writing checker over a content directory, without a database: the report and
    each question's file. Raises ContentInvalid when the files do not import."""
    tree = parse_tree(root)
    errors = Errors()
    data = parse_quiz_content(root, tree, errors)
    if errors.items:
        raise ContentInvalid(errors.items)
    concepts = index_concepts({c.slug: f"{c.title}\n\n{c.body}" for c in tree.concepts})
    items = [
        Item(q.slug, q.title, q.bloom, q.stem, q.parts, tuple(q.concepts), q.waivers)
        for q in data.questions.questions
    ]
    return check_bank(items, concepts), {q.slug: q.file for q in data.questions.questions}


def item_writing_warnings(data: QuestionsData, ctx: WriteContext) -> list[str]:
    """The item-writing checker's unwaived findings, as `file: field: what and why` lines."""
    concepts = index_concepts({slug: f"{c.title}\n\n{c.body}" for slug, c in ctx.concepts.items()})
    items = [
        Item(q.slug, q.title, q.bloom, q.stem, q.parts, tuple(q.concepts), q.waivers)
        for q in data.questions
    ]
    files = {q.slug: q.file for q in data.questions}
    report = check_bank(items, concepts)
    lines = [
        f"{files.get(f.slug, QUESTIONS_DIR)}: {f.field or 'question'}: {f.label}: {f.message}"
        for f in report.unwaived
    ]
    waived = len(report.findings) - len(report.unwaived)
    lines.append(f"item-writing checks: {report.summary()}; {waived} finding(s) waived")
    return lines


def export_quiz_content(course: Course, root: Path) -> list[Path]:
    return export_questions(course, root) + export_quizzes(course, root)


# Content folder → the model of the items its files hold (an import conflict names them).
ITEM_MODELS: ItemModels = {QUESTIONS_DIR: Question, QUIZZES_DIR: Quiz}
