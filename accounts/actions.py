import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.roles import STUDENT, ensure_groups
from accounts.zones import SESSION_KEY


@transaction.atomic
def sign_up_student(username: str, email: str, password: str, *, active: bool = True) -> User:
    """Create a student account: the only role anyone can give themselves."""
    ensure_groups()
    user = User.objects.create_user(username=username, email=email, password=password)
    if not active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    user.groups.add(Group.objects.get(name=STUDENT))
    return user


@dataclass(frozen=True)
class Links:
    """Absolute URLs the sign-up e-mails point to, built by the view from its request."""

    activate: Callable[[str, str], str]  # (uidb64, token) → URL
    log_in: str
    reset_password: str


def _awaiting_activation(user: User) -> bool:
    return not user.is_active and user.last_login is None


def request_sign_up(username: str, email: str, password: str, links: Links) -> None:
    """Sign-up that never tells the person at the keyboard whether an account exists.

    Every outcome looks the same on the page ("check your e-mail"); the answer goes to the
    address typed, so only its owner learns it:
    - a new address and a free username: an inactive student account and an activation link;
    - an address of an active account: a notice to its owner (log in or reset the password);
    - an address whose account was never activated: that account takes the new username and
      password and a fresh link is sent (whoever typed the address first cannot squat it);
    - a username in use (any letter case): a note to choose another.
    An e-mail address belongs to one account at most, in any letter case; the database refuses
    a second one too (migration accounts 0001), so two simultaneous sign-ups make one account.
    """
    email = email.strip()
    outcome, user = _claim(username, email, password)
    context: dict[str, object] = {"username": username, "links": links}
    if outcome == "activate" and user is not None:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        context["activate_url"] = links.activate(uid, default_token_generator.make_token(user))
    subject = {
        "activate": "Activate your Stepwise account",
        "email_taken": "Someone tried to sign up to Stepwise with your address",
        "username_taken": "Choose another Stepwise username",
    }[outcome]
    body = render_to_string(f"registration/signup_email_{outcome}.txt", context)
    if _may_mail(email):
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])


# Sign-up mails to one address per hour: the form cannot become a way to flood someone's
# inbox. (The cache is per process unless CACHES says otherwise, so the bound is per worker.)
SIGN_UP_MAILS_PER_HOUR = 3


def _may_mail(email: str) -> bool:
    key = "sign-up-mails:" + hashlib.sha256(email.lower().encode()).hexdigest()
    cache.add(key, 0, timeout=3600)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        sent = 1
    return sent <= SIGN_UP_MAILS_PER_HOUR


def _claim(username: str, email: str, password: str) -> tuple[str, User | None]:
    with transaction.atomic():
        owner = User.objects.filter(email__iexact=email).first()
        if owner is not None and not _awaiting_activation(owner):
            return "email_taken", None
        others = User.objects.filter(username__iexact=username)
        if owner is not None:
            others = others.exclude(pk=owner.pk)
        if others.exists():
            return "username_taken", None
        try:
            with transaction.atomic():
                if owner is None:
                    return "activate", sign_up_student(username, email, password, active=False)
                owner.username = username
                owner.set_password(password)
                owner.save(update_fields=["username", "password"])
                return "activate", owner
        except IntegrityError:
            # Someone signed up with this address or username between the checks and the
            # insert; the unique indexes kept it to one account.
            if User.objects.filter(email__iexact=email).exists():
                return "email_taken", None
            return "username_taken", None


def activate_account(user: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])


def set_time_zone(user: User, time_zone: str, session: SessionBase | None = None) -> None:
    """Save the user's time-zone setting ("", "course" or a zone name, checked by the form)
    and copy it into `session`, where the time-zone middleware reads it."""
    from accounts.models import Profile

    Profile.objects.update_or_create(user=user, defaults={"time_zone": time_zone})
    if session is not None:
        session[SESSION_KEY] = time_zone


def remember_time_zone(sender: object, request: HttpRequest, user: User, **_: object) -> None:
    """At log-in (the `user_logged_in` signal): the profile's time zone into the session."""
    from accounts.models import Profile

    zone = Profile.objects.filter(user=user).values_list("time_zone", flat=True).first()
    if zone:
        request.session[SESSION_KEY] = zone
