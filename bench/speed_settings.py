"""The production settings, plus the bare view of `bench/speed_urls.py` and a CPU-time header
(`bench/speed_middleware.py`, outermost, so every middleware is inside it), for
`bench/page_speed.py`."""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

ROOT_URLCONF = "bench.speed_urls"
MIDDLEWARE = ["bench.speed_middleware.cpu_time", *MIDDLEWARE]
