"""The guard on shared, expensive figures (issue 16, hot issues): many requests at once compute once;
while one recomputes, the others get the last figures; with none yet, they wait for the one computing."""

from __future__ import annotations

import threading
import time

from django.core.cache import cache

from fuqing.core import computed


def test_sixteen_requests_at_once_compute_once():
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return {"needs": 42}

    results = []

    def request():
        results.append(computed.shared("fuqing:test:hot", slow, fresh_seconds=60).value)

    threads = [threading.Thread(target=request) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert results == [{"needs": 42}] * 16


def test_while_one_recomputes_the_others_get_the_last_figures():
    first = computed.shared("fuqing:test:stale", lambda: "old", fresh_seconds=60)
    stale = computed.Computed(first.value, first.at, time.time() - 1)  # past its fresh period
    cache.set("fuqing:test:stale", stale, 600)
    cache.add("fuqing:test:stale:computing", 1, 60)  # another request is computing

    def never():
        raise AssertionError("must not compute while another request does")

    assert computed.shared("fuqing:test:stale", never, fresh_seconds=60).value == "old"
    cache.delete("fuqing:test:stale:computing")
    entry = computed.shared("fuqing:test:stale", lambda: "new", fresh_seconds=60)
    assert entry.value == "new" and entry.at >= first.at


def test_a_refresh_recomputes_and_a_dead_holder_does_not_block_for_ever():
    computed.shared("fuqing:test:refresh", lambda: 1, fresh_seconds=60)
    assert computed.shared("fuqing:test:refresh", lambda: 2, fresh_seconds=60).value == 1
    assert computed.shared("fuqing:test:refresh", lambda: 3, fresh_seconds=60, refresh=True).value == 3
    cache.add("fuqing:test:dead:computing", 1, 1)  # a holder that died: its lock lapses after a second
    started = time.time()
    assert computed.shared("fuqing:test:dead", lambda: "done", fresh_seconds=60).value == "done"
    assert time.time() - started < 5
