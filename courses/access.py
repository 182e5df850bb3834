"""One access function per object type: fetch with what the page needs, or 404."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from courses.models import Chapter, Concept, Course, Tag


def access_course(slug: str) -> Course:
    return get_object_or_404(Course, slug=slug)


def access_chapter(course_slug: str, slug: str) -> Chapter:
    return get_object_or_404(
        Chapter.objects.select_related("course"), course__slug=course_slug, slug=slug
    )


def access_concept(course_slug: str, slug: str) -> Concept:
    """A published concept (drafts are seen only in the authoring pages)."""
    return get_object_or_404(
        Concept.objects.select_related("course", "chapter"),
        course__slug=course_slug,
        slug=slug,
        status=Concept.Status.PUBLISHED,
    )


def access_authored_course(user: AbstractBaseUser | AnonymousUser, course_slug: str) -> Course:
    """A course the user may author. Raises PermissionDenied for anyone who authors nothing
    (students), and 404 for a course that is missing or not theirs."""
    from accounts.roles import can_author_anything
    from courses.permissions import authored_courses

    if not can_author_anything(user):
        raise PermissionDenied
    return get_object_or_404(authored_courses(user), slug=course_slug)


def access_authored_concept(
    user: AbstractBaseUser | AnonymousUser, course_slug: str, slug: str
) -> Concept:
    course = access_authored_course(user, course_slug)
    return get_object_or_404(
        Concept.objects.select_related("course", "chapter"), course=course, slug=slug
    )


def access_tag(slug: str) -> Tag:
    """A tag, as its public page shows it."""
    return get_object_or_404(Tag.objects.select_related("parent"), slug=slug)


def access_tag_for_admin(user: AbstractBaseUser | AnonymousUser, slug: str) -> Tag:
    """A tag to edit, merge or delete: admins only (403 for anyone else), 404 if missing."""
    require_admin(user)
    return access_tag(slug)


def require_admin(user: AbstractBaseUser | AnonymousUser) -> None:
    """Refuse (403) anyone but an admin: the tag pages that fetch no tag check this alone."""
    from accounts.roles import is_admin

    if not is_admin(user):
        raise PermissionDenied
