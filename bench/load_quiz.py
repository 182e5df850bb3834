"""Load benchmark: many students take a 20-question quiz at once against a real gunicorn.

    .venv/bin/python bench/load_quiz.py [--students 200] [--concurrency 50] [--postgres]
                                        [--think-ms 1500 --login-first] [--servers 2]

1. Prepares a fresh database (a SQLite file in a temp dir, or with --postgres the PostgreSQL
   database `stepwise_load` on 127.0.0.1:5432, user postgres, dropped and created), migrates,
   imports content/, bulk-creates the student accounts (one password hash shared by all) and a
   quiz of 20 fixed single-part choice questions (shuffled, one per page, no time limit).
2. Runs collectstatic (whitenoise's manifest storage needs it with DEBUG off) and starts
   gunicorn on 127.0.0.1 with production-like settings, an access log timing every request.
   With --servers N, N separate gunicorns on N ports (student i uses server i mod N, so one
   student's requests all go to one server, and the class is spread across all): nothing may
   depend on one process's memory (sessions, caches, locks).
3. Each simulated student logs in, starts the quiz, and for every question GETs the page and
   sends the htmx autosave POST with an answer picked from the options in the HTML; then GETs
   the summary and submits. `--concurrency` students run at the same time, back to back (a
   closed loop: no think time unless --think-ms is given).
4. Prints request counts, errors by kind and latency percentiles (client-side, and server-side
   from gunicorn's access log), then checks the database: every attempt submitted once, and
   every autosave that returned 200 stored exactly the answer sent (zero lost answers).
5. Stops gunicorn, removes the temp dir (and the PostgreSQL database unless --keep-db) and exits
   non-zero on any error or lost answer.

Only 127.0.0.1 is contacted. The run is bounded by --students and by --max-seconds.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import html
import http.client
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
COURSE = "foundations-of-llms"
QUIZ = "load-bench"
PASSWORD = "load-bench-pass-7319"  # shared by every bench account, hashed once
PG_DB = "stepwise_load"
PG_DSN = "host=127.0.0.1 port=5432 user=postgres"
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s %({hx-request}i)s"

# What a request is, for the report: (method, path pattern, htmx?) → kind.
KINDS = (
    "login GET",
    "login POST",
    "start POST",
    "page GET",
    "autosave POST",
    "summary GET",
    "submit POST",
)


# --------------------------------------------------------------------------------------------
# Django side: runs in a subprocess with the bench environment (`--django-task ...`).
# --------------------------------------------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def task_setup(students: int, questions: int) -> dict[str, Any]:
    _django()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User
    from django.db import transaction

    from accounts.roles import STUDENT, ensure_groups
    from courses.models import Course
    from quizzes.models import CHOICE_KINDS, Question, Quiz, QuizItem

    course = Course.objects.get(slug=COURSE)
    hashed = make_password(PASSWORD)  # one slow hash, shared by every account
    eligible = [
        q
        for q in Question.objects.filter(
            course=course, status=Question.Status.PUBLISHED, current__isnull=False
        )
        .select_related("current")
        .order_by("slug")
        if q.current is not None
        and len(q.current.parts) == 1
        and q.current.typed_parts[0].kind in CHOICE_KINDS
    ]
    if len(eligible) < questions:
        raise SystemExit(f"only {len(eligible)} single-part choice questions; need {questions}")
    chosen = random.Random(20).sample(eligible, questions)
    with transaction.atomic():
        ensure_groups()
        users = User.objects.bulk_create(
            [
                User(
                    username=f"loadstudent{i:04d}",
                    email=f"loadstudent{i:04d}@example.com",
                    password=hashed,
                )
                for i in range(students)
            ]
        )
        group = Group.objects.get(name=STUDENT)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users]
        )
        quiz = Quiz.objects.create(
            course=course,
            slug=QUIZ,
            title="Load benchmark quiz",
            shuffle_questions=True,
            shuffle_options=True,
            time_limit_minutes=None,
            max_attempts=None,
            feedback=Quiz.Feedback.AFTER_SUBMIT,
            layout=Quiz.Layout.ONE_PER_PAGE,
        )
        QuizItem.objects.bulk_create(
            [QuizItem(quiz=quiz, question=q, position=n) for n, q in enumerate(chosen, start=1)]
        )
    kinds = Counter(q.current.typed_parts[0].kind for q in chosen if q.current is not None)
    return {
        "users": len(users),
        "questions": len(chosen),
        "kinds": dict(kinds),
        "eligible": len(eligible),
    }


def _nonempty(response: dict[str, Any]) -> bool:
    return any(response.get(k) for k in ("selected", "matches", "order", "text"))


def task_check(expected_path: str, questions: int) -> dict[str, Any]:
    """Compare the database with what the clients were told was saved."""
    _django()
    from django.db.models import Count

    from quizzes.models import Answer, Attempt, Quiz

    expected = json.loads(Path(expected_path).read_text())
    quiz = Quiz.objects.get(slug=QUIZ, course__slug=COURSE)
    attempts = list(
        Attempt.objects.filter(quiz=quiz).select_related("student").annotate(n_items=Count("items"))
    )
    per_student = Counter(a.student.username for a in attempts)
    stored = {
        (a.item.attempt_id, a.item.position, a.part_id): a
        for a in Answer.objects.filter(item__attempt__quiz=quiz).select_related("item")
    }
    saved = {k: a for k, a in stored.items() if _nonempty(a.response)}
    lost, wrong = [], []
    seen = set()
    for e in expected["autosaves"]:
        key = (e["attempt"], e["position"], e["part"])
        seen.add(key)
        answer = saved.get(key)
        if answer is None:
            lost.append(key)
        elif e["response"] is not None and answer.response != e["response"]:
            wrong.append({"key": key, "sent": e["response"], "stored": answer.response})
    extra = [k for k in saved if k not in seen]
    return {
        "attempts": len(attempts),
        "students_with_attempts": len(per_student),
        "students_with_more_than_one": sum(1 for n in per_student.values() if n > 1),
        "submitted": sum(1 for a in attempts if a.submitted_at is not None),
        "scored": sum(1 for a in attempts if a.score is not None and a.max_score),
        "wrong_item_count": sum(1 for a in attempts if a.n_items != questions),
        "submit_redirects": expected["submits_ok"],
        "answers_rows": len(stored),
        "answers_saved": len(saved),
        "answers_not_graded": sum(1 for a in stored.values() if a.status != Answer.Status.GRADED),
        "autosaves_200": len(expected["autosaves"]),
        "lost": len(lost),
        "lost_examples": lost[:5],
        "wrong": len(wrong),
        "wrong_examples": wrong[:5],
        "extra": len(extra),
    }


# --------------------------------------------------------------------------------------------
# Client side: plain http.client, one connection per request (gunicorn's sync workers close it).
# --------------------------------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.requests = 0
        self.errors: Counter[str] = Counter()
        self.autosaves: list[dict[str, Any]] = []
        self.autosave_200 = 0
        self.submits_ok = 0
        self.students_done = 0
        self.students_aborted = 0

    def record(self, kind: str, ms: float | None) -> None:
        with self.lock:
            self.requests += 1
            if ms is not None:
                self.latency[kind].append(ms)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] += 1


@dataclass
class Response:
    status: int
    location: str
    body: str


class Abort(Exception):
    """This student cannot go on (login, start or submit failed)."""


@dataclass
class Student:
    username: str
    port: int
    stats: Stats
    rng: random.Random
    timeout: float
    deadline: float
    think: float
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        data: dict[str, Any] | list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        if time.monotonic() > self.deadline:
            self.stats.error(f"{kind}: run time limit reached")
            raise Abort("time limit")
        body = urlencode(data, doseq=True).encode() if data is not None else None
        hdrs = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "stepwise-load-bench"}
        if body is not None:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        hdrs.update(headers or {})
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.stats.record(kind, None)
            self.stats.error(f"{kind}: {type(exc).__name__}")
            raise Abort(str(exc)) from exc
        finally:
            conn.close()
        ms = (time.perf_counter() - start) * 1000
        self.stats.record(kind, ms)
        for raw in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = raw.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in raw.lower() or not value or value == '""':
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        if resp.status >= 400:
            self.stats.error(f"{kind}: HTTP {resp.status}")
        return Response(resp.status, urlsplit(resp.getheader("Location") or "").path, text)

    def pause(self) -> None:
        if self.think:
            time.sleep(self.rng.uniform(0.5, 1.5) * self.think)

    def login(self) -> None:
        """Log in: the GET sets the CSRF cookie, the POST the session (and rotates the token)."""
        r = self.request("login GET", "GET", "/accounts/login/")
        if r.status != 200 or "csrftoken" not in self.cookies:
            if r.status == 200:
                self.stats.error("login GET: no csrftoken cookie")
            raise Abort("login page")
        r = self.request(
            "login POST",
            "POST",
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
                "next": "",
            },
        )
        if r.status != 302 or "sessionid" not in self.cookies:
            if r.status < 400:
                self.stats.error(f"login POST: not logged in (HTTP {r.status})")
            raise Abort("login")

    def take(self, quiz_path: str) -> None:
        """Start the quiz, answer every question (page GET + htmx autosave), review, submit."""
        r = self.request(
            "start POST",
            "POST",
            f"{quiz_path}start/",
            {"csrfmiddlewaretoken": self.cookies["csrftoken"]},
        )
        m = re.fullmatch(r"/attempts/(\d+)/", r.location)
        if r.status != 302 or not m:
            if r.status < 400:
                self.stats.error(f"start POST: no attempt (HTTP {r.status} → {r.location or '-'})")
            raise Abort("start")
        attempt = int(m.group(1))
        base = f"/attempts/{attempt}/"
        count, n = 1, 1
        while n <= count:
            self.pause()
            r = self.request("page GET", "GET", f"{base}?n={n}")
            if r.status != 200:
                if r.status < 400:
                    self.stats.error(f"page GET: HTTP {r.status}")
                n += 1
                continue
            pm = re.search(r"question (\d+) of (\d+)", r.body)
            if not pm or int(pm.group(1)) != n:
                self.stats.error("page GET: no 'question n of N' marker")
                n += 1
                continue
            count = int(pm.group(2))
            fields, expected = build_answer(r.body, n, self.rng)
            if not fields:
                self.stats.error("page GET: no answer inputs found")
                n += 1
                continue
            self.pause()
            r = self.request(
                "autosave POST",
                "POST",
                base,
                [("position", str(n)), *fields],
                {
                    "HX-Request": "true",
                    "HX-Current-URL": f"http://127.0.0.1:{self.port}{base}?n={n}",
                    "X-CSRFToken": self.cookies.get("csrftoken", ""),
                },
            )
            if r.status == 200:
                with self.stats.lock:
                    self.stats.autosave_200 += 1
                if "Saved at" in r.body:
                    with self.stats.lock:
                        self.stats.autosaves.extend(
                            {
                                "user": self.username,
                                "attempt": attempt,
                                "position": n,
                                "part": part,
                                "response": resp,
                            }
                            for part, resp in expected.items()
                        )
                else:
                    self.stats.error("autosave POST: 200 without 'Saved at'")
            elif r.status < 400:
                self.stats.error(f"autosave POST: HTTP {r.status}")
            n += 1
        # Review, then submit.
        self.pause()
        r = self.request("summary GET", "GET", f"{base}summary/")
        if r.status == 200 and "Every question has an answer." not in r.body:
            self.stats.error("summary GET: some questions not answered")
        elif 200 < r.status < 400:
            self.stats.error(f"summary GET: HTTP {r.status}")
        r = self.request(
            "submit POST",
            "POST",
            f"{base}submit/",
            {"csrfmiddlewaretoken": self.cookies["csrftoken"], "confirm": "yes"},
        )
        if r.status == 302 and r.location == f"{base}result/":
            with self.stats.lock:
                self.stats.submits_ok += 1
        elif r.status < 400:
            self.stats.error(f"submit POST: HTTP {r.status} → {r.location or '-'}")


TAG = re.compile(r"<(input|select|textarea)\b([^>]*)>(?:(.*?)</select>)?", re.S)
ATTR = re.compile(r'([\w-]+)(?:="([^"]*)")?')
OPTION = re.compile(r'<option value="([^"]*)"')


def build_answer(
    page: str, position: int, rng: random.Random
) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """Form fields answering the question on `page` from the inputs shown, and the response JSON
    each part should then hold (None where the stored shape is not predicted)."""
    prefix = f"q{position}-"
    radios: dict[str, list[str]] = defaultdict(list)
    boxes: dict[str, list[str]] = defaultdict(list)
    numbers: dict[str, list[str]] = defaultdict(list)
    fields: list[tuple[str, str]] = []
    expected: dict[str, Any] = {}
    for tag, attrs_text, inner in TAG.findall(page):
        attrs = {k: html.unescape(v) for k, v in ATTR.findall(attrs_text)}
        name = attrs.get("name", "")
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix) :]
        if tag == "input" and attrs.get("type") == "radio":
            radios[name].append(attrs["value"])
        elif tag == "input" and attrs.get("type") == "checkbox":
            boxes[name].append(attrs["value"])
        elif tag == "input" and attrs.get("type") == "number":
            part = rest.rsplit("-", 1)[0]
            numbers[part].append(name)
            expected[part] = None
        elif tag == "select":
            values = [html.unescape(v) for v in OPTION.findall(inner) if v]
            if values:
                fields.append((name, rng.choice(values)))
                expected[rest.rsplit("-", 1)[0]] = None
        elif tag == "textarea":
            fields.append((name, "Attention lets each token weigh every earlier token."))
            expected[rest] = None
    for name, values in radios.items():
        choice = rng.choice(values)
        fields.append((name, choice))
        expected[name[len(prefix) :]] = {"selected": [choice]}
    for name, values in boxes.items():
        chosen = sorted(rng.sample(values, rng.randint(1, len(values))))
        fields += [(name, v) for v in chosen]
        expected[name[len(prefix) :]] = {"selected": chosen}
    for names in numbers.values():
        ranks = list(range(1, len(names) + 1))
        rng.shuffle(ranks)
        fields += [(name, str(rank)) for name, rank in zip(names, ranks, strict=True)]
    return fields, expected


# --------------------------------------------------------------------------------------------
# Orchestration.
# --------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def run_cmd(args: list[str], env: dict[str, str], what: str) -> str:
    start = time.perf_counter()
    proc = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"{what} failed (exit {proc.returncode})")
    print(f"  {what:<34} {time.perf_counter() - start:6.1f} s", flush=True)
    return proc.stdout


def django_task(env: dict[str, str], what: str, *args: str) -> dict[str, Any]:
    out = run_cmd([str(PYTHON), str(Path(__file__).resolve()), "--django-task", *args], env, what)
    return json.loads(out.strip().splitlines()[-1])


def reset_postgres(drop_only: bool = False, db: str = PG_DB) -> None:
    import psycopg

    with psycopg.connect(f"{PG_DSN} dbname=postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {db}")


def clean_up(tmp: Path, keep: bool, postgres: bool, db: str = PG_DB) -> None:
    """Remove the run's temp dir and PostgreSQL database, unless asked to keep them."""
    if keep:
        print(f"kept: {tmp}" + (f" and database {db}" if postgres else ""))
        return
    shutil.rmtree(tmp, ignore_errors=True)
    if postgres:
        try:
            reset_postgres(drop_only=True, db=db)
        except Exception as exc:
            print(f"could not drop {db}: {exc}", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(proc: subprocess.Popen[bytes], port: int, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode} before answering")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/accounts/login/", headers={"Host": f"127.0.0.1:{port}"})
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {seconds:g} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers gracefully
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the session started for gunicorn alone
        proc.wait(timeout=10)


