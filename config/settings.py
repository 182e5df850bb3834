"""Stepwise settings: one module, driven by the environment.

Every value that differs between a laptop and production comes from an environment variable
(or a `.env` file in the repository root), parsed strictly by environs: `DEBUG=maybe` is an
error, not False.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from environs import Env

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
env.read_env(BASE_DIR / ".env", recurse=False)

DEBUG = env.bool("DEBUG", default=False)
# A development key is allowed only with DEBUG on; production must set SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="") or ("dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment (required when DEBUG is false).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.apps.StepwiseAdminConfig",  # django.contrib.admin, for the Admin role only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",  # login throttling per account and per address; admin unlock, `axes_reset`
    "accounts",
    "courses",
    "quizzes",
    "review",  # the review queue, decisions, re-grading runs, grading policy, the tasks
    "authoring",  # every page under /author/
    "learning",  # the learner model: evidence, mastery, review, practice (reads quizzes)
    "content_io",  # the course as files: import_content/export_content over courses and quizzes
    "insight",  # instructor insight: item statistics, roll-ups and flags over courses and quizzes
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.permissions_policy",
    "config.middleware.private_cache_for_signed_in_users",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into its page
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",  # {{ CSP_NONCE }} for an inline script
                "review.context_processors.notifications",  # the header's badge (no query)
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.dj_db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while one writer writes; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on busy_timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # Tests use a file, not memory: an in-memory test database is one connection shared by
    # every thread of the browser tests' live server, so two overlapping requests (an htmx
    # autosave and a click) would nest transactions. A file gives each thread its own, as in
    # production.
    # One file per test process, so two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"stepwise-test-{os.getpid()}.sqlite3")
    }
# Persistent connections on both databases (the test run sets CONN_MAX_AGE=0). On SQLite a
# new connection per request ran the three PRAGMAs above every time: about 1.5 ms of every
# request, the bare view's included (bench/page_speed.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes checks the throttle first, so a locked-out login never reaches the password hasher.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Permission checks read with the user's roles in one query (accounts/roles.py); then
    # Django's own, which logs people in and answers what the first did not.
    "accounts.roles.AccessBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After AXES_FAILURE_LIMIT failed log-ins from one address, or for one username, further
# attempts are refused for AXES_COOLOFF_MINUTES (an admin can unlock sooner: the admin's
# "Access attempts" page, or `manage.py axes_reset`).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_address"
# How many reverse proxies append to X-Forwarded-For in front of the app (0: none, trust only
# the connection's address). Behind one HTTPS proxy, set it to 1.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "courses:home"
LOGOUT_REDIRECT_URL = "courses:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_CONFIG = env.dj_email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Stepwise <noreply@localhost>")

# Django's cache: Redis when REDIS_URL is set (shared by every app-server process, e.g.
# redis://127.0.0.1:6379/0), the local-memory cache of each process otherwise. It holds drawings
# of the prerequisite graph keyed by the course's graph version (courses/graphcache.py), so
# neither backend can serve a drawing older than the data.
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "stepwise"}
    ),
    # Large values keyed by a version read from the database (graph drawings): each process
    # keeps its own copy in front of the shared cache, since a megabyte drawing costs more to
    # fetch from Redis than the page's target allows. Never stale: the key holds the version.
    # Without Redis this is the default cache's own store (same LOCATION), not a second copy.
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "stepwise-local" if REDIS_URL else "stepwise",
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
}

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# Security: strict in production, relaxed only where DEBUG says so.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
# Preloading is a promise to browsers that is slow to take back: only on request.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Trust X-Forwarded-Proto only behind a proxy that terminates TLS and sets that header itself;
# otherwise any client could claim to be on HTTPS.
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, images and fetches from our own origin only; no inline script or style
# (htmx's indicator style is turned off in base.html). An inline script would need the nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features the site never uses, refused for it and anything it might embed.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), midi=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), display-capture=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (403, 404…) is one warning line, not a traceback.
    "filters": {"no_client_error_traceback": {"()": "config.logging.NoClientErrorTraceback"}},
    "loggers": {
        "django.request": {"filters": ["no_client_error_traceback"]},
        "axes": {"level": "WARNING"},  # lock-outs; not a line for every log-in
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Free-text grading: grades less confident than this go to an instructor first (a course's
# grading policy can override it), and the optional chat-model grader's endpoint.
STEPWISE_REVIEW_THRESHOLD = env.float("STEPWISE_REVIEW_THRESHOLD", default=0.6)
STEPWISE_LLM_URL = env.str("STEPWISE_LLM_URL", default="")
STEPWISE_LLM_MODEL = env.str("STEPWISE_LLM_MODEL", default="")
STEPWISE_LLM_API_KEY = env.str("STEPWISE_LLM_API_KEY", default="")
STEPWISE_LLM_TIMEOUT = env.float("STEPWISE_LLM_TIMEOUT", default=30.0)

# The course that `make run` imports and the home page shows first.
STEPWISE_CONTENT_DIR = BASE_DIR / "content"

# Background tasks (manage.py task_worker): a task RUNNING longer than this lost its worker and
# goes back in the queue (checked at worker start and every SWEEP seconds); a written answer
# still awaiting the grader this long after submit shows in the review queue for a person.
STEPWISE_TASK_STALE_SECONDS = env.int("STEPWISE_TASK_STALE_SECONDS", default=300)
STEPWISE_TASK_SWEEP_SECONDS = env.int("STEPWISE_TASK_SWEEP_SECONDS", default=60)
STEPWISE_GRADER_WAIT_SECONDS = env.int("STEPWISE_GRADER_WAIT_SECONDS", default=600)

# Links other apps add to the course and chapter pages (courses/extensions.py): dotted paths of
# classes following courses.extensions.CoursePageLinks, shown in this order.
STEPWISE_COURSE_PAGE_EXTENSIONS = [
    "quizzes.extensions.QuizLinks",
    "learning.extensions.LearningLinks",
]
# Links the result page shows under a student's written answers (quizzes.extensions)
STEPWISE_RESULT_PAGE_EXTENSIONS = ["review.extensions.RegradeRequestLinks"]
# A part's graded answers from which the machine grades with what it learned (docs/review.md)
STEPWISE_LEARN_MIN_EXAMPLES = env.int("STEPWISE_LEARN_MIN_EXAMPLES", default=5)
# Doubt worth this many decisions: a learned grade's confidence is at most n / (n + this)
STEPWISE_LEARN_TRUST_PRIOR = env.float("STEPWISE_LEARN_TRUST_PRIOR", default=2.0)
# Regrade requests close this many days after the quiz closes (quizzes that never close: open)
STEPWISE_REGRADE_REQUEST_DAYS = env.int("STEPWISE_REGRADE_REQUEST_DAYS", default=14)
# The site's address, for links in e-mails
STEPWISE_SITE_URL = env.str("STEPWISE_SITE_URL", default="http://127.0.0.1:8000")

# What other apps add to the quiz pages instructors use (the results page, the quiz builder) and
# to the needs-tagging report (quizzes/extensions.py): dotted paths of classes following
# quizzes.extensions.InstructorExtension.
STEPWISE_INSTRUCTOR_EXTENSIONS = ["insight.extensions.InsightExtension"]
