"""Which items in the database are still as the last import left them.

Once a course is imported the database is authoritative: people edit it in the browser (the
editors, the bank's bulk actions, the tag manager, the quiz builder, the admin). An import must
not overwrite such an edit silently. So each import stores, per content file it brought in, the
fingerprint of the item's canonical form (the text `export_content` writes for it) right after
writing. An item whose canonical form no longer has that fingerprint was edited since, whatever
path the edit took. The change history (`courses.history`) and the admin's log name who and when.

The canonical forms come in as {path: text}, e.g. {"concepts/alpha.md": "---\\nslug: ..."}; this
module never reads files and knows nothing of the apps whose items they hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from courses.models import ChangeRecord, Chapter, Course, ImportedFile, Tag

COURSE_FILE = "course.yaml"
TAGS_FILE = "tags.yaml"

Forms = Mapping[str, str]  # canonical path → canonical text
ItemModels = Mapping[str, type[models.Model]]  # content folder → the model of its items


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, order=True)
class Conflict:
    """An item the import would change although it was edited in the browser since."""

    file: str
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.item}: {self.message}"


def import_records(course: Course, item_models: ItemModels) -> dict[str, ImportedFile]:
    """The course's import records of the course file, the tags file and the files in the
    folders of `item_models` (an import of part of the content leaves the rest alone)."""
    return {
        r.path: r
        for r in ImportedFile.objects.filter(course=course)
        if _covered(r.path, item_models)
    }


def _covered(path: str, item_models: ItemModels) -> bool:
    return path in (COURSE_FILE, TAGS_FILE) or path.split("/", 1)[0] in item_models


def _edited(form: str | None, record: ImportedFile | None) -> bool:
    """Whether the item (its canonical form, None when it is gone) is not as imported."""
    if record is None:
        return form is not None
    return form is None or fingerprint(form) != record.fingerprint


def edited_paths(
    records: Mapping[str, ImportedFile], current: Forms
) -> tuple[list[str], list[str]]:
    """(files whose item differs from its last import or was never imported, files whose item
    was imported and is gone from the database), each sorted."""
    changed = sorted(p for p, text in current.items() if _edited(text, records.get(p)))
    deleted = sorted(p for p in records if p not in current)
    return changed, deleted


def find_conflicts(
    course: Course,
    before: Forms,
    after: Forms,
    records: Mapping[str, ImportedFile],
    items: Items,
) -> list[Conflict]:
    """The items this import changed (`before` → `after`) that were not as the last import left
    them: edited, made or deleted in the browser since."""
    conflicts = []
    for path in sorted(before.keys() | after.keys()):
        was, now, record = before.get(path), after.get(path), records.get(path)
        if was == now or not _edited(was, record):
            continue
        since = record.imported_at if record else None
        # A deleted item's history cannot be found by its file any more.
        edit = latest_edit(course, path, since, items) if was is not None else None
        if record is None:
            message = (
                f"made in the browser {edit}; never imported"
                if edit
                else "never imported from files (made in the browser, or imported before "
                "import records were kept)"
            )
        else:
            verb = "deleted" if was is None else "edited"
            when = edit or f"since the import of {_when(record.imported_at)}"
            message = f"{verb} in the browser {when}"
        if now is None:
            message += "; this import would delete it"
        conflicts.append(Conflict(path, _item_name(course, path, items.item_models), message))
    return conflicts


def record_import(
    course: Course,
    after: Forms,
    imported: Collection[str],
    records: Mapping[str, ImportedFile],
) -> None:
    """Remember the canonical form of every item this import brought in from a file; forget
    items that are gone. Items the files do not hold keep their record (or have none)."""
    now = timezone.now()
    ImportedFile.objects.bulk_create(
        [
            ImportedFile(course=course, path=p, fingerprint=fingerprint(after[p]), imported_at=now)
            for p in sorted(set(imported) & after.keys())
        ],
        update_conflicts=True,
        unique_fields=["course", "path"],
        update_fields=["fingerprint", "imported_at"],
    )
    gone = [p for p in records if p not in after]
    ImportedFile.objects.filter(course=course, path__in=gone).delete()


def canonical_path(relative: PurePosixPath) -> str:
    """The export path of the item a content file holds: `concepts/sub/x.md` → `concepts/x.md`
    (a file's name is its slug; folders below the first are only for people)."""
    parts = relative.parts
    return parts[0] if len(parts) == 1 else f"{parts[0]}/{parts[-1]}"


# ---------------------------------------------------------------------------------------------
# Who and when


@dataclass(frozen=True)
class Edit:
    who: str
    at: datetime
    summary: str

    def __str__(self) -> str:
        summary = f" ({self.summary})" if self.summary else ""
        return f"by {self.who} at {_when(self.at)}{summary}"


def _when(at: datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M %Z")


def _item_name(course: Course, path: str, item_models: ItemModels) -> str:
    if path == COURSE_FILE:
        return f"course {course.slug} and its chapters"
    if path == TAGS_FILE:
        return "tags"
    folder, name = path.split("/", 1) if "/" in path else ("", path)
    model = item_models.get(folder)
    noun = model._meta.verbose_name if model else "item"
    return f"{noun} {PurePosixPath(name).stem}"


@dataclass(frozen=True)
class Items:
    """The course's items as they were before an import wrote anything, to find their history
    by (an import with --prune may delete them)."""

    item_models: ItemModels  # content folder → the model of its items
    ids: Mapping[tuple[str, str], int]  # (folder, slug) → pk
    chapter_ids: list[int]

    @classmethod
    def of(cls, course: Course | None, item_models: ItemModels) -> Items:
        if course is None:
            return cls(item_models, {}, [])
        ids = {
            (folder, slug): pk
            for folder, model in item_models.items()
            for slug, pk in model._default_manager.filter(course=course).values_list("slug", "pk")
        }
        return cls(item_models, ids, list(course.chapters.values_list("pk", flat=True)))

    def rows(self, course: Course, path: str) -> list[tuple[type[models.Model], list[int] | None]]:
        """The rows whose history tells about the file's item: (model, ids), None for all."""
        if path == COURSE_FILE:
            return [(Course, [course.pk]), (Chapter, self.chapter_ids)]
        if path == TAGS_FILE:
            return [(Tag, None)]
        folder = path.split("/", 1)[0]
        pk = self.ids.get((folder, PurePosixPath(path).stem))
        return [] if pk is None else [(self.item_models[folder], [pk])]


def latest_edit(course: Course, path: str, since: datetime | None, items: Items) -> Edit | None:
    """The newest recorded change to the file's item after `since`: the change history first,
    the admin's log next; for an item with no record of its own, a change in the tag manager
    (a merge or a rename changes every item carrying the tag without recording on each)."""
    found = [_newest(model, ids, since) for model, ids in items.rows(course, path)]
    edits = [e for e in found if e is not None]
    if not edits and path not in (COURSE_FILE, TAGS_FILE):
        tag_edit = _newest(Tag, None, since)
        if tag_edit is not None:
            return Edit(tag_edit.who, tag_edit.at, f"tag manager: {tag_edit.summary}")
    return max(edits, key=lambda e: e.at, default=None)


def _newest(
    model: type[models.Model], ids: list[int] | None, since: datetime | None
) -> Edit | None:
    content_type = ContentType.objects.get_for_model(model)
    records = ChangeRecord.objects.filter(content_type=content_type).select_related("user")
    entries = LogEntry.objects.filter(content_type=content_type).select_related("user")
    if ids is not None:
        records = records.filter(object_id__in=ids)
        entries = entries.filter(object_id__in=[str(i) for i in ids])
    if since is not None:
        records = records.filter(at__gt=since)
        entries = entries.filter(action_time__gt=since)
    edits = []
    record = records.order_by("-at", "-pk").first()
    if record is not None:
        edits.append(Edit(_name(record.user), record.at, record.summary))
    entry = entries.order_by("-action_time", "-pk").first()
    if entry is not None:
        what = entry.get_change_message() or "changed"
        edits.append(Edit(_name(entry.user), entry.action_time, f"admin: {what}"))
    return max(edits, key=lambda e: e.at, default=None)


def _name(user: object) -> str:
    return str(getattr(user, "username", "") or "an unknown user")
