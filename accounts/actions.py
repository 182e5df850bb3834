from django.contrib.auth.models import Group, User
from django.db import transaction

from accounts.roles import STUDENT, ensure_groups


@transaction.atomic
def sign_up_student(username: str, email: str, password: str) -> User:
    """Create a student account: the only role anyone can give themselves."""
    ensure_groups()
    user = User.objects.create_user(username=username, email=email, password=password)
    user.groups.add(Group.objects.get(name=STUDENT))
    return user
