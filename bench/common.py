"""Helpers for benchmarks: timing, peak memory, JSON lines."""

from __future__ import annotations

import json
import resource
import sys
import time
import tracemalloc
from contextlib import contextmanager


@contextmanager
def timed():
    """``with timed() as t: ...`` then t["seconds"]."""
    result = {}
    started = time.perf_counter()
    yield result
    result["seconds"] = time.perf_counter() - started


@contextmanager
def traced_memory():
    """Peak Python heap while the block runs, in MB (tracemalloc; slows the block down)."""
    result = {}
    tracemalloc.start()
    try:
        yield result
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["peak_mb"] = round(peak / 1024 / 1024, 1)


def max_rss_mb() -> float:
    """The process's peak resident set so far (Linux reports KB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def emit(**fields) -> None:
    if "seconds" in fields and "baseline_seconds" in fields and fields["baseline_seconds"]:
        fields["ratio"] = round(fields["seconds"] / fields["baseline_seconds"], 2)
    print(json.dumps(fields, ensure_ascii=False), flush=True)
    sys.stdout.flush()
