"""Shared set-up of the registry benchmarks: a database with the schema, peak-memory readings per phase,
and removing a benchmark's own women in bulk."""

from __future__ import annotations

import os
import re

from django.db import connection


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def guard_database() -> None:
    """Benchmarks write and delete freely: refuse anything but a benchmark database."""
    name = str(connection.settings_dict["NAME"])
    if "bench" not in name and name != os.environ.get("FUQING_BENCH_DATABASE"):
        raise SystemExit(
            f"refusing to run a registry benchmark on database {name!r}: its name must contain 'bench'"
            " (or be named by FUQING_BENCH_DATABASE, a database of your own)"
        )


def reset_peak() -> None:
    """Start a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def peak_mb() -> float:
    """Peak resident memory since the last ``reset_peak`` (whole process), in MB."""
    try:
        with open("/proc/self/status") as handle:
            match = re.search(r"VmHWM:\s+(\d+) kB", handle.read())
    except OSError:
        match = None
    if match is None:
        from bench.common import max_rss_mb

        return max_rss_mb()
    return round(int(match.group(1)) / 1024, 1)


def delete_women_under(org) -> int:
    """Remove every woman under ``org`` (and her links) with plain DELETEs, not row by row."""
    from fuqing.core.scoping import subtree_q
    from fuqing.orgs.models import Org
    from fuqing.registry.models import Consent, Woman, WomanEvent

    org_ids = list(Org.objects.filter(subtree_q(org.path)).values_list("pk", flat=True))
    women = Woman.objects.filter(org_id__in=org_ids)
    count = women.count()
    Woman.groups.through.objects.filter(woman__in=women)._raw_delete(connection.alias)
    Consent.objects.filter(woman__in=women)._raw_delete(connection.alias)
    WomanEvent.objects.filter(woman__in=women)._raw_delete(connection.alias)
    women._raw_delete(connection.alias)
    return count


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))
