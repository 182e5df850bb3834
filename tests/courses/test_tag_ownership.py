"""A course's own tags (its course tag and its chapters' tags) belong to it: importing another
course never renames, moves or takes them over, in either order, and the first course still
exports and re-imports byte for byte. A course slug that is already another tag's slug, or a
tags.yaml tag that is already a course's own tag, is refused with the owner named."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from content_io.course import export_course, import_course
from courses.actions import course_tags
from courses.content import ContentInvalid
from courses.models import Chapter, Course, Tag
from quizzes.models import DrawRule, Question

pytestmark = pytest.mark.django_db


def write_second_course(root: Path, *, slug: str = "second-course") -> Path:
    """Another course whose first chapter is also called `advanced` (the demo course's second),
    under another title; its question and quiz name that chapter's tag."""
    (root / "concepts").mkdir(parents=True)
    (root / "course.yaml").write_text(
        textwrap.dedent(
            f"""\
            slug: {slug}
            title: Second Course
            chapters:
              - slug: advanced
                title: Advanced Topics Elsewhere
            """
        ),
        encoding="utf-8",
    )
    (root / "concepts" / "delta.md").write_text(
        "---\nslug: delta\ntitle: Delta\nchapter: advanced\nsummary: Delta.\n---\nBody.\n",
        encoding="utf-8",
    )
    write_tagged_question(root, "delta", "chapter-advanced")
    return root


def write_tagged_question(root: Path, concept: str, tag: str) -> None:
    (root / "questions").mkdir(exist_ok=True)
    (root / "questions" / "tagged.md").write_text(
        textwrap.dedent(
            f"""\
            ---
            slug: tagged
            title: Tagged with a chapter
            bloom: remember
            concepts: [{concept}]
            tags: [{tag}]
            parts:
              - id: c
                kind: true_false
                prompt: True?
                options:
                  - {{id: "true", text: "True", correct: true}}
                  - {{id: "false", text: "False", correct: false}}
            ---
            Stem.
            """
        ),
        encoding="utf-8",
    )
    (root / "quizzes").mkdir(exist_ok=True)
    (root / "quizzes" / "by-chapter-tag.yaml").write_text(
        f"slug: by-chapter-tag\ntitle: By chapter tag\ndraw:\n  - count: 1\n    tag: {tag}\n",
        encoding="utf-8",
    )


@pytest.fixture
def first(content_dir: Path) -> Path:
    write_tagged_question(content_dir, "gamma", "chapter-advanced")
    return content_dir


def chapter_tag(course: str, chapter: str) -> Tag:
    return Tag.objects.get(
        kind=Tag.Kind.CHAPTER, chapter__course__slug=course, chapter__slug=chapter
    )


def assert_round_trips(course_slug: str, tmp_path: Path) -> None:
    """Export, import that export (no change), export again: the same bytes."""
    one, two = tmp_path / f"{course_slug}-1", tmp_path / f"{course_slug}-2"
    export_course(Course.objects.get(slug=course_slug), one)
    assert import_course(one).changes == 0
    export_course(Course.objects.get(slug=course_slug), two)
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


@pytest.mark.parametrize("order", ["first-then-second", "second-then-first"])
def test_two_courses_with_a_chapter_of_the_same_slug_keep_their_own_chapter_tags(
    first: Path, tmp_path: Path, order: str
) -> None:
    second = write_second_course(tmp_path / "second")
    for root in [first, second] if order == "first-then-second" else [second, first]:
        import_course(root)

    mine, theirs = chapter_tag("demo-course", "advanced"), chapter_tag("second-course", "advanced")
    assert mine.pk != theirs.pk and mine.slug != theirs.slug
    assert (mine.name, mine.parent) == ("Ch.2 Advanced", Tag.objects.get(slug="demo-course"))
    assert (theirs.name, theirs.parent) == (
        "Ch.1 Advanced Topics Elsewhere",
        Tag.objects.get(slug="second-course"),
    )
    for course, tag in (("demo-course", mine), ("second-course", theirs)):
        question = Question.objects.get(course__slug=course, slug="tagged")
        assert list(question.tags.all()) == [tag]
        assert DrawRule.objects.get(quiz__course__slug=course).tag == tag
    # Importing either again changes nothing of the other.
    assert import_course(first).changes == 0
    assert import_course(second).changes == 0
    assert_round_trips("demo-course", tmp_path)
    assert_round_trips("second-course", tmp_path)
    exported = tmp_path / "demo-course-1" / "questions" / "tagged.md"
    assert "tags:\n  - chapter-advanced\n" in exported.read_text(encoding="utf-8")


def test_a_course_slugged_like_an_existing_tag_is_refused_and_the_tag_kept(
    first: Path, tmp_path: Path
) -> None:
    import_course(first)
    second = write_second_course(tmp_path / "second", slug="computing")

    with pytest.raises(ContentInvalid) as caught:
        import_course(second)

    assert (
        "course.yaml: slug: 'computing' is already the slug of the tag 'Computing' (Discipline)"
        in str(caught.value)
    )
    computing = Tag.objects.get(slug="computing")
    assert (computing.kind, computing.course, computing.parent) == (
        Tag.Kind.DISCIPLINE,
        None,
        Tag.objects.get(slug="science"),
    )
    assert not Course.objects.filter(slug="computing").exists()
    assert_round_trips("demo-course", tmp_path)


def test_a_file_tag_named_like_another_courses_own_tag_is_refused_and_that_tag_kept(
    first: Path, tmp_path: Path
) -> None:
    import_course(write_second_course(tmp_path / "second", slug="computing"))

    with pytest.raises(ContentInvalid) as caught:
        import_course(first)

    assert (
        "tags.yaml: tags[1].slug: 'computing' is the course tag of the course 'computing'"
        in str(caught.value)
    )
    tag = Tag.objects.get(slug="computing")
    assert (tag.kind, tag.course) == (Tag.Kind.COURSE, Course.objects.get(slug="computing"))
    assert not Course.objects.filter(slug="demo-course").exists()


def test_a_course_made_outside_the_import_never_takes_over_a_tag_of_its_slug(
    first: Path,
) -> None:
    """The concept editor gives a new concept its course and chapter tags too (a course made in
    the admin has none yet): they are made beside the tags of the same slugs, not over them."""
    import_course(first)
    course = Course.objects.create(slug="computing", title="Computing Course")
    chapter = Chapter.objects.create(course=course, slug="basics", title="Basics", position=1)

    made_course_tag, made_chapter_tag = course_tags(course, chapter)

    assert (made_course_tag.slug, made_course_tag.course) == ("computing-2", course)
    assert (made_chapter_tag.slug, made_chapter_tag.chapter) == ("chapter-basics-2", chapter)
    assert (made_course_tag.content_name, made_chapter_tag.content_name) == (
        "computing",
        "chapter-basics",
    )
    assert Tag.objects.get(slug="computing").kind == Tag.Kind.DISCIPLINE
    assert chapter_tag("demo-course", "basics").slug == "chapter-basics"
