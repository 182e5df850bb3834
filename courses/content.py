"""The course as files: the course, its chapters, tags and concepts (`parse_tree`,
`write_tree`, `export_tree`), and `import_tree`, the import of those alone.

The format is documented in docs/content-format.md. Import is all-or-nothing: every file is
parsed and checked first, every error is collected (file, field, message), and the database is
written in one transaction only when there is none. `check=True` runs the whole import and rolls
it back, so it reports exactly what a real run would change.

This module knows nothing of questions and quizzes: `content_io.course.import_course` reads a
whole content directory, this module's parts and the quizzes app's, in one transaction.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from django.db import transaction

from courses import graphcache, markup, provenance
from courses.actions import own_chapter_tag, own_course_tag
from courses.graph import find_cycle, format_cycle
from courses.models import (
    CHAPTER_TAG_PREFIX,
    RENDERED_BODY_FIELDS,
    SLUG_MAX,
    SLUG_RE,
    Chapter,
    Concept,
    Course,
    Prerequisite,
    Tag,
    max_length,
)
from courses.provenance import Conflict, ItemModels

COURSE_FILE = "course.yaml"
TAGS_FILE = "tags.yaml"
CONCEPTS_DIR = "concepts"
FILE_TAG_KINDS = {Tag.Kind.DISCIPLINE.value, Tag.Kind.CUSTOM.value}
CONCEPT_KEYS = ("slug", "title", "status", "chapter", "summary", "learn_before", "related", "tags")
REQUIRED_CONCEPT_KEYS = ("slug", "title", "chapter", "summary")
SUMMARY_MAX: int = Concept._meta.get_field("summary").max_length or 300
# YAML that no content file needs: deeper nesting, or more values once aliases are expanded
# (a few lines of aliases can stand for billions), is refused before anything walks it.
YAML_MAX_DEPTH = 40
YAML_MAX_VALUES = 200_000
_surrogate_re = re.compile("[\ud800-\udfff]")


def check_length(
    value: str, limit: int, file: str, fieldname: str, errors: Errors, why: str = ""
) -> bool:
    """False, with an error naming the field, when `value` is longer than `limit`."""
    if len(value) <= limit:
        return True
    errors.add(file, fieldname, f"is {len(value):,} characters long; the limit is {limit:,}{why}")
    return False


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored (PostgreSQL refuses both), or None."""
    if "\x00" in value:
        return "contains a NUL character (U+0000), which cannot be stored"
    found = _surrogate_re.search(value)
    if found:
        return (
            f"contains a lone surrogate (U+{ord(found.group()):04X}), which is not a character "
            "(a YAML escape such as \\udc80 makes one)"
        )
    return None


_slug_re = re.compile(SLUG_RE)


@dataclass(frozen=True, order=True)
class ContentError:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class ContentInvalid(Exception):
    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class ImportReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)  # concepts in the database, not in files
    missing_items: dict[str, list[str]] = field(default_factory=dict)  # the same, for other items
    warnings: list[str] = field(default_factory=list)  # written, but worth a look
    checked_only: bool = False
    skipped: bool = False  # --if-empty found a course already: nothing was read or written

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    def lines(self) -> Iterator[str]:
        if self.skipped:
            yield "nothing imported: the database already holds a course"
            return
        for verb, counts in (
            ("created", self.created),
            ("updated", self.updated),
            ("deleted", self.deleted),
        ):
            for kind, n in sorted(counts.items()):
                if n:
                    yield f"{verb} {n} {kind}"
        if self.missing:
            yield (
                f"{len(self.missing)} concept(s) no longer have a file: "
                f"{', '.join(sorted(self.missing))} (run with --prune to delete them)"
            )
        for kind, slugs in sorted(self.missing_items.items()):
            yield f"{len(slugs)} {kind} no longer have a file: {', '.join(slugs)}"
        for warning in self.warnings:
            yield f"warning: {warning}"
        yield f"{self.changes} change(s)" + (
            " (check only: nothing written)" if self.checked_only else ""
        )


# ---------------------------------------------------------------------------------------------
# Parsing: files → plain data, collecting errors


@dataclass
class ChapterData:
    slug: str
    title: str
    summary: str


@dataclass
class CourseData:
    slug: str
    title: str
    summary: str
    chapters: list[ChapterData]


@dataclass
class TagData:
    slug: str
    name: str
    kind: str
    parent: str | None


@dataclass
class ConceptData:
    file: str
    slug: str
    title: str
    chapter: str
    summary: str
    body: str
    status: str
    learn_before: list[str]
    related: list[str]
    tags: list[str]


