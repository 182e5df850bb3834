"""The production settings, plus the bare view of `bench/speed_urls.py` (for `bench/page_speed.py`)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.speed_urls"
