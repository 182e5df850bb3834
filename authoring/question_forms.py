"""Forms of the question editor.

`QuestionForm` holds a question's own fields (title, slug, Bloom level, concepts, tags, stem,
explanation, status). `PartsEditor` holds its parts *as typed*: it parses them from the POST
(names such as `parts-0-options-1-text`), applies the editor's buttons (`op=add:parts-0-options`,
`remove:…`, `up:…`, `down:…`) without losing anything typed, and checks them with the import's
own rules (`quizzes.content.check_question`), mapping each problem's path (`parts[0].options`)
back to the field that shows it (`parts-0-options`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q
from django.utils.text import slugify
from pydantic import ValidationError

from authoring.part_editors import (
    DRAFT_LISTS,
    EDITORS,
    CriterionDraft,
    FreeTextEditor,
    OptionDraft,
    PartDraft,
    SingleEditor,
    blank_entry,
    content_of,
    criterion_draft,
    draft_of,
    editor_of,
    empty_part,
    ids_of,
    unused_id,
)
from courses import markup
from courses.bloom import BloomLevel
from courses.models import SLUG_MAX, SLUG_RE, Concept, Course, Tag, max_length
from courses.tagpaths import TagChoices
from grading.rubric import Criterion
from quizzes.content import check_question
from quizzes.models import PART_KINDS, Question, QuestionVersion
from quizzes.parts import Part, RawJSON, StoredJSON, parse_parts

KINDS = (*PART_KINDS, "scenario")  # what ?kind= may ask for: a part kind, or a scenario
MAX_ENTRIES = 60  # per list: more rows than any question needs, fewer than a flood
_slug_re = re.compile(SLUG_RE)


def clean_text(value: Any) -> str:
    """Typed text with line endings normalised (browsers send CRLF) and ends trimmed."""
    if not isinstance(value, str):
        return ""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


# ---------------------------------------------------------------------------------------------
# The question's own fields


class QuestionForm(forms.Form):
    title = forms.CharField(max_length=max_length(QuestionVersion, "title"))
    slug = forms.CharField(
        max_length=SLUG_MAX,
        required=False,
        help_text="Lower-case letters, digits and hyphens; left empty, it is made from the title.",
    )
    bloom = forms.TypedChoiceField(
        label="Bloom level", choices=BloomLevel.choices, coerce=int, initial=BloomLevel.UNDERSTAND
    )
    concepts = forms.ModelMultipleChoiceField(
        queryset=Concept.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The concepts this question assesses (at least one).",
    )
    tags = TagChoices(
        queryset=Tag.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    stem = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown: the scenario or context shown above the parts.",
        strip=False,
    )
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        strip=False,
        help_text="Shown with the feedback.",
    )
    status = forms.ChoiceField(choices=Question.Status.choices, initial=Question.Status.DRAFT)

    def __init__(
        self, course: Course, question: Question | None = None, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        self.question = question
        concepts = self.fields["concepts"]
        tags = self.fields["tags"]
        assert isinstance(concepts, forms.ModelMultipleChoiceField)
        assert isinstance(tags, TagChoices)
        concepts.queryset = course.concepts.select_related("chapter").order_by(
            "chapter__position", "title"
        )
        tags.offer(course_tags(course))

    @classmethod
    def initial_for(cls, question: Question) -> dict[str, Any]:
        version = question.current
        assert version is not None
        return {
            "title": version.title,
            "slug": question.slug,
            "bloom": version.bloom,
            "concepts": list(question.concepts.all()),
            "tags": list(question.tags.all()),
            "stem": version.stem,
            "explanation": version.explanation,
            "status": question.status,
        }

    def clean_slug(self) -> str:
        return str(self.cleaned_data.get("slug") or "").strip()

    def clean_stem(self) -> str:
        # the file format keeps the body without its surrounding blank lines
        stem = str(self.cleaned_data.get("stem") or "").replace("\r\n", "\n").strip("\n")
        if not stem.strip():
            raise forms.ValidationError("Write the stem: the scenario or context of the question.")
        if problems := markup.problems(stem):
            raise forms.ValidationError(f"The stem {problems[0]}.")
        return stem

    def clean_explanation(self) -> str:
        return clean_text(self.cleaned_data.get("explanation"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        slug = data.get("slug") or slugify(data.get("title") or "")[:SLUG_MAX].strip("-")
        if not slug:
            self.add_error("slug", "Give the question a slug.")
            return data
        if not _slug_re.match(slug) or len(slug) > SLUG_MAX:
            self.add_error(
                "slug",
                f"Use lower-case letters, digits and single hyphens (at most {SLUG_MAX}).",
            )
            return data
        taken = Question.objects.filter(course=self.course, slug=slug)
        if self.question is not None:
            taken = taken.exclude(pk=self.question.pk)
        if taken.exists():
            self.add_error("slug", f"Another question of this course has the slug {slug!r}.")
        data["slug"] = slug
        return data


def course_tags(course: Course) -> Any:
    """Tags a question of `course` may carry: discipline and custom tags, the course's own tag
    and its chapters' tags (the ones its files may name)."""
    return Tag.objects.filter(
        Q(kind__in=[Tag.Kind.DISCIPLINE, Tag.Kind.CUSTOM])
        | Q(kind__in=[Tag.Kind.COURSE, Tag.Kind.CHAPTER], course=course)
    ).order_by("kind", "name")


