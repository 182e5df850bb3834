from datetime import timedelta

from axes.helpers import get_cool_off
from axes.utils import reset as reset_login_failures
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_http_methods

from accounts.actions import Links, activate_account, request_sign_up, set_time_zone
from accounts.forms import SettingsForm, SignUpForm
from accounts.http import user_of

# login() needs to be told which backend vouched for the user: there are two (axes, then Django's).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        links = Links(
            activate=lambda uid, token: request.build_absolute_uri(
                reverse("activate", args=[uid, token])
            ),
            log_in=request.build_absolute_uri(reverse("login")),
            reset_password=request.build_absolute_uri(reverse("password_reset")),
        )
        request_sign_up(
            form.cleaned_data["username"],
            form.cleaned_data["email"],
            form.cleaned_data["password1"],
            links,
        )
        return redirect("signup_done")
    return render(request, "registration/signup.html", {"form": form})


def sign_up_done(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_done.html")


def _user_from_link(uidb64: str, token: str) -> User | None:
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=False)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if default_token_generator.check_token(user, token) else None


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A GET only shows a button (mail scanners follow links); the POST activates and logs in."""
    user = _user_from_link(uidb64, token)
    if user is None:
        return render(request, "registration/activate.html", {"valid": False}, status=400)
    if request.method == "POST":
        activate_account(user)
        login(request, user, backend=MODEL_BACKEND)
        return redirect("courses:home")
    return render(request, "registration/activate.html", {"valid": True, "user": user})


class ResetPasswordConfirmView(PasswordResetConfirmView):
    """Setting a new password through the e-mailed link proves the mailbox: it lifts the
    account's login throttle (the address's throttle stays)."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        reset_login_failures(username=form.user.get_username())
        return response


def _minutes(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: dict[str, str] | None
) -> HttpResponse:
    """Axes' answer to a throttled login: the login page again, saying for how long (429)."""
    cool_off = get_cool_off(request)
    wait = f"Try again in {_minutes(cool_off)}" if cool_off else "Ask an administrator"
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username")})
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "locked_out": (
                "Too many failed log-ins for this account or from this address. "
                f"{wait}, or reset your password by e-mail."
            ),
            "next": request.POST.get("next", ""),
        },
        status=429,
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    """The viewer's own settings: the time zone times are shown in (accounts/zones.py)."""
    from accounts.models import Profile

    user = user_of(request)
    current = Profile.objects.filter(user=user).values_list("time_zone", flat=True).first()
    form = SettingsForm(request.POST or None, initial={"time_zone": current or ""})
    if request.method == "POST":
        if form.is_valid():
            set_time_zone(user, form.cleaned_data["time_zone"], request.session)
            messages.success(request, "Your settings are saved.")
            return redirect("account_settings")
        return render(request, "registration/settings.html", {"form": form}, status=422)
    return render(request, "registration/settings.html", {"form": form})
