from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand

from accounts.roles import ADMIN, INSTRUCTOR, STUDENT, ensure_groups
from courses.models import Course

# Local demo accounts only: `make run` creates them on a developer's SQLite database.
DEMO_ACCOUNTS = [
    # username, password, group, is_staff, is_superuser
    ("student", "student-demo-pass", STUDENT, False, False),
    ("instructor", "instructor-demo-pass", INSTRUCTOR, True, False),
    ("admin", "admin-demo-pass", ADMIN, True, True),
]


class Command(BaseCommand):
    help = "Create (or reset) the local demo accounts and print their passwords."

    def handle(self, *args: object, **options: object) -> None:
        ensure_groups()
        self.stdout.write("Demo accounts (local use only):")
        for username, password, group, is_staff, is_superuser in DEMO_ACCOUNTS:
            user, _created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            user.is_staff = is_staff
            user.is_superuser = is_superuser
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=group)])
            if group == INSTRUCTOR:
                # Through the forward relation, which type-checks without the plugin's help.
                for course in Course.objects.exclude(staff=user):
                    course.staff.add(user)
            self.stdout.write(f"  {group:<11} username: {username:<11} password: {password}")