def server_times(log: Path) -> dict[str, list[float]]:
    """Per kind, the time each request spent in a gunicorn worker (ms), from the access log."""
    out: dict[str, list[float]] = defaultdict(list)
    patterns = [
        ("GET", r"/accounts/login/", None, "login GET"),
        ("POST", r"/accounts/login/", None, "login POST"),
        ("POST", r"/courses/[\w-]+/quizzes/[\w-]+/start/", None, "start POST"),
        ("GET", r"/attempts/\d+/", None, "page GET"),
        ("POST", r"/attempts/\d+/", "true", "autosave POST"),
        ("GET", r"/attempts/\d+/summary/", None, "summary GET"),
        ("POST", r"/attempts/\d+/submit/", None, "submit POST"),
    ]
    for line in log.read_text().splitlines():
        parts = line.split()
        if len(parts) < 4 or not parts[3].isdigit():
            continue
        method, path, micros = parts[0], parts[1], int(parts[3])
        hx = parts[4] if len(parts) > 4 else "-"
        out["all"].append(micros / 1000)
        for m, pattern, want_hx, kind in patterns:
            if method == m and re.fullmatch(pattern, path) and (want_hx is None or hx == want_hx):
                out[kind].append(micros / 1000)
                break
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--postgres", action="store_true", help=f"use PostgreSQL database {PG_DB} on 127.0.0.1:5432"
    )
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--servers", type=int, default=1, help="separate gunicorn processes, on separate ports"
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (>1: gthread workers)"
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="CONN_MAX_AGE for PostgreSQL (default: settings' 60)",
    )
    parser.add_argument(
        "--think-ms",
        type=float,
        default=0,
        help="mean pause before each page GET, autosave and the summary",
    )
    parser.add_argument(
        "--login-first",
        action="store_true",
        help="log every student in before the timed quiz phase",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="gunicorn port on 127.0.0.1 (default: a free one)"
    )
    parser.add_argument("--timeout", type=float, default=60, help="per-request timeout (s)")
    parser.add_argument(
        "--max-seconds", type=float, default=900, help="stop starting requests after this long"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the database (and temp dir) afterwards"
    )
    parser.add_argument("--django-task", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.django_task:
        task, *rest = args.django_task
        result = (
            task_setup(int(rest[0]), int(rest[1]))
            if task == "setup"
            else task_check(rest[0], int(rest[1]))
        )
        print(json.dumps(result))
        return 0

    if not 1 <= args.students <= 2000 or not 1 <= args.concurrency <= 200:
        parser.error("--students must be 1..2000 and --concurrency 1..200")
    tmp = Path(tempfile.mkdtemp(prefix="stepwise_load_"))
    if args.postgres:
        db_url = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    else:
        db_url = f"sqlite:///{tmp / 'db.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": db_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if args.conn_max_age is not None:
        env["CONN_MAX_AGE"] = str(args.conn_max_age)
    engine = "PostgreSQL" if args.postgres else "SQLite (WAL)"
    print(
        f"Stepwise quiz load benchmark: {engine}, {args.students} students, concurrency {args.concurrency}, "
        f"{args.servers} server(s) x {args.workers} gunicorn workers x {args.threads} threads, think time {args.think_ms:g} ms, CONN_MAX_AGE {env.get('CONN_MAX_AGE', 'default')}"
    )
    print("Setup:")
    procs: list[subprocess.Popen[bytes]] = []
    stats = Stats()
    try:
        if args.postgres:
            reset_postgres()
        py = str(PYTHON)
        run_cmd([py, "manage.py", "migrate", "--noinput"], env, "migrate")
        run_cmd([py, "manage.py", "import_content", "content/"], env, "import_content content/")
        made = django_task(
            env,
            f"{args.students} students + quiz",
            "setup",
            str(args.students),
            str(args.questions),
        )
        print(
            f"  quiz: {made['questions']} questions {made['kinds']} (from {made['eligible']} eligible)"
        )
        run_cmd([py, "manage.py", "collectstatic", "--noinput"], env, "collectstatic")

        ports = [
            args.port + n if args.port else free_port() for n in range(max(1, args.servers))
        ]
        access_logs = [tmp / f"access-{n}.log" for n in range(len(ports))]
        for port, access_log in zip(ports, access_logs, strict=True):
            procs.append(
                subprocess.Popen(
                    [
                        str(GUNICORN),
                        "config.wsgi",
                        "--workers",
                        str(args.workers),
                        "--threads",
                        str(args.threads),
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--access-logfile",
                        str(access_log),
                        "--access-logformat",
                        ACCESS_FORMAT,
                        "--error-logfile",
                        str(tmp / f"gunicorn-{port}.log"),
                    ],
                    cwd=ROOT,
                    env=env,
                    start_new_session=True,
                )
            )
        for proc, port, access_log in zip(procs, ports, access_logs, strict=True):
            wait_ready(proc, port)
            access_log.write_text("")  # forget the readiness probes
            print(f"  gunicorn on 127.0.0.1:{port} (pid {proc.pid})")

        quiz_path = f"/courses/{COURSE}/quizzes/{QUIZ}/"
        start = time.perf_counter()
        cpu_start = os.times()
        deadline = time.monotonic() + args.max_seconds

        login_stats = Stats() if args.login_first else stats
        students = [
            Student(
                f"loadstudent{i:04d}",
                ports[i % len(ports)],
                login_stats,
                random.Random(i),
                args.timeout,
                deadline,
                args.think_ms / 1000,
            )
            for i in range(args.students)
        ]
        aborted: set[str] = set()

        def guarded(student: Student, step: str) -> None:
            if student.username in aborted:
                return
            try:
                if step in ("login", "all"):
                    student.login()
                if step != "login":
                    student.stats = stats
                    student.take(quiz_path)
                    with stats.lock:
                        stats.students_done += 1
            except (
                Exception
            ) as exc:  # Abort, or a bug in the client: count it, keep the others going
                if not isinstance(exc, Abort):
                    student.stats.error(f"client: {type(exc).__name__}: {exc}")
                with stats.lock:
                    aborted.add(student.username)
                    stats.students_aborted += 1

        with concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            if args.login_first:
                list(pool.map(lambda st: guarded(st, "login"), students))
                login_wall = time.perf_counter() - start
                time.sleep(0.5)  # let gunicorn log the last login, then time the quiz phase alone
                for access_log in access_logs:
                    access_log.write_text("")
                start = time.perf_counter()
                cpu_start = os.times()
                list(pool.map(lambda st: guarded(st, "take"), students))
            else:
                list(pool.map(lambda st: guarded(st, "all"), students))
        wall = time.perf_counter() - start
        cpu = os.times()
        client_cpu = (cpu.user - cpu_start.user) + (cpu.system - cpu_start.system)
        for proc in procs:
            stop(proc)
        server: dict[str, list[float]] = defaultdict(list)
        for access_log in access_logs:
            for kind, times in server_times(access_log).items():
                server[kind] += times
        slots = args.workers * args.threads * len(procs)
        busy = sum(server["all"]) / 1000 / (slots * wall)

        total_errors = sum(stats.errors.values()) + (
            sum(login_stats.errors.values()) if args.login_first else 0
        )
        if args.login_first:
            lp = login_stats.latency.get("login POST") or [0.0]
            print(
                f"\nLogin phase (not in the figures below): {login_stats.requests} requests in {login_wall:.1f} s, "
                f"errors {sum(login_stats.errors.values())}, login POST p50 {percentile(lp, 50):.0f} ms p95 {percentile(lp, 95):.0f} ms"
            )
            for what, n in login_stats.errors.most_common():
                print(f"    {n:6d}  {what}")
        print(f"\nRun{' (quiz phase)' if args.login_first else ''}: {wall:.1f} s wall")
        print(f"  students finished {stats.students_done}, aborted {stats.students_aborted}")
        print(f"  total requests    {stats.requests}")
        print(f"  requests/s        {stats.requests / wall:.1f}")
        print(
            f"  gunicorn worker slots busy {100 * busy:.0f}% of the wall time; load generator CPU {client_cpu:.1f} s "
            f"(shares the machine's {os.cpu_count()} CPUs)"
        )
        print(f"  errors            {total_errors}")
        for what, n in stats.errors.most_common():
            print(f"    {n:6d}  {what}")
        print(
            "\nLatency (ms)              client-side (incl. queueing)        server-side (gunicorn worker)"
        )
        print(
            f"  {'kind':<16}{'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}   {'p50':>7} {'p95':>7} {'p99':>7}"
        )
        for kind in KINDS:
            c, s = stats.latency.get(kind, []), server.get(kind, [])
            if not c:
                continue
            cs = " ".join(f"{percentile(c, p):8.1f}" for p in (50, 95, 99))
            ss = (
                " ".join(f"{percentile(s, p):7.1f}" for p in (50, 95, 99))
                if s
                else "      -       -       -"
            )
            print(f"  {kind:<16}{len(c):6d} {cs} {max(c):8.1f}   {ss}")

        expected_path = tmp / "expected.json"
        expected_path.write_text(
            json.dumps({"autosaves": stats.autosaves, "submits_ok": stats.submits_ok})
        )
        print("\nDatabase check:")
        check = django_task(env, "check", "check", str(expected_path), str(args.questions))
        print(
            f"  attempts {check['attempts']} for {check['students_with_attempts']} students "
            f"({check['students_with_more_than_one']} with more than one); submitted {check['submitted']}, "
            f"scored {check['scored']}, submit POSTs redirected to the result {check['submit_redirects']}; "
            f"attempts without {args.questions} items {check['wrong_item_count']}"
        )
        print(
            f"  autosaves that returned 200 and 'Saved at' {check['autosaves_200']} (200 in all: {stats.autosave_200}); "
            f"answers saved in the database {check['answers_saved']} (rows {check['answers_rows']}, not graded {check['answers_not_graded']})"
        )
        print(
            f"  lost answers {check['lost']}, stored answer differs from the one sent {check['wrong']}, "
            f"saved without a 200 autosave {check['extra']}"
        )
        for example in check["lost_examples"] + check["wrong_examples"]:
            print(f"    e.g. {example}")
        submitted_once = (
            check["attempts"]
            == check["students_with_attempts"]
            == check["submitted"]
            == check["scored"]
            == check["submit_redirects"]
            == args.students
            and check["students_with_more_than_one"] == 0
            and check["answers_not_graded"] == 0
            and check["wrong_item_count"] == 0
        )
        no_loss = (
            check["lost"] == 0
            and check["wrong"] == 0
            and check["autosaves_200"] == check["answers_saved"]
        )
        print(f"  every attempt submitted exactly once: {'OK' if submitted_once else 'FAILED'}")
        print(
            f"  saved answers == successful autosaves, zero lost: {'OK' if no_loss else 'FAILED'}"
        )
        autosaves = stats.latency.get("autosave POST") or [float("nan")]
        p95 = percentile(autosaves, 95)
        print(
            f"  autosave p95, client-side: {p95:.1f} ms (target on PostgreSQL with think time: "
            f"< 50 ms): {'met' if p95 < 50 else 'MISSED'}"
        )
        ok = total_errors == 0 and submitted_once and no_loss
        print(f"\nResult: {'PASS' if ok else 'FAIL'}")
        return 0 if ok else 1
    finally:
        for proc in procs:
            stop(proc)
        clean_up(tmp, args.keep_db, args.postgres)


if __name__ == "__main__":
    sys.exit(main())
