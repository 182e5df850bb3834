"""Every malformed content file is refused as `file: field: message`, never a traceback, and
nothing is written: over-long texts and slugs (checked against the model fields' lengths, so no
value is cut or refused by the database later), numbers too large for their columns, NUL
characters and lone surrogates (which PostgreSQL cannot store), YAML nested thousands deep or
blown up by aliases, empty files, and values of the wrong type."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from content_io.course import import_course
from courses.content import ContentInvalid
from courses.models import SLUG_MAX, Chapter, Concept, Course, Tag, max_length
from grading.rubric import MAX_POINTS
from quizzes.models import Answer, Question, QuestionVersion, Quiz
from tests.quiz_data import QUESTIONS, write_questions

pytestmark = pytest.mark.django_db


def course_yaml(
    *,
    slug: str = "demo-course",
    title: str = "Demo Course",
    chapter_slug: str = "basics",
    chapter_title: str = "Basics",
) -> str:
    return (
        f"slug: {slug}\ntitle: {title}\nchapters:\n"
        f"  - slug: {chapter_slug}\n    title: {chapter_title}\n"
        "  - slug: advanced\n    title: Advanced\n"
    )


def concept_md(*, title: str = "Alpha", extra: str = "", body: str = "Body.") -> str:
    return (
        f"---\nslug: alpha\ntitle: {title}\nchapter: basics\nsummary: What alpha is.\n"
        f"related: [gamma]\n{extra}---\n{body}\n"
    )


PICK_ONE = textwrap.dedent(QUESTIONS["pick-one"])


def pick_one(old: str, new: str) -> str:
    assert old in PICK_ONE
    return PICK_ONE.replace(old, new)


QUIZ = "slug: every-kind\ntitle: Every kind\nquestions: [pick-one]\n"
NESTED = "[" * 5000 + "]" * 5000
ALIAS_BOMB = "".join(
    [
        "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
        *(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 8)),
    ]
)
SCENARIO = textwrap.dedent(QUESTIONS["scenario"])

CASES = [
    # course.yaml
    (
        "course.yaml",
        course_yaml(title="T" * 201),
        "title: is 201 characters long; the limit is 200",
    ),
    (
        "course.yaml",
        course_yaml(slug="s" * (SLUG_MAX + 1)),
        f"slug: is {SLUG_MAX + 1} characters long; the limit is {SLUG_MAX}",
    ),
    (
        "course.yaml",
        course_yaml(chapter_slug="c" * (SLUG_MAX + 1)),
        f"chapters[0].slug: is {SLUG_MAX + 1} characters long; the limit is {SLUG_MAX}",
    ),
    (
        "course.yaml",
        course_yaml(chapter_title="C" * 200),
        "chapters[0].title: is 200 characters long; the limit is 195",
    ),
    ("course.yaml", course_yaml(title='"Demo\\0Course"'), "title: contains a NUL character"),
    ("course.yaml", course_yaml(title='"Demo \\udc80"'), "title: contains a lone surrogate"),
    ("course.yaml", f"slug: demo-course\ntitle: {NESTED}\n", "YAML: is nested more than"),
    ("course.yaml", "", "file: is empty"),
    ("course.yaml", "---\n", "file: is empty"),
    ("course.yaml", f"slug: demo-course\ntitle: {'9' * 5000}\n", "YAML: invalid YAML"),
    ("course.yaml", course_yaml(title="[Demo, Course]"), "title: must be text, not list"),
    ("course.yaml", "slug: demo-course\ntitle: Demo\nchapters: {basics: Basics}\n", "chapters:"),
    ("course.yaml", "\ufeff" + course_yaml(title='"\\0"'), "title: contains a NUL character"),
    # tags.yaml
    (
        "tags.yaml",
        f"tags:\n  - slug: science\n    name: {'N' * 201}\n    kind: discipline\n",
        "tags[0].name: is 201 characters long; the limit is 200",
    ),
    (
        "tags.yaml",
        f"tags:\n  - slug: {'t' * (SLUG_MAX + 1)}\n    name: Long\n    kind: discipline\n",
        f"tags[0].slug: is {SLUG_MAX + 1} characters long",
    ),
    ("tags.yaml", "tags:\n  - science\n", "tags[0]: must be a mapping"),
    ("tags.yaml", "- slug: science\n", "tags: must be a list under the key 'tags'"),
    (
        "tags.yaml",
        'tags:\n  - {slug: science, name: "\\0", kind: custom}\n',
        "tags[0].name: contains",
    ),
    # concepts
    ("concepts/alpha.md", concept_md(title="A" * 301), "title: is 301 characters long; the limit"),
    ("concepts/alpha.md", concept_md(body="Body \x00 here."), "file: contains a NUL character"),
    ("concepts/alpha.md", concept_md(title='"Al\\0pha"'), "title: contains a NUL character"),
    ("concepts/alpha.md", concept_md(title='"Al\\ud800pha"'), "title: contains a lone surrogate"),
    ("concepts/alpha.md", concept_md(extra=f"tags: {NESTED}\n"), "YAML: is nested more than"),
    ("concepts/alpha.md", "---\n- slug\n---\nBody.\n", "front matter: must be a mapping"),
    ("concepts/alpha.md", "", "front matter: the file must start with a line '---'"),
    ("concepts/alpha.md", concept_md(extra="opens: 2026-02-30\n"), "YAML: invalid YAML"),
    # questions
    (
        "questions/pick-one.md",
        pick_one("title: Pick one", f"title: {'Q' * 301}"),
        "title: is 301 characters long; the limit is 300",
    ),
    (
        "questions/pick-one.md",
        pick_one("  - id: choice", f"  - id: {'p' * 150}"),
        f"parts[0].id: is 150 characters long; the limit is "
        f"{Answer._meta.get_field('part_id').max_length}",
    ),
    (
        "questions/pick-one.md",
        pick_one("    kind: single", f"    kind: single\n    points: {10**30}"),
        f"parts[0].points: must be at most {MAX_POINTS:,}",
    ),
    (
        "questions/pick-one.md",
        pick_one("    kind: single", f"    kind: single\n    points: {'9' * 5000}"),
        "YAML: invalid YAML",
    ),
    (
        "questions/pick-one.md",
        pick_one("explanation: Alpha comes first.", "explanation: [Alpha, first]"),
        "explanation: must be text",
    ),
    (
        "questions/pick-one.md",
        pick_one("bloom: remember", "bloom: remember\nstatus: [draft]"),
        "status: must be text",
    ),
    (
        "questions/pick-one.md",
        pick_one("text: Alpha,", 'text: "Al\\udc80pha",'),
        "parts[0].options[0].text: contains a lone surrogate",
    ),
    (
        "questions/pick-one.md",
        pick_one("A team must choose", "A team \x00 must choose"),
        "file: contains a NUL character",
    ),
    ("questions/pick-one.md", "---\n---\n", "front matter: is empty"),
    (
        "questions/scenario.md",
        SCENARIO.replace("{points: 2, descriptor:", f"{{points: {10**30}, descriptor:"),
        f"parts[1].rubric.criteria[0].levels[1].points: must be at most {MAX_POINTS:,}",
    ),
    # quizzes
    ("quizzes/every-kind.yaml", f"{QUIZ}draw:\n  - count: {10**20}\n", "draw[0].count: must be"),
    (
        "quizzes/every-kind.yaml",
        QUIZ.replace("title: Every kind", f"title: {'Q' * 201}"),
        "title: is 201 characters long; the limit is 200",
    ),
    ("quizzes/every-kind.yaml", f"{QUIZ}chapter: [basics]\n", "chapter: must be a chapter slug"),
    ("quizzes/every-kind.yaml", f"{QUIZ}chapter: {{a: 1}}\n", "chapter: must be a chapter slug"),
    ("quizzes/every-kind.yaml", f"{QUIZ}pass_mark: {10**20}\n", "pass_mark: must be a whole"),
    ("quizzes/every-kind.yaml", f"{QUIZ}pass_mark: true\n", "pass_mark: must be a whole"),
    ("quizzes/every-kind.yaml", f"{QUIZ}description: {{a: 1}}\n", "description: must be text"),
    ("quizzes/every-kind.yaml", f"{QUIZ}title2: {NESTED}\n", "YAML: is nested more than"),
    ("quizzes/every-kind.yaml", QUIZ + ALIAS_BOMB, "YAML: has more than"),
    ("quizzes/every-kind.yaml", f'{QUIZ}description: "\\0"\n', "description: contains a NUL"),
    ("quizzes/every-kind.yaml", f"{QUIZ}opens_at: 2026-02-30T10:00:00Z\n", "YAML: invalid YAML"),
    ("quizzes/every-kind.yaml", "- slug: every-kind\n", "YAML: must be a mapping"),
]


@pytest.fixture
def tree(content_dir: Path) -> Path:
    write_questions(content_dir)
    return content_dir


def nothing_written() -> bool:
    return not any(
        model.objects.exists()
        for model in (Course, Chapter, Concept, Tag, Question, QuestionVersion, Quiz)
    )


@pytest.mark.parametrize(
    ("file", "text", "message"),
    CASES,
    ids=[f"{file}: {message[:50]}" for file, _, message in CASES],
)
def test_a_malformed_file_is_named_with_its_field_and_nothing_is_written(
    tree: Path, file: str, text: str, message: str
) -> None:
    (tree / file).write_text(text, encoding="utf-8", errors="surrogatepass")

    with pytest.raises(ContentInvalid) as caught:
        import_course(tree)

    errors = [str(e) for e in caught.value.errors]
    assert f"{file}: {message}" in "\n".join(errors), errors
    assert nothing_written()


def test_a_long_slug_still_leaves_room_for_a_chapter_tag_and_its_suffix() -> None:
    """Content slugs are limited below the slug columns, so a chapter tag `chapter-<slug>-2`
    always fits (courses.actions.own_chapter_tag)."""
    assert len(f"chapter-{'c' * SLUG_MAX}-99") <= max_length(Tag, "slug")


def test_texts_at_their_limits_are_imported_whole(tree: Path) -> None:
    (tree / "course.yaml").write_text(
        course_yaml(title="T" * 200, chapter_title="C" * 195), encoding="utf-8"
    )
    (tree / "concepts" / "alpha.md").write_text(concept_md(title="A" * 300), encoding="utf-8")

    import_course(tree)

    assert Course.objects.get().title == "T" * 200
    assert Concept.objects.get(slug="alpha").title == "A" * 300
    assert Tag.objects.get(chapter__slug="basics").name == "Ch.1 " + "C" * 195