@dataclass
class CourseTree:
    course: CourseData
    tags: list[TagData]
    concepts: list[ConceptData]


@dataclass
class WriteContext:
    """The rows `write_tree` has just written, for writing the items that refer to them."""

    course: Course
    concepts: dict[str, Concept]
    tags: dict[str, Tag]
    chapters: dict[str, Chapter]
    report: ImportReport
    prune: bool


# Content folder → the model of the items its files hold (an import conflict names them).
ITEM_MODELS: ItemModels = {CONCEPTS_DIR: Concept}


class Errors:
    def __init__(self) -> None:
        self.items: list[ContentError] = []

    def add(self, file: str, fieldname: str, message: str) -> None:
        self.items.append(ContentError(file, fieldname, message))


def read_text(path: Path, file: str, errors: Errors) -> str | None:
    """A content file's text, or None with an error naming the file: a directory or a broken
    link where a file should be, unreadable bytes, or text that is not UTF-8. A UTF-8 byte
    order mark (some Windows editors add one) is dropped."""
    if not path.is_file():
        what = "a directory" if path.is_dir() else "a broken link or not a regular file"
        errors.add(file, "file", f"is {what}, not a file")
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.add(file, "file", f"is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    except OSError as exc:
        errors.add(file, "file", f"cannot be read: {exc.strerror or exc}")
        return None
    nul = text.find("\x00")
    if nul != -1:
        line = text.count("\n", 0, nul) + 1
        errors.add(file, "file", f"contains a NUL character (line {line}), which cannot be stored")
        return None
    return text.removeprefix("\ufeff")


def read_front_matter(path: Path, file: str, errors: Errors) -> tuple[dict[str, Any], str] | None:
    """A Markdown content file's front matter (a mapping) and body, or None with the problem
    reported against `file`: unreadable, no front matter, invalid or empty YAML, not a mapping."""
    text = read_text(path, file, errors)
    if text is None:
        return None
    try:
        front, body = split_front_matter(text)
    except ValueError as exc:
        errors.add(file, "front matter", str(exc))
        return None
    before = len(errors.items)
    data = load_yaml(front, file, errors)
    if data is None and len(errors.items) == before:
        errors.add(file, "front matter", "is empty")
    if not isinstance(data, dict):
        if data is not None:
            errors.add(file, "front matter", "must be a mapping of fields")
        return None
    return data, body


def split_front_matter(text: str) -> tuple[str, str]:
    """Return (front matter YAML, body) of a Markdown file; raise ValueError if it has none."""
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise ValueError("the file must start with a line '---' opening the front matter")
    end = text.find("\n---\n", 3)
    if end == -1:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            raise ValueError("the front matter is not closed by a line '---'")
    return text[4 : end + 1], text[end + 5 :].strip("\n")


def load_yaml(text: str, file: str, errors: Errors) -> Any:
    """The YAML's data, or None with the problem reported: invalid YAML, a value YAML cannot
    build (a date such as 2026-02-30, an integer of thousands of digits), nesting too deep,
    too many values, or a text the database cannot store."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        errors.add(file, "YAML", f"invalid YAML{where}: {problem}")
        return None
    except RecursionError:
        errors.add(file, "YAML", f"is nested more than {YAML_MAX_DEPTH} levels deep")
        return None
    except (ValueError, OverflowError) as exc:
        errors.add(file, "YAML", f"invalid YAML: a value cannot be read ({exc})")
        return None
    return data if check_values(data, file, errors) else None


def check_values(data: Any, file: str, errors: Errors, root: str = "") -> bool:
    """False, with the first problem reported at its path under `root`, when loaded data is
    nested too deep, has too many values (aliases expanded) or holds a text that cannot be
    stored. Walks without recursion."""
    stack: list[tuple[Any, str, int]] = [(data, root, 0)]
    count = 0
    while stack:
        value, path, depth = stack.pop()
        count += 1
        if count > YAML_MAX_VALUES:
            errors.add(
                file,
                "YAML",
                f"has more than {YAML_MAX_VALUES:,} values (do aliases repeat a large part?)",
            )
            return False
        if depth > YAML_MAX_DEPTH:
            errors.add(file, "YAML", f"is nested more than {YAML_MAX_DEPTH} levels deep")
            return False
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                errors.add(file, path or "YAML", problem)
                return False
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                name = str(key)
                problem = text_problem(name)
                if problem:
                    errors.add(file, path or "YAML", f"a key {problem}")
                    return False
                stack.append((item, f"{path}.{name}" if path else name, depth + 1))
        elif isinstance(value, list):
            stack.extend(
                (item, f"{path}[{i}]", depth + 1) for i, item in reversed(list(enumerate(value)))
            )
    return True


def _text(
    data: dict[str, Any],
    key: str,
    file: str,
    errors: Errors,
    *,
    required: bool = True,
    limit: int | None = None,
    where: str = "",
) -> str:
    """A text field; `limit` is its column's length, `where` the path before the key."""
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(file, f"{where}{key}", "is missing" if value is None else "is empty")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        errors.add(file, f"{where}{key}", f"must be text, not {type(value).__name__}")
        return ""
    text = str(value).strip()
    if limit is not None and not check_length(text, limit, file, f"{where}{key}", errors):
        return ""
    return text


def _slug(data: dict[str, Any], key: str, file: str, errors: Errors, where: str = "") -> str:
    value = _text(data, key, file, errors, limit=SLUG_MAX, where=where)
    if value and not _slug_re.match(value):
        errors.add(
            file, f"{where}{key}", f"{value!r} is not a slug (lower-case letters, digits, hyphens)"
        )
    return value


def _slug_list(data: dict[str, Any], key: str, file: str, errors: Errors) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.add(file, key, "must be a list of slugs")
        return []
    seen: set[str] = set()
    for v in value:
        if v in seen:
            errors.add(file, key, f"lists {v!r} twice")
        seen.add(v)
    return list(value)


def _parse_course(root: Path, errors: Errors) -> CourseData | None:
    path = root / COURSE_FILE
    if not path.is_file():
        errors.add(COURSE_FILE, "file", f"is missing from {root}")
        return None
    text = read_text(path, COURSE_FILE, errors)
    if text is None:
        return None
    before = len(errors.items)
    data = load_yaml(text, COURSE_FILE, errors)
    if data is None:
        if len(errors.items) == before:
            errors.add(
                COURSE_FILE, "file", "is empty: it needs the course's slug, title and chapters"
            )
        return None
    if not isinstance(data, dict):
        errors.add(COURSE_FILE, "YAML", "must be a mapping with slug, title and chapters")
        return None
    slug = _slug(data, "slug", COURSE_FILE, errors)
    title = _text(data, "title", COURSE_FILE, errors, limit=max_length(Course, "title"))
    summary = _text(data, "summary", COURSE_FILE, errors, required=False)
    raw = data.get("chapters")
    chapters: list[ChapterData] = []
    if not isinstance(raw, list) or not raw:
        errors.add(COURSE_FILE, "chapters", "must be a non-empty list")
        raw = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"chapters[{i}]"
        if not isinstance(item, dict):
            errors.add(COURSE_FILE, where, "must be a mapping with slug and title")
            continue
        ch_slug = _slug(item, "slug", COURSE_FILE, errors, where=f"{where}.")
        if ch_slug in seen:
            errors.add(COURSE_FILE, f"{where}.slug", f"chapter {ch_slug!r} is listed twice")
        seen.add(ch_slug)
        ch_title = _text(item, "title", COURSE_FILE, errors, where=f"{where}.")
        # The chapter's tag is named "Ch.<position> <title>" and must fit the tag's column too.
        prefix = f"Ch.{i + 1} "
        limit = min(max_length(Chapter, "title"), max_length(Tag, "name") - len(prefix))
        why = f", as its tag's name {prefix!r} + title must fit {max_length(Tag, 'name')}"
        if not check_length(ch_title, limit, COURSE_FILE, f"{where}.title", errors, why):
            ch_title = ""
        chapters.append(
            ChapterData(
                slug=ch_slug,
                title=ch_title,
                summary=_text(
                    item, "summary", COURSE_FILE, errors, required=False, where=f"{where}."
                ),
            )
        )
    return CourseData(slug=slug, title=title, summary=summary, chapters=chapters)


def _parse_tags(root: Path, errors: Errors) -> list[TagData]:
    path = root / TAGS_FILE
    if not path.exists() and not path.is_symlink():
        return []  # tags are optional
    text = read_text(path, TAGS_FILE, errors)
    data = load_yaml(text, TAGS_FILE, errors) if text is not None else None
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("tags"), list):
        errors.add(TAGS_FILE, "tags", "must be a list under the key 'tags'")
        return []
    tags: list[TagData] = []
    seen: set[str] = set()
    for i, item in enumerate(data["tags"]):
        where = f"tags[{i}]"
        if not isinstance(item, dict):
            errors.add(TAGS_FILE, where, "must be a mapping with slug, name and kind")
            continue
        slug = _slug(item, "slug", TAGS_FILE, errors, where=f"{where}.")
        if slug in seen:
            errors.add(TAGS_FILE, f"{where}.slug", f"tag {slug!r} is defined twice")
        seen.add(slug)
        kind = _text(item, "kind", TAGS_FILE, errors, where=f"{where}.")
        if kind and kind not in FILE_TAG_KINDS:
            errors.add(
                TAGS_FILE,
                f"{where}.kind",
                f"{kind!r} is not one of {', '.join(sorted(FILE_TAG_KINDS))}",
            )
        parent = item.get("parent")
        if parent is not None and not isinstance(parent, str):
            errors.add(TAGS_FILE, f"{where}.parent", "must be a tag slug")
            parent = None
        name = _text(item, "name", TAGS_FILE, errors, where=f"{where}.")
        if not check_length(name, max_length(Tag, "name"), TAGS_FILE, f"{where}.name", errors):
            name = ""
        tags.append(TagData(slug, name, kind, parent))
    known = {t.slug for t in tags}
    for i, tag in enumerate(tags):
        if tag.parent is not None and tag.parent not in known:
            errors.add(TAGS_FILE, f"tags[{i}].parent", f"unknown tag {tag.parent!r}")
    cycle = find_cycle((t.parent, t.slug) for t in tags if t.parent in known)
    if cycle:
        errors.add(TAGS_FILE, "parent", f"tag parents form a cycle: {format_cycle(cycle)}")
    return tags