# ---------------------------------------------------------------------------------------------
# The parts, as typed: `PartDraft` trees (authoring/part_editors.py), one `PartEditor` per kind.

ENTRY_FIELDS: dict[str, tuple[str, ...]] = {
    "options": ("id", "text", "correct", "feedback"),
    "pairs": ("id", "left", "right", "feedback"),
    "items": ("id", "text"),
    "key_ideas": ("id", "phrasings"),
    "misconceptions": ("id", "phrasings", "effect", "level", "points"),
    "levels": ("points", "descriptor", "min_ideas"),
}
TEXT_LISTS = ("distractors", "model_answers")


def fill_defaults(draft: PartDraft) -> None:
    """Give a part the rows its kind needs when it has none (a new part, a changed kind)."""
    editor = editor_of(draft)
    if editor is not None:
        editor.fill_defaults(draft)


def parts_for_kind(kind: str) -> list[PartDraft]:
    """The starting parts of a new question of `kind` (a part kind, or `scenario`)."""
    if kind == "scenario":
        parts = [
            empty_part(SingleEditor.starting_id, SingleEditor.kind),
            empty_part("justify", FreeTextEditor.kind),
        ]
        parts[1]["prompt"] = "Justify your reasoning."
    else:
        parts = [empty_part(EDITORS[kind].starting_id, kind)]
    for part in parts:
        fill_defaults(part)
    return parts


