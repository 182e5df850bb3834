"""Page speed next to a bare Django view, served by gunicorn as production serves the project.

    .venv/bin/python bench/page_speed.py [--postgres] [--seconds 4] [--clients 3]

1. Prepares a fresh database (a SQLite file in a temp dir, or with --postgres the PostgreSQL
   database `stepwise_speed_bench` on 127.0.0.1:5432, user postgres, dropped and created),
   migrates, imports content/, creates a student, an instructor of the course and 30 classmates,
   and two quizzes over the same 20 published questions of every kind: one question per page
   and all on one page. The student has an open attempt at each and a submitted one (the
   results page); the classmates' submitted attempts fill the review queue. Then ANALYZE, so
   the planner has the statistics a live database has.
2. Runs collectstatic and starts gunicorn with the production settings (DEBUG off, 2 sync
   workers, whitenoise, the same middleware) plus one bare view returning "hello"
   (`bench/speed_settings.py`, `bench/speed_urls.py`), its access log timing every request.
3. Drives each page in turn for --seconds with --clients threads, as the logged-in student (the
   review queue as the instructor), and reads the server-side time of every request from
   gunicorn's access log.
4. Prints, per page, the server-side mean and median time and the fraction of the bare view's
   throughput (bare view's mean time ÷ the page's mean time: how many of this page a worker
   serves in the time it serves one bare view), with the target when the issue sets one; and
   the same from the worker's CPU time per request (`bench/speed_middleware.py`), which a
   machine busy with other work disturbs far less than wall-clock time.

Only 127.0.0.1 is contacted. Exits non-zero on any failed request.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_quiz import build_answer, clean_up, free_port, reset_postgres, run_cmd, stop, wait_ready

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
COURSE = "foundations-of-llms"
PASSWORD = "speed-bench-pass-5521"
PG_DB = os.environ.get("SPEED_BENCH_DB", "stepwise_speed_bench")  # one per concurrent run
ACCESS_FORMAT = "%({x-bench-page}i)s %(s)s %(D)s %({x-bench-cpu-us}o)s"
QUESTIONS = 20
CLASSMATES = 30

# page → the fraction of the bare view's throughput the issue asks for
TARGETS = {
    "home": 0.25,
    "concept page": 0.15,
    "one-question page": 0.10,
    "20-question page": 0.05,
    "autosave POST (htmx)": 0.20,
    "results page": 0.10,
    "review queue": 0.10,
}


# --------------------------------------------------------------------------------------------
# Django side: runs in a subprocess with the bench environment (`--django-task setup`).
# --------------------------------------------------------------------------------------------


def _respond(part: Any, rng: random.Random) -> dict[str, Any] | None:
    """A plausible stored response to a typed part (choice and free text; others left blank)."""
    from quizzes.parts import ChoicePart, FreeTextPart

    if isinstance(part, ChoicePart):
        return {"selected": [rng.choice(part.options).id]}
    if isinstance(part, FreeTextPart):
        return {
            "text": rng.choice(
                [
                    "Attention lets every token weigh the earlier tokens, so the model can use "
                    "the whole context when it predicts the next one.",
                    "Because the tokenizer splits rare words into pieces, the model sees more "
                    "tokens and the context window fills sooner.",
                    "It depends on the temperature.",
                ]
            )
        }
    return None


def task_setup() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from accounts.roles import INSTRUCTOR, STUDENT, ensure_groups
    from courses.models import Concept, Course
    from quizzes import actions
    from quizzes.models import CHOICE_KINDS, Question, Quiz, QuizItem

    try:
        from review import actions as review
    except ImportError:  # the commit before the review room existed (the "before" figures)
        from quizzes import review  # type: ignore[attr-defined,no-redef]

    course = Course.objects.get(slug=COURSE)
    ensure_groups()
    hashed = make_password(PASSWORD)
    student = User.objects.create(username="speedstudent", password=hashed)
    instructor = User.objects.create(username="speedinstructor", password=hashed, is_staff=True)
    classmates = User.objects.bulk_create(
        [User(username=f"speedmate{i:03d}", password=hashed) for i in range(CLASSMATES)]
    )
    student.groups.add(Group.objects.get(name=STUDENT))
    instructor.groups.add(Group.objects.get(name=INSTRUCTOR))
    course.staff.add(instructor)
    for mate in classmates:
        mate.groups.add(Group.objects.get(name=STUDENT))

    published = list(
        Question.objects.filter(
            course=course, status=Question.Status.PUBLISHED, current__isnull=False
        )
        .select_related("current")
        .order_by("slug")
    )
    rng = random.Random(13)
    chosen = rng.sample(published, QUESTIONS)
    # The first question of the one-per-page quiz is a single-part choice question: the page
    # and the autosave that are timed.
    first = next(
        q
        for q in published
        if q.current is not None
        and len(q.current.typed_parts) == 1
        and q.current.typed_parts[0].kind in CHOICE_KINDS
    )
    if first in chosen:
        chosen.remove(first)
    else:
        chosen.pop()
    chosen.insert(0, first)
    kinds = sorted({p.kind for q in chosen if q.current for p in q.current.typed_parts})

    def quiz(slug: str, layout: str) -> Quiz:
        made = Quiz.objects.create(
            course=course,
            slug=slug,
            title=f"Speed bench ({slug})",
            shuffle_questions=False,
            shuffle_options=True,
            time_limit_minutes=None,
            max_attempts=None,
            feedback=Quiz.Feedback.AFTER_SUBMIT,
            layout=layout,
        )
        QuizItem.objects.bulk_create(
            [QuizItem(quiz=made, question=q, position=n) for n, q in enumerate(chosen, start=1)]
        )
        return made

    one = quiz("speed-one", Quiz.Layout.ONE_PER_PAGE)
    every = quiz("speed-all", Quiz.Layout.ALL_ON_ONE)

    def take(user: User) -> int:
        attempt = actions.start_attempt(every, user)
        for item in attempt.items.select_related("version"):
            responses = {
                p.id: r for p in item.version.typed_parts if (r := _respond(p, rng)) is not None
            }
            if responses:
                actions.save_answers(attempt, item, responses)
        actions.submit_attempt(attempt)
        review.grade_attempt_free_text(attempt.pk)  # what the task worker would do
        return attempt.pk

    submitted = take(student)
    for mate in classmates:
        take(mate)
    open_one = actions.start_attempt(one, student)
    open_all = actions.start_attempt(every, student)
    concept = (
        Concept.objects.filter(course=course, status=Concept.Status.PUBLISHED)
        .order_by("-body")  # any fixed choice; a concept with a full body
        .first()
    )
    assert concept is not None
    from django.db import connection

    from quizzes.models import Answer

    # Planner statistics, as a live database has them (PostgreSQL's autovacuum, SQLite's
    # `PRAGMA optimize`). Without them the planner guesses for the tables just filled, and
    # autovacuum may analyse them part way through the run, changing plans (and times) mid-run.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    return {
        "course": course.slug,
        "concept": concept.slug,
        "one": open_one.pk,
        "all": open_all.pk,
        "result": submitted,
        "kinds": kinds,
        "in_review": Answer.objects.filter(status=Answer.Status.REVIEW).count(),
    }


# --------------------------------------------------------------------------------------------
# Client side.
# --------------------------------------------------------------------------------------------


@dataclass
class Client:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        page: str = "-",
        data: list[tuple[str, str]] | dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        body = urlencode(data, doseq=True).encode() if data is not None else None
        hdrs = {"Host": f"127.0.0.1:{self.port}", "X-Bench-Page": page.replace(" ", "_")}
        if body is not None:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        hdrs.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for raw in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = raw.partition("=")
            value = rest.split(";", 1)[0]
            if value and value != '""':
                self.cookies[name.strip()] = value
        return resp.status, text

    def login(self, username: str) -> None:
        self.request("GET", "/accounts/login/")
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"could not log in as {username} (HTTP {status})")


@dataclass
class Page:
    name: str
    method: str
    path: str
    client: Client
    data: list[tuple[str, str]] | None = None
    headers: dict[str, str] | None = None
    expect: str = ""


def drive(page: Page, seconds: float, clients: int) -> tuple[int, list[str]]:
    """Request `page` from `clients` threads for `seconds`; (requests, failures)."""
    end = time.monotonic() + seconds
    count = 0
    failures: list[str] = []
    lock = threading.Lock()

    def loop() -> None:
        nonlocal count
        while time.monotonic() < end:
            status, body = page.client.request(
                page.method, page.path, page.name, page.data, page.headers
            )
            with lock:
                count += 1
                if status != 200 or (page.expect and page.expect not in body):
                    failures.append(f"{page.name}: HTTP {status}")

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count, failures


def server_times(log: Path) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Per page, the wall-clock time of each request in a worker and its CPU time (ms)."""
    wall: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    for line in log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2].isdigit() and parts[0] != "-":
            wall[parts[0].replace("_", " ")].append(int(parts[2]) / 1000)
            if parts[3].isdigit():
                cpu[parts[0].replace("_", " ")].append(int(parts[3]) / 1000)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help=f"use database {PG_DB}")
    parser.add_argument("--seconds", type=float, default=4, help="per page")
    parser.add_argument("--clients", type=int, default=3, help="client threads per page")
    parser.add_argument("--rounds", type=int, default=1, help="drive every page this often")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--django-task", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.django_task:
        print(json.dumps(task_setup()))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="stepwise_speed_"))
    db_url = (
        f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
        if args.postgres
        else f"sqlite:///{tmp / 'db.sqlite3'}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "speed-bench",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": db_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    engine = "PostgreSQL" if args.postgres else "SQLite (WAL)"
    print(f"Stepwise page speed: {engine}, gunicorn 2 sync workers, {args.clients} clients")
    print("Setup:")
    proc: subprocess.Popen[bytes] | None = None
    try:
        if args.postgres:
            reset_postgres(db=PG_DB)
        py = str(PYTHON)
        run_cmd([py, "manage.py", "migrate", "--noinput"], env, "migrate")
        run_cmd([py, "manage.py", "import_content", "content/"], env, "import_content content/")
        out = run_cmd([py, __file__, "--django-task", "setup"], env, "accounts, quizzes, attempts")
        made = json.loads(out.strip().splitlines()[-1])
        print(f"  20 questions of kinds {made['kinds']}; answers in review {made['in_review']}")
        run_cmd([py, "manage.py", "collectstatic", "--noinput"], env, "collectstatic")

        port = free_port()
        log = tmp / "access.log"
        proc = subprocess.Popen(
            [
                str(GUNICORN),
                "config.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                str(log),
                "--access-logformat",
                ACCESS_FORMAT,
                "--error-logfile",
                str(tmp / "gunicorn.log"),
            ],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "bench.speed_settings"},
            start_new_session=True,
        )
        wait_ready(proc, port, seconds=60)
        student, instructor = Client(port), Client(port)
        student.login("speedstudent")
        instructor.login("speedinstructor")

        one, every = f"/attempts/{made['one']}/", f"/attempts/{made['all']}/"
        status, body = student.request("GET", f"{one}?n=1")
        fields, _expected = build_answer(body, 1, random.Random(1))
        if status != 200 or not fields:
            raise SystemExit(f"the one-question page gave no answer inputs (HTTP {status})")
        autosave_headers = {
            "HX-Request": "true",
            "HX-Current-URL": f"http://127.0.0.1:{port}{one}?n=1",
            "X-CSRFToken": student.cookies["csrftoken"],
        }
        course = made["course"]
        pages = [
            Page("bare view", "GET", "/bench-hello/", student, expect="hello"),
            Page("home", "GET", "/", student),
            Page("concept page", "GET", f"/courses/{course}/concepts/{made['concept']}/", student),
            Page("course graph", "GET", f"/courses/{course}/graph/", student),
            Page("one-question page", "GET", f"{one}?n=1", student, expect="question 1 of"),
            Page("20-question page", "GET", every, student),
            Page(
                "autosave POST (htmx)",
                "POST",
                one,
                student,
                [("position", "1"), *fields],
                autosave_headers,
                expect="Saved at",
            ),
            Page("results page", "GET", f"/attempts/{made['result']}/result/", student),
            Page("review queue", "GET", "/review/", instructor),
        ]
        for page in pages:  # warm both workers (templates, connections) before timing
            for _ in range(6):
                page.client.request(page.method, page.path, "-", page.data, page.headers)
        time.sleep(0.3)
        log.write_text("")
        counts: dict[str, int] = defaultdict(int)
        failures: list[str] = []
        for _round in range(args.rounds):
            for page in pages:
                n, failed = drive(page, args.seconds, args.clients)
                counts[page.name] += n
                failures += failed
        time.sleep(0.5)  # let gunicorn write the last lines
        stop(proc)
        times, cpu = server_times(log)
        bare = statistics.fmean(times["bare view"])
        bare_cpu = statistics.fmean(cpu["bare view"] or [float("nan")])
        print(
            f"\n{'':<24}{'':>9}{'server-side wall clock':>32}   {'CPU time of the worker':>24}"
        )
        print(
            f"{'page':<24}{'requests':>9}{'mean ms':>9}{'median':>8}{'of bare':>9}{'':>6}"
            f"{'mean ms':>9}{'of bare':>9}{'':>6}  target"
        )
        met = True  # by the measure: the server-side mean time
        met_cpu = True  # by the worker's CPU time (less disturbed by other work on the machine)
        for page in pages:
            ms = times.get(page.name) or [float("nan")]
            cms = cpu.get(page.name) or [float("nan")]
            mean, cpu_mean = statistics.fmean(ms), statistics.fmean(cms)
            fraction, cpu_fraction = bare / mean, bare_cpu / cpu_mean
            target = TARGETS.get(page.name)
            marks = ["", ""]
            if target is not None:
                for i, f in enumerate((fraction, cpu_fraction)):
                    ok = f >= target
                    if i == 0:
                        met &= ok
                    else:
                        met_cpu &= ok
                    marks[i] = "met" if ok else "MISSED"
            print(
                f"{page.name:<24}{len(ms):>9}{mean:>9.2f}{statistics.median(ms):>8.2f}"
                f"{fraction:>9.3f}{marks[0]:>6}{cpu_mean:>9.2f}{cpu_fraction:>9.3f}{marks[1]:>6}"
                f"  {f'≥ {target:.2f}' if target else ''}"
            )
        print(f"\nfailed requests: {len(failures)}")
        for what in sorted(set(failures))[:10]:
            print(f"  {what}")
        print(f"every target met (server-side mean time): {'yes' if met else 'no'}")
        print(f"every target met by CPU time too: {'yes' if met_cpu else 'no'}")
        return 0 if not failures else 1
    finally:
        if proc is not None:
            stop(proc)
        clean_up(tmp, args.keep_db, args.postgres, PG_DB)


if __name__ == "__main__":
    sys.exit(main())