def _parse_concept(path: Path, root: Path, errors: Errors) -> ConceptData | None:
    file = str(path.relative_to(root))
    read = read_front_matter(path, file, errors)
    if read is None:
        return None
    data, body = read
    for key in data:
        if key not in CONCEPT_KEYS:
            errors.add(file, str(key), f"unknown field (allowed: {', '.join(CONCEPT_KEYS)})")
    slug = _slug(data, "slug", file, errors)
    if slug and slug != path.stem:
        errors.add(file, "slug", f"{slug!r} does not match the file name {path.name!r}")
    summary = _text(data, "summary", file, errors)
    if len(summary) > SUMMARY_MAX:
        errors.add(
            file, "summary", f"is {len(summary)} characters long; the limit is {SUMMARY_MAX}"
        )
    if "\n" in summary:
        errors.add(file, "summary", "must be one line")
    for problem in markup.problems(body):
        errors.add(file, "body", problem)
    status = _text(data, "status", file, errors, required=False) or Concept.Status.PUBLISHED.value
    if status not in Concept.Status.values:
        errors.add(file, "status", f"{status!r} is not one of {', '.join(Concept.Status.values)}")
    return ConceptData(
        status=status,
        file=file,
        slug=slug,
        title=_text(data, "title", file, errors, limit=max_length(Concept, "title")),
        chapter=_text(data, "chapter", file, errors),
        summary=summary,
        body=body,
        learn_before=_slug_list(data, "learn_before", file, errors),
        related=_slug_list(data, "related", file, errors),
        tags=_slug_list(data, "tags", file, errors),
    )


