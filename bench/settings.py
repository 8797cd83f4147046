"""Settings for page benchmarks: the platform's own, plus two reference pages (``bench/urls.py``)."""

from fuqing.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
