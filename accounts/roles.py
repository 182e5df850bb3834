"""The three roles: Student, Instructor, Admin, as Django groups with their permissions."""

from django.contrib.auth.models import Group, Permission

STUDENT = "Student"
INSTRUCTOR = "Instructor"
ADMIN = "Admin"

# app_label → model names whose add/change/delete/view permissions each role gets.
_INSTRUCTOR_MODELS = {
    "courses": ["concept", "prerequisite", "chapter"],
    "quizzes": ["question", "questionversion", "part", "quiz", "rubric", "attempt", "answer"],
}
_ADMIN_APPS = ["courses", "quizzes"]


def ensure_groups(**_: object) -> None:
    """Create or refresh the role groups. Idempotent; runs after every migrate."""
    Group.objects.get_or_create(name=STUDENT)
    instructor, _created = Group.objects.get_or_create(name=INSTRUCTOR)
    perms = Permission.objects.filter(
        content_type__app_label__in=list(_INSTRUCTOR_MODELS)
    ).select_related("content_type")
    instructor.permissions.set(
        [p for p in perms if p.content_type.model in _INSTRUCTOR_MODELS[p.content_type.app_label]]
        + [
            p
            for p in perms
            if p.content_type.app_label == "courses" and p.codename.startswith("view_")
        ]
    )
    admin, _created = Group.objects.get_or_create(name=ADMIN)
    admin.permissions.set(
        Permission.objects.filter(content_type__app_label__in=_ADMIN_APPS)
        | Permission.objects.filter(content_type__app_label="auth", codename__startswith="view_")
        # Login throttling: see the attempts and unlock (delete them)
        | Permission.objects.filter(content_type__app_label="axes")
    )