def _tree(data: Mapping[str, Any]) -> dict[str, Any]:
    """`parts-0-options-1-text=…` → {"parts": {"0": {"options": {"1": {"text": …}}}}}."""
    root: dict[str, Any] = {}
    for key in data:
        if not key.startswith("parts-"):
            continue
        tokens = key.split("-")
        if any(t.isdigit() and int(t) >= MAX_ENTRIES for t in tokens):
            continue
        node = root
        for token in tokens[:-1]:
            child = node.setdefault(token, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            if not isinstance(node.get(tokens[-1]), dict):
                node[tokens[-1]] = data[key]
    return root


def _rows(node: Any, key: str) -> list[Any]:
    sub = node.get(key) if isinstance(node, dict) else None
    if not isinstance(sub, dict):
        return []
    return [sub[k] for k in sorted((k for k in sub if k.isdigit()), key=int)]


def _text(node: Any, key: str) -> str:
    return clean_text(node.get(key)) if isinstance(node, dict) else ""


def _entry(node: Any, list_name: str) -> Any:
    """One row of the list `list_name` as posted (its TypedDict: `OptionDraft`, …)."""
    out: dict[str, object] = {}
    for name in ENTRY_FIELDS[list_name]:
        if name == "correct":
            out[name] = isinstance(node, dict) and node.get(name) not in (None, "")
        else:
            out[name] = _text(node, name)
    return out


def _part_from_tree(node: Any) -> PartDraft:
    part = empty_part(_text(node, "id"), _text(node, "kind"))
    part["prompt"] = _text(node, "prompt")
    part["points"] = _text(node, "points")
    for name in ("options", "pairs", "items"):
        part[name] = [_entry(row, name) for row in _rows(node, name)]
    part["distractors"] = [clean_text(v) for v in _rows(node, "distractors")]
    rubric = node.get("rubric") if isinstance(node, dict) else None
    part["rubric"] = {
        "model_answers": [clean_text(v) for v in _rows(rubric, "model_answers")],
        "criteria": [
            {
                "id": _text(c, "id"),
                "title": _text(c, "title"),
                "looks_for": _text(c, "looks_for"),
                "argues_for": _text(c, "argues_for"),
                "key_ideas": [_entry(k, "key_ideas") for k in _rows(c, "key_ideas")],
                "misconceptions": [_entry(m, "misconceptions") for m in _rows(c, "misconceptions")],
                "levels": [_entry(lv, "levels") for lv in _rows(c, "levels")],
            }
            for c in _rows(rubric, "criteria")
        ],
    }
    part["try_answer"] = clean_text(node.get("try_answer")) if isinstance(node, dict) else ""
    choices = node.get("try_choice") if isinstance(node, dict) else None
    if isinstance(choices, dict):
        part["try_choices"] = {
            int(k): clean_text(v) for k, v in choices.items() if k.isdigit() and clean_text(v)
        }
    return part


@dataclass(frozen=True)
class ChoiceRef:
    """A choice part of the draft, by its place: what a criterion may argue for."""

    index: int
    id: str
    options: list[OptionDraft]


@dataclass(frozen=True)
class Op:
    """An editor button: `verb:path`, e.g. `add:parts-0-options` or `remove:parts-1`."""

    verb: str
    path: str = ""

    @classmethod
    def parse(cls, value: str | None) -> Op:
        verb, _, path = (value or "save").partition(":")
        return cls(verb, path)

    @property
    def part_index(self) -> int | None:
        m = re.match(r"^parts-(\d+)", self.path)
        return int(m.group(1)) if m else None


_ERROR_INDEX = re.compile(r"\[(\d+)\]")
_PART_BY_ID = re.compile(r"^parts\.([^.\[]+)")


NUL_MESSAGE = str(ProhibitNullCharactersValidator.message)


# Editor list names in the singular, for labels ("option 3", "criterion 1").
_SINGULAR = {
    "parts": "part",
    "options": "option",
    "pairs": "pair",
    "items": "item",
    "distractors": "distractor",
    "criteria": "criterion",
    "key_ideas": "key idea",
    "misconceptions": "misconception",
    "levels": "level",
    "model_answers": "model answer",
    "phrasings": "phrasing",
}


class PartsEditor:
    """A question's parts as typed, the editor's buttons, and the import's checks."""

    def __init__(self, draft: list[PartDraft]) -> None:
        self.draft = draft
        self.errors: dict[str, list[str]] = {}
        # The checked parts in canonical content form: the JSON a version stores (the storage
        # boundary, `QuestionVersion.parts`); `typed_parts` reads them as `quizzes.parts` types.
        self.parts: list[StoredJSON] = []
        self.message = ""

    @classmethod
    def from_post(cls, data: Mapping[str, Any]) -> PartsEditor:
        return cls([_part_from_tree(node) for node in _rows(_tree(data), "parts")])

    def take_try_fields(self, data: Mapping[str, Any]) -> None:
        """Take only the try-an-answer fields from `data` (`parts-1-try_answer`, …)."""
        tree = _tree(data).get("parts")
        if not isinstance(tree, dict):
            return
        for key, node in tree.items():
            if key.isdigit() and int(key) < len(self.draft):
                posted = _part_from_tree(node)
                self.draft[int(key)]["try_answer"] = posted["try_answer"]
                self.draft[int(key)]["try_choices"] = posted["try_choices"]

    @classmethod
    def from_parts(cls, parts: Sequence[Part]) -> PartsEditor:
        return cls([draft_of(p) for p in parts])

    def typed_part(self, part_id: str) -> Part | None:
        """The checked part `part_id` as its `quizzes.parts` type (after `is_valid`); None
        when the checker did not pass it."""
        for stored in self.parts:
            if stored.get("id") == part_id:
                try:
                    return parse_parts([stored])[0]
                except ValidationError:
                    return None
        return None

    @classmethod
    def for_kind(cls, kind: str) -> PartsEditor:
        return cls(parts_for_kind(kind))

    # ------------------------------------------------------------------ the editor's buttons

    def _locate(self, path: str) -> tuple[Any, str | int] | None:
        """(container, key) of `path` (`parts-0-options-1`) in the draft, or None."""
        tokens = path.split("-")
        node: Any = {"parts": self.draft}
        for token in tokens[:-1]:
            node = self._step(node, token)
            if node is None:
                return None
        last = tokens[-1]
        if isinstance(node, list) and last.isdigit() and int(last) < len(node):
            return node, int(last)
        if isinstance(node, dict) and last in node:
            return node, last
        return None

    @staticmethod
    def _step(node: Any, token: str) -> Any:
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            return node[int(token)]
        if isinstance(node, dict) and not token.isdigit():
            return node.get(token)
        return None

    def apply(self, op: Op, new_part_kind: str = "free_text") -> None:
        """Change the draft as the button `op` says; unknown buttons change nothing."""
        where = self._locate(op.path) if op.path else None
        if op.verb == "add" and where is not None:
            container, key = where
            rows = container[key]
            name = str(key)
            if isinstance(rows, list) and len(rows) < MAX_ENTRIES:
                if name == "parts":
                    kind = new_part_kind if new_part_kind in PART_KINDS else "free_text"
                    part = empty_part(unused_id("part-", ids_of(rows), len(rows) + 1), kind)
                    fill_defaults(part)
                    rows.append(part)
                elif name in ENTRY_FIELDS or name in TEXT_LISTS or name == "criteria":
                    rows.append(blank_entry(name, rows))
        elif op.verb in ("remove", "up", "down") and where is not None:
            container, key = where
            if isinstance(container, list) and isinstance(key, int):
                if op.verb == "remove":
                    del container[key]
                elif op.verb == "up" and key > 0:
                    container[key - 1], container[key] = container[key], container[key - 1]
                elif op.verb == "down" and key + 1 < len(container):
                    container[key + 1], container[key] = container[key], container[key + 1]
        if op.verb not in ("save", "try", "preview"):
            for part in self.draft:
                fill_defaults(part)

    def start_from_model_answers(self, index: int, criteria: Sequence[Criterion]) -> None:
        """Put proposed criteria into part `index`'s rubric: they replace the criteria nothing
        was typed in, and join the others."""
        rubric = self.draft[index]["rubric"]
        kept: list[CriterionDraft] = [
            c
            for c in rubric["criteria"]
            if c["title"] or c["looks_for"] or any(k["phrasings"] for k in c["key_ideas"])
        ]
        taken = ids_of(list(kept))
        for c in criteria:
            draft = criterion_draft(c)
            if draft["id"] in taken:
                draft["id"] = unused_id(f"{draft['id']}-", taken, 2)
            taken.add(draft["id"])
            kept.append(draft)
        rubric["criteria"] = kept

    # ------------------------------------------------------------------ checking

    def content(self) -> list[RawJSON]:
        """The parts in content-file form: what the one checker (quizzes.content) reads."""
        return [content_of(p) for p in self.draft]

    def is_valid(self) -> bool:
        """Check with the import's rules; fill `parts` (canonical) and `errors` (by field)."""
        self.parts, problems = check_question({"parts": self.content()})
        self.errors = {}
        for path, message in problems:
            self.add_error(self.field_of(path), message)
        for key in self._fields_with_nul():
            self.add_error(key, NUL_MESSAGE)
        return not self.errors

    def _fields_with_nul(self) -> list[str]:
        """Editor fields holding a NUL byte, which PostgreSQL cannot store (Django's form
        fields refuse it with the same message)."""
        found: list[str] = []

        def walk(node: Any, key: str) -> None:
            if isinstance(node, str):
                if "\x00" in node:
                    known = self.field_names()
                    while key not in known and "-" in key:
                        key = key.rsplit("-", 1)[0]
                    found.append(key)
            elif isinstance(node, dict):
                for name, value in node.items():
                    walk(value, f"{key}-{name}")
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    walk(value, f"{key}-{i}")

        walk(self.draft, "parts")
        return found

    def add_error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def field_of(self, path: str) -> str:
        """The editor field that shows a checker path: `parts[0].options[1].text` →
        `parts-0-options-1-text`; a path below what the editor shows goes to the nearest field
        above it (`…phrasings[2]` → `…phrasings`)."""
        ids = [p["id"] for p in self.draft]
        path = _PART_BY_ID.sub(
            lambda m: f"parts[{ids.index(m.group(1))}]" if m.group(1) in ids else "parts", path
        )
        key = _ERROR_INDEX.sub(r"-\1", path).replace(".", "-")
        known = self.field_names()
        while key not in known and "-" in key:
            key = key.rsplit("-", 1)[0]
        return key if key in known else "parts"

    def field_names(self) -> set[str]:
        names = {"parts"}
        for i, part in enumerate(self.draft):
            pfx = f"parts-{i}"
            names |= {pfx, *(f"{pfx}-{k}" for k in ("id", "kind", "prompt", "points"))}
            for name in ("options", "pairs", "items", "distractors"):
                names.add(f"{pfx}-{name}")
                rows: list[Any] = part[name]
                for j, row in enumerate(rows):
                    names.add(f"{pfx}-{name}-{j}")
                    if isinstance(row, dict):
                        names |= {f"{pfx}-{name}-{j}-{f}" for f in row}
            rpfx = f"{pfx}-rubric"
            rubric = part["rubric"]
            names |= {rpfx, f"{rpfx}-model_answers", f"{rpfx}-criteria"}
            names |= {f"{rpfx}-model_answers-{j}" for j in range(len(rubric["model_answers"]))}
            for j, c in enumerate(rubric["criteria"]):
                cpfx = f"{rpfx}-criteria-{j}"
                names |= {cpfx, *(f"{cpfx}-{f}" for f in c)}
                for name in ("key_ideas", "misconceptions", "levels"):
                    entries: list[Any] = c[name]  # type: ignore[literal-required]
                    for k, row in enumerate(entries):
                        names |= {f"{cpfx}-{name}-{k}", *(f"{cpfx}-{name}-{k}-{f}" for f in row)}
        return names

    def errors_in(self, prefix: str) -> list[str]:
        return [
            m
            for key, messages in self.errors.items()
            if key == prefix or key.startswith(f"{prefix}-")
            for m in messages
        ]

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field key, its label in words, message) of every problem."""
        return [
            (key, self.label_of(key), m) for key, messages in self.errors.items() for m in messages
        ]

    @staticmethod
    def label_of(key: str) -> str:
        """An editor field in words: `parts-0-options-2-text` → "Part 1, option 3 text",
        `parts-1-rubric-criteria-0-levels-2-points` → "Part 2, rubric, criterion 1, level 3
        points", `parts-0-options` → "Part 1, options"."""
        tokens = key.split("-")
        segments: list[str] = []
        i = 0
        while i < len(tokens):
            name = tokens[i]
            if i + 1 < len(tokens) and tokens[i + 1].isdigit():
                segments.append(f"{_SINGULAR.get(name, name)} {int(tokens[i + 1]) + 1}")
                i += 2
                continue
            words = name.replace("_", " ")
            if i == len(tokens) - 1 and segments and name not in _SINGULAR:
                segments[-1] += f" {words}"  # a field of the entry named before it
            else:
                segments.append(words)
            i += 1
        label = ", ".join(segments)
        return label[:1].upper() + label[1:]

    # ------------------------------------------------------------------ for the template

    def _err(self, pfx: str) -> dict[str, list[str]]:
        """Errors of the fields directly under `pfx`, each with its field's label ("Part 1,
        option 3 text: is missing"); `entry` holds the entry's own."""
        out: dict[str, list[str]] = {}
        for key, messages in self.errors.items():
            labelled = [f"{self.label_of(key)}: {m}" for m in messages]
            if key == pfx:
                out.setdefault("entry", []).extend(labelled)
            elif key.startswith(f"{pfx}-") and "-" not in key[len(pfx) + 1 :]:
                out.setdefault(key[len(pfx) + 1 :], []).extend(labelled)
        return out

    def _rows_of(self, pfx: str, rows: list[Any]) -> list[dict[str, Any]]:
        out = []
        for j, row in enumerate(rows):
            p = f"{pfx}-{j}"
            data = dict(row) if isinstance(row, dict) else {"value": row}
            out.append({**data, "pfx": p, "err": self._err(p)})
        return out

    def kept_fields(self, index: int) -> list[tuple[str, str]]:
        """(name, value) of what part `index` holds but its kind does not show (the options of
        a part changed to matching, say), so that changing the kind back loses nothing."""
        part = self.draft[index]
        editor = editor_of(part)
        shows = editor.shows if editor else ()
        pfx = f"parts-{index}"
        out: list[tuple[str, str]] = []
        if editor is not None and not editor.has_points and part["points"]:
            out.append((f"{pfx}-points", part["points"]))

        def walk(name: str, value: Any) -> None:
            if isinstance(value, dict):
                for key, sub in value.items():
                    walk(f"{name}-{key}", sub)
            elif isinstance(value, list):
                for j, sub in enumerate(value):
                    walk(f"{name}-{j}", sub)
            elif value is True:
                out.append((name, "on"))
            elif isinstance(value, str) and value:
                out.append((name, value))

        for key in DRAFT_LISTS:
            if key not in shows:
                walk(f"{pfx}-{key}", part[key])  # type: ignore[literal-required]
        return out

    def choice_parts(self) -> list[ChoiceRef]:
        """The parts a criterion may argue for (and a sample answer simulate a choice in)."""
        return [
            ChoiceRef(index=i, id=p["id"], options=p["options"])
            for i, p in enumerate(self.draft)
            if (editor := editor_of(p)) is not None and editor.choice
        ]

    def rows(self, tries: Mapping[int, Any] | None = None) -> list[dict[str, Any]]:
        """The draft with each entry's field prefix (`pfx`) and errors (`err`) for templates."""
        choice_parts = self.choice_parts()
        targets = [
            (f"{c.id}:{o['id']}", f"{c.id} → {o['id']}: {o['text']}"[:120])
            for c in choice_parts
            for o in c.options
        ]
        out = []
        for i, part in enumerate(copy.deepcopy(self.draft)):
            pfx = f"parts-{i}"
            editor = editor_of(part)
            row: dict[str, Any] = {**part, "pfx": pfx, "err": self._err(pfx), "index": i}
            row["template"] = editor.template() if editor else ""
            row["has_points"] = editor.has_points if editor else True
            for name in ("options", "pairs", "items", "distractors"):
                row[name] = self._rows_of(f"{pfx}-{name}", part[name])
            rpfx = f"{pfx}-rubric"
            rubric = part["rubric"]
            criteria = []
            for j, c in enumerate(rubric["criteria"]):
                cpfx = f"{rpfx}-criteria-{j}"
                known = [t for t, _ in targets]
                criteria.append(
                    {
                        **c,
                        "pfx": cpfx,
                        "err": self._err(cpfx),
                        "key_ideas": self._rows_of(f"{cpfx}-key_ideas", c["key_ideas"]),
                        "misconceptions": self._rows_of(
                            f"{cpfx}-misconceptions", c["misconceptions"]
                        ),
                        "levels": self._rows_of(f"{cpfx}-levels", c["levels"]),
                        "targets": targets
                        + (
                            [(c["argues_for"], c["argues_for"])]
                            if c["argues_for"] and c["argues_for"] not in known
                            else []
                        ),
                    }
                )
            row["rubric"] = {
                "pfx": rpfx,
                "err": self._err(rpfx),
                "model_answers": self._rows_of(f"{rpfx}-model_answers", rubric["model_answers"]),
                "criteria": criteria,
            }
            row["choice_parts"] = [
                {
                    "index": c.index,
                    "id": c.id,
                    "options": c.options,
                    "chosen": part["try_choices"].get(c.index, ""),
                }
                for c in choice_parts
                if c.index != i
            ]
            row["try"] = (tries or {}).get(i)
            row["kept"] = self.kept_fields(i)
            out.append(row)
        return out