def parse_tree(root: Path) -> CourseTree:
    """Read and check every file under `root`; raise ContentInvalid with all errors found."""
    errors = Errors()
    if not root.is_dir():
        raise ContentInvalid([ContentError(str(root), "directory", "does not exist")])
    course = _parse_course(root, errors)
    tags = _parse_tags(root, errors)
    concepts: list[ConceptData] = []
    unreadable: set[str] = set()  # files that failed to parse: no follow-on "unknown" errors
    for path in sorted((root / CONCEPTS_DIR).rglob("*.md")):
        concept = _parse_concept(path, root, errors)
        if concept is None:
            unreadable.add(path.stem)
        else:
            concepts.append(concept)
    if course is not None:
        _check_references(course, tags, concepts, errors, unreadable)
    if errors.items or course is None:
        raise ContentInvalid(errors.items)
    return CourseTree(course=course, tags=tags, concepts=concepts)


def _check_references(
    course: CourseData,
    tags: list[TagData],
    concepts: list[ConceptData],
    errors: Errors,
    unreadable: set[str],
) -> None:
    chapters = {ch.slug for ch in course.chapters}
    tag_slugs = {t.slug for t in tags}
    reserved = {course.slug} | {f"chapter-{ch}" for ch in chapters}
    for i, tag in enumerate(tags):
        if tag.slug in reserved:
            errors.add(
                TAGS_FILE,
                f"tags[{i}].slug",
                f"{tag.slug!r} is reserved for the course or a chapter",
            )
    by_slug: dict[str, ConceptData] = {}
    for c in concepts:
        if c.slug in by_slug:
            errors.add(
                c.file, "slug", f"duplicate slug {c.slug!r}, also used by {by_slug[c.slug].file}"
            )
        else:
            by_slug[c.slug] = c
    for c in concepts:
        if c.chapter and c.chapter not in chapters:
            errors.add(
                c.file,
                "chapter",
                f"unknown chapter {c.chapter!r} (course.yaml has {', '.join(sorted(chapters))})",
            )
        for key, values in (("learn_before", c.learn_before), ("related", c.related)):
            for v in values:
                if v == c.slug:
                    word = "its own prerequisite" if key == "learn_before" else "related to itself"
                    errors.add(c.file, key, f"a concept cannot be {word}")
                elif v not in by_slug and v not in unreadable:
                    errors.add(c.file, key, f"unknown concept {v!r}")
        for t in c.tags:
            if t not in tag_slugs:
                errors.add(c.file, "tags", f"unknown tag {t!r} (define it in {TAGS_FILE})")
    edges = [(b, c.slug) for c in concepts for b in c.learn_before if b in by_slug and b != c.slug]
    cycle = find_cycle(edges)
    if cycle:
        # Name the file of the concept whose learn_before closes the cycle.
        closing = by_slug[cycle[0]].file
        errors.add(closing, "learn_before", f"prerequisites form a cycle: {format_cycle(cycle)}")


