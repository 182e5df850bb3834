"""For `bench/page_speed.py` only: the CPU time the worker's thread spent on each request, in
a response header gunicorn's access log records. On a machine shared with other work, wall-clock
time mostly measures waiting for a core; CPU time does not (on PostgreSQL it leaves out the
database server's own work, which runs in another process)."""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def cpu_time(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        start = time.thread_time_ns()
        response = get_response(request)
        response["X-Bench-CPU-us"] = str((time.thread_time_ns() - start) // 1000)
        return response

    return middleware
