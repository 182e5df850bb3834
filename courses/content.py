"""The course as files: `import_tree` and `export_tree`.

The format is documented in docs/content-format.md. Import is all-or-nothing: every file is
parsed and checked first, every error is collected (file, field, message), and the database is
written in one transaction only when there is none. `check=True` runs the whole import and rolls
it back, so it reports exactly what a real run would change.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from courses import markup
from courses.graph import find_cycle, format_cycle
from courses.models import SLUG_RE, Chapter, Concept, Course, Prerequisite, Tag

COURSE_FILE = "course.yaml"
TAGS_FILE = "tags.yaml"
CONCEPTS_DIR = "concepts"
FILE_TAG_KINDS = {Tag.Kind.DISCIPLINE.value, Tag.Kind.CUSTOM.value}
CONCEPT_KEYS = ("slug", "title", "status", "chapter", "summary", "learn_before", "related", "tags")
REQUIRED_CONCEPT_KEYS = ("slug", "title", "chapter", "summary")
SUMMARY_MAX: int = Concept._meta.get_field("summary").max_length or 300
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
    missing_items: dict[str, list[str]] = field(default_factory=dict)  # the same, for sections
    warnings: list[str] = field(default_factory=list)  # written, but worth a look
    checked_only: bool = False

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    def lines(self) -> Iterator[str]:
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
    sections: dict[str, Any] = field(default_factory=dict)


@dataclass
class WriteContext:
    """What a section's writer gets: the rows the course import has just written."""

    course: Course
    concepts: dict[str, Concept]
    tags: dict[str, Tag]
    chapters: dict[str, Chapter]
    report: ImportReport
    prune: bool


@dataclass(frozen=True)
class ContentSection:
    """Another app's part of the content tree (the quizzes app registers its questions).

    `parse(root, tree, errors)` reads and checks its files, reporting through `errors`;
    `write(data, context)` writes them inside the import's transaction;
    `export(course, root) -> files` writes them back in canonical form.
    The courses app calls these without knowing the app behind them.
    """

    name: str
    parse: Callable[[Path, CourseTree, Errors], Any]
    write: Callable[[Any, WriteContext], None]
    export: Callable[[Course, Path], list[Path]]


_SECTIONS: dict[str, ContentSection] = {}


def register_section(section: ContentSection) -> None:
    _SECTIONS[section.name] = section


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
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        errors.add(file, "YAML", f"invalid YAML{where}: {problem}")
        return None


def _text(
    data: dict[str, Any], key: str, file: str, errors: Errors, *, required: bool = True
) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(file, key, "is missing" if value is None else "is empty")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        errors.add(file, key, f"must be text, not {type(value).__name__}")
        return ""
    return str(value).strip()


def _slug(data: dict[str, Any], key: str, file: str, errors: Errors) -> str:
    value = _text(data, key, file, errors)
    if value and not _slug_re.match(value):
        errors.add(file, key, f"{value!r} is not a slug (lower-case letters, digits, hyphens)")
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
    data = load_yaml(text, COURSE_FILE, errors) if text is not None else None
    if data is None:
        return None
    if not isinstance(data, dict):
        errors.add(COURSE_FILE, "YAML", "must be a mapping with slug, title and chapters")
        return None
    slug = _slug(data, "slug", COURSE_FILE, errors)
    title = _text(data, "title", COURSE_FILE, errors)
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
        ch_slug = _slug(item, "slug", COURSE_FILE + f" {where}", errors)
        if ch_slug in seen:
            errors.add(COURSE_FILE, f"{where}.slug", f"chapter {ch_slug!r} is listed twice")
        seen.add(ch_slug)
        chapters.append(
            ChapterData(
                slug=ch_slug,
                title=_text(item, "title", COURSE_FILE + f" {where}", errors),
                summary=_text(item, "summary", COURSE_FILE, errors, required=False),
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
        slug = _slug(item, "slug", f"{TAGS_FILE} {where}", errors)
        if slug in seen:
            errors.add(TAGS_FILE, f"{where}.slug", f"tag {slug!r} is defined twice")
        seen.add(slug)
        kind = _text(item, "kind", f"{TAGS_FILE} {where}", errors)
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
        tags.append(
            TagData(slug, _text(item, "name", f"{TAGS_FILE} {where}", errors), kind, parent)
        )
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
        title=_text(data, "title", file, errors),
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
    tree = CourseTree(course=course, tags=tags, concepts=concepts)
    for section in _SECTIONS.values():
        tree.sections[section.name] = section.parse(root, tree, errors)
    if errors.items:
        raise ContentInvalid(errors.items)
    return tree


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


class _Rollback(Exception):
    pass


def import_tree(root: Path | str, *, check: bool = False, prune: bool = False) -> ImportReport:
    """Import the course under `root`; all-or-nothing. Raises ContentInvalid on any error."""
    tree = parse_tree(Path(root))
    report = ImportReport(checked_only=check)
    try:
        with transaction.atomic():
            _write(tree, report, prune=prune)
            if check:
                raise _Rollback
    except _Rollback:
        pass
    return report


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


def _write(tree: CourseTree, report: ImportReport, *, prune: bool) -> None:
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

    tags: dict[str, Tag] = {}
    tags[data.slug] = _upsert(
        Tag,
        {"slug": data.slug},
        {"name": data.title, "kind": Tag.Kind.COURSE, "parent": None},
        "tags",
        report,
    )
    for position, ch in enumerate(data.chapters, start=1):
        tags[f"chapter-{ch.slug}"] = _upsert(
            Tag,
            {"slug": f"chapter-{ch.slug}"},
            {
                "name": f"Ch.{position} {ch.title}",
                "kind": Tag.Kind.CHAPTER,
                "parent": tags[data.slug],
            },
            "tags",
            report,
        )
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
    Concept.objects.bulk_create(new, batch_size=500)
    Concept.objects.bulk_update(
        changed, ["title", "summary", "body", "chapter_id", "status"], batch_size=500
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

    context = WriteContext(course, concepts, tags, chapters, report, prune)
    for section in _SECTIONS.values():
        section.write(tree.sections[section.name], context)


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
    """Write `course` under `root` in the content format; return the files written."""
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
    for section in _SECTIONS.values():
        written.extend(section.export(course, root))
    return written