# ---------------------------------------------------------------------------------------------
# Writing: plain data → database, counting changes


class ImportConflicts(Exception):
    """The import would overwrite items edited in the browser since their last import."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__("\n".join(str(c) for c in conflicts))


def import_tree(
    root: Path | str, *, check: bool = False, prune: bool = False, force: bool = False
) -> ImportReport:
    """Import the course, its chapters, tags and concepts under `root`, and nothing else (the
    whole content directory, questions and quizzes too, is `content_io.course.import_course`);
    all-or-nothing. Raises ContentInvalid on any error, and ImportConflicts when it would change
    an item edited in the browser since its last import (`force=True` overwrites those, each
    named in the report's warnings)."""
    root = Path(root)
    tree = parse_tree(root)
    report = ImportReport(checked_only=check)
    with transaction.atomic():
        course = Course.objects.filter(slug=tree.course.slug).first()
        before = canonical_files(course, export_tree) if course else {}
        items = provenance.Items.of(course, ITEM_MODELS)
        written = write_tree(tree, report, prune=prune)
        # An import that changed nothing left every item as it was (the report counts each
        # write); rendering the course again would cost as much as the first rendering.
        unchanged = bool(before) and report.changes == 0
        after = before if unchanged else canonical_files(written.course, export_tree)
        keep_browser_edits(
            root, written.course, before, after, items, report, check=check, force=force
        )
        if check:
            transaction.set_rollback(True)
    return report


def keep_browser_edits(
    root: Path,
    course: Course,
    before: Mapping[str, str],
    after: Mapping[str, str],
    items: provenance.Items,
    report: ImportReport,
    *,
    check: bool,
    force: bool,
) -> None:
    """Refuse (raise ImportConflicts, so the transaction rolls back) an import that changed
    items edited in the browser, unless forced; then remember what this import left, so the next
    one can tell. `before` and `after` are the canonical files of the items the import handles,
    `items.item_models` their folders: records of other files are left alone."""
    records = provenance.import_records(course, items.item_models)
    conflicts = provenance.find_conflicts(course, before, after, records, items)
    if conflicts and not force:
        raise ImportConflicts(conflicts)
    report.warnings.extend(f"overwrote a browser edit: {c}" for c in conflicts)
    if not check:
        imported = {
            provenance.canonical_path(PurePosixPath(p.relative_to(root).as_posix()))
            for p in root.rglob("*")
            if p.is_file()
        }
        provenance.record_import(course, after, imported, records)


def _sync_fields(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _upsert(
    model: Any, lookup: dict[str, Any], values: dict[str, Any], kind: str, report: ImportReport
) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.created[kind] += 1
    elif _sync_fields(obj, values):
        obj.save()
        report.updated[kind] += 1
    return obj


def _sync_rows(
    model: Any,
    existing: dict[tuple[int, int], int],
    wanted: set[tuple[int, int]],
    fields: tuple[str, str],
    kind: str,
    report: ImportReport,
) -> None:
    """Make the rows of a two-column link table equal `wanted`; `existing` maps pair → pk."""
    to_add = wanted - existing.keys()
    to_delete = [pk for pair, pk in existing.items() if pair not in wanted]
    if to_delete:
        model.objects.filter(pk__in=to_delete).delete()
    model.objects.bulk_create(
        [model(**dict(zip(fields, pair, strict=True))) for pair in sorted(to_add)]
    )
    report.created[kind] += len(to_add)
    report.deleted[kind] += len(to_delete)


def write_tree(tree: CourseTree, report: ImportReport, *, prune: bool) -> WriteContext:
    """Write the course, its chapters, tags and concepts, counting changes in `report`; return
    the rows written, for the items that refer to them. Raises ContentInvalid when a tag's slug
    belongs to another course."""
    errors = Errors()
    _check_tag_owners(tree.course, tree.tags, errors)  # against the database, so not in parse
    if errors.items:
        raise ContentInvalid(errors.items)
    data = tree.course
    course = _upsert(
        Course,
        {"slug": data.slug},
        {"title": data.title, "summary": data.summary},
        "courses",
        report,
    )

    chapters: dict[str, Chapter] = {}
    existing_chapters = {ch.slug: ch for ch in course.chapters.all()}
    # Move positions out of the way first so renumbering never collides.
    for position, ch in enumerate(data.chapters, start=1):
        values = {"title": ch.title, "summary": ch.summary, "position": position}
        obj = existing_chapters.get(ch.slug)
        if obj is None:
            obj = Chapter.objects.create(course=course, slug=ch.slug, **values)
            report.created["chapters"] += 1
        elif _sync_fields(obj, values):
            obj.save()
            report.updated["chapters"] += 1
        chapters[ch.slug] = obj

    # The course's own tags, found by owner (a course slug taken by another tag was refused
    # above); by the names the files use.
    tags: dict[str, Tag] = {}
    tags[data.slug], outcome = own_course_tag(course)
    report.created["tags"] += outcome == "created"
    report.updated["tags"] += outcome == "updated"
    for ch in data.chapters:
        tag, outcome = own_chapter_tag(chapters[ch.slug], tags[data.slug])
        tags[chapters[ch.slug].tag_slug] = tag
        report.created["tags"] += outcome == "created"
        report.updated["tags"] += outcome == "updated"
    for t in _parents_first(tree.tags):
        tags[t.slug] = _upsert(
            Tag,
            {"slug": t.slug},
            {"name": t.name, "kind": t.kind, "parent": tags[t.parent] if t.parent else None},
            "tags",
            report,
        )

    existing = {c.slug: c for c in Concept.objects.filter(course=course)}
    concepts: dict[str, Concept] = {}
    new: list[Concept] = []
    changed: list[Concept] = []
    for c in tree.concepts:
        values = {
            "title": c.title,
            "summary": c.summary,
            "body": c.body,
            "chapter_id": chapters[c.chapter].pk,
            "status": c.status,
        }
        obj = existing.get(c.slug)
        if obj is None:
            obj = Concept(course=course, slug=c.slug, **values)
            new.append(obj)
        elif _sync_fields(obj, values):
            changed.append(obj)
        concepts[c.slug] = obj
    for obj in (*new, *changed):
        obj.fill_rendered()  # the body's HTML, stored now rather than on every page view
    Concept.objects.bulk_create(new, batch_size=500)
    Concept.objects.bulk_update(
        changed,
        ["title", "summary", "body", "chapter_id", "status", *RENDERED_BODY_FIELDS],
        batch_size=500,
    )
    report.created["concepts"] += len(new)
    report.updated["concepts"] += len(changed)
    if any(obj.pk is None for obj in new):  # backends without RETURNING on bulk insert
        ids = dict(Concept.objects.filter(course=course).values_list("slug", "pk"))
        for obj in new:
            obj.pk = ids[obj.slug]

    missing = sorted(set(existing) - set(concepts))
    if missing and prune:
        deleted = Concept.objects.filter(course=course, slug__in=missing).delete()[1]
        report.deleted["concepts"] += deleted.get("courses.Concept", 0)
    elif missing:
        report.missing = missing
        concepts.update({slug: existing[slug] for slug in missing})

    ids = {slug: obj.pk for slug, obj in concepts.items()}
    # Links are owned by the files that list them; a concept kept without a file (no --prune)
    # keeps its links.
    listed_ids = {ids[c.slug] for c in tree.concepts}

    # Prerequisite edges: the files are the truth for the concepts they list.
    wanted_edges = {(ids[b], ids[c.slug]) for c in tree.concepts for b in c.learn_before}
    existing_edges = {
        (b, a): pk
        for pk, b, a in Prerequisite.objects.filter(after_id__in=listed_ids).values_list(
            "pk", "before_id", "after_id"
        )
    }
    _sync_rows(
        Prerequisite,
        existing_edges,
        wanted_edges,
        ("before_id", "after_id"),
        "prerequisites",
        report,
    )

    Related = Concept.related.through
    wanted_related = set()
    for c in tree.concepts:
        for r in c.related:
            wanted_related |= {(ids[c.slug], ids[r]), (ids[r], ids[c.slug])}
    existing_related = {
        (f, t): pk
        for pk, f, t in Related.objects.filter(
            from_concept_id__in=listed_ids, to_concept_id__in=listed_ids
        ).values_list("pk", "from_concept_id", "to_concept_id")
    }
    before = report.created["related rows"], report.deleted["related rows"]
    _sync_rows(
        Related,
        existing_related,
        wanted_related,
        ("from_concept_id", "to_concept_id"),
        "related rows",
        report,
    )
    # Report links, not the two rows Django keeps for each symmetric link.
    for counter, was in ((report.created, before[0]), (report.deleted, before[1])):
        counter["related links"] += (counter.pop("related rows") - was) // 2

    ConceptTag = Concept.tags.through
    wanted_tags = set()
    for c in tree.concepts:
        cid = ids[c.slug]
        wanted_tags.add((cid, tags[data.slug].pk))
        wanted_tags.add((cid, tags[f"chapter-{c.chapter}"].pk))
        wanted_tags |= {(cid, tags[t].pk) for t in c.tags}
    existing_tags = {
        (cid, tid): pk
        for pk, cid, tid in ConceptTag.objects.filter(concept_id__in=listed_ids).values_list(
            "pk", "concept_id", "tag_id"
        )
    }
    _sync_rows(
        ConceptTag, existing_tags, wanted_tags, ("concept_id", "tag_id"), "concept tags", report
    )

    if report.changes:
        graphcache.bump(course.pk)  # the bulk writes above send no signals
    return WriteContext(course, concepts, tags, chapters, report, prune)


def own_tag_names(tree: CourseTree) -> set[str]:
    """What the course's files call its own tags: the course slug, `chapter-<slug>`."""
    return {tree.course.slug} | {f"{CHAPTER_TAG_PREFIX}{ch.slug}" for ch in tree.course.chapters}


def _check_tag_owners(course: CourseData, tags: list[TagData], errors: Errors) -> None:
    """A course's slug names its course tag, so it may not be another tag's slug already; a
    tags.yaml tag may not be a course's own tag (the import would take it over)."""
    own = {course.slug} | {f"{CHAPTER_TAG_PREFIX}{ch.slug}" for ch in course.chapters}
    wanted = {course.slug} | {t.slug for t in tags if t.slug not in own}
    found = {
        t.slug: t
        for t in Tag.objects.filter(slug__in=wanted).select_related("course", "chapter__course")
    }
    tag = found.get(course.slug)
    if tag is not None and not (
        tag.kind == Tag.Kind.COURSE and (tag.course is None or tag.course.slug == course.slug)
    ):
        errors.add(
            COURSE_FILE,
            "slug",
            f"{course.slug!r} is already the slug of the tag {tag.name!r} "
            f"({tag.get_kind_display()}); a course's slug names its course tag, so choose "
            "another slug or rename that tag",
        )
    for i, data in enumerate(tags):
        tag = found.get(data.slug) if data.slug not in own else None
        if tag is None or tag.course is None:
            continue
        if tag.chapter is not None:
            owner = f"the tag of the chapter {tag.chapter.slug!r} of the course {tag.course.slug!r}"
        else:
            owner = f"the course tag of the course {tag.course.slug!r}"
        errors.add(TAGS_FILE, f"tags[{i}].slug", f"{data.slug!r} is {owner}; choose another slug")


def _parents_first(tags: Iterable[TagData]) -> list[TagData]:
    by_slug = {t.slug: t for t in tags}
    done: set[str] = set()
    out: list[TagData] = []

    def visit(t: TagData) -> None:
        if t.slug in done:
            return
        if t.parent and t.parent in by_slug:
            visit(by_slug[t.parent])
        done.add(t.slug)
        out.append(t)

    for t in by_slug.values():
        visit(t)
    return out


# ---------------------------------------------------------------------------------------------
# Export: database → files in the canonical form


class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key, as people write YAML."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1000,
        default_flow_style=False,
    )


def render_concept_file(
    concept: Concept, learn_before: list[str], related: list[str], tags: list[str]
) -> str:
    front: dict[str, Any] = {"slug": concept.slug, "title": concept.title}
    if concept.status != Concept.Status.PUBLISHED:
        front["status"] = concept.status
    front["chapter"] = concept.chapter.slug
    front["summary"] = concept.summary
    for key, values in (("learn_before", learn_before), ("related", related), ("tags", tags)):
        if values:
            front[key] = sorted(values)
    return f"---\n{dump_yaml(front)}---\n{concept.body}\n"


def export_tree(course: Course, root: Path | str) -> list[Path]:
    """Write `course`, its chapters, tags and concepts under `root` in the content format;
    return the files written (`content_io.course.export_course` writes its questions too)."""
    root = Path(root)
    (root / CONCEPTS_DIR).mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        written.append(path)

    chapters = list(course.chapters.order_by("position"))
    write(
        root / COURSE_FILE,
        dump_yaml(
            {
                "slug": course.slug,
                "title": course.title,
                "summary": course.summary,
                "chapters": [
                    {"slug": ch.slug, "title": ch.title, "summary": ch.summary} for ch in chapters
                ],
            }
        ),
    )

    file_tags = list(
        Tag.objects.filter(kind__in=FILE_TAG_KINDS).select_related("parent").order_by("slug")
    )
    ordered_tags = _parents_first(
        TagData(t.slug, t.name, t.kind, t.parent.slug if t.parent else None) for t in file_tags
    )
    tag_rows = []
    for t in ordered_tags:
        row: dict[str, Any] = {"slug": t.slug, "name": t.name, "kind": t.kind}
        if t.parent:
            row["parent"] = t.parent
        tag_rows.append(row)
    write(root / TAGS_FILE, dump_yaml({"tags": tag_rows}))

    concepts = list(course.concepts.select_related("chapter").order_by("slug"))
    slug_of = {c.pk: c.slug for c in concepts}
    learn_before: dict[int, list[str]] = {c.pk: [] for c in concepts}
    for b, a in Prerequisite.objects.filter(after__course=course).values_list(
        "before_id", "after_id"
    ):
        learn_before[a].append(slug_of[b])
    related: dict[int, list[str]] = {c.pk: [] for c in concepts}
    for f, to in Concept.related.through.objects.filter(from_concept__course=course).values_list(
        "from_concept_id", "to_concept_id"
    ):
        if slug_of[f] < slug_of[to]:
            related[f].append(slug_of[to])
    tags: dict[int, list[str]] = {c.pk: [] for c in concepts}
    for cid, slug in Concept.tags.through.objects.filter(
        concept__course=course, tag__kind__in=FILE_TAG_KINDS
    ).values_list("concept_id", "tag__slug"):
        tags[cid].append(slug)
    for c in concepts:
        write(
            root / CONCEPTS_DIR / f"{c.slug}.md",
            render_concept_file(c, learn_before[c.pk], related[c.pk], tags[c.pk]),
        )
    return written


Export = Callable[[Course, Path], list[Path]]  # writes a course's files, returns them


def canonical_files(course: Course, export: Export) -> dict[str, str]:
    """Every file `export` writes for `course`: {"concepts/alpha.md": text, ...}.

    Rendered through the export itself (into a temporary directory), so the canonical form
    has one definition.
    """
    with tempfile.TemporaryDirectory(prefix="stepwise-canonical-") as tmp:
        root = Path(tmp)
        return {
            path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
            for path in export(course, root)
        }


@dataclass
class EditedExport:
    written: list[Path]
    deleted: list[str]  # files of items imported once and deleted in the browser since


def export_edited(
    course: Course, root: Path | str, export: Export = export_tree, items: ItemModels = ITEM_MODELS
) -> EditedExport:
    """Write only the files of items edited (or made) in the browser since their last import,
    in the content format, over what `root` holds; the rest of `root` is left alone. `export`
    writes the whole course and `items` names its item folders (the course's own by default)."""
    root = Path(root)
    current = canonical_files(course, export)
    changed, deleted = provenance.edited_paths(provenance.import_records(course, items), current)
    written = []
    for name in changed:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(current[name], encoding="utf-8")
        written.append(path)
    return EditedExport(written, deleted)
