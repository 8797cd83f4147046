#!/usr/bin/env python
"""Run the benchmarks: every bench/bench_*.py module's ``run(args)`` prints JSON lines.

    make bench                          # all, on the database DATABASE_URL names (or SQLite under var/bench)
    make bench BENCH_ARGS="registry"    # only bench_registry*.py

Each line: {"scenario": ..., "rows": ..., "seconds": ..., "baseline_seconds": ..., "ratio": ..., ...}.
Ratios compare the platform with a baseline measured in the same run; absolute times are noisy here.
Benchmarks never run in ``make test``.
"""

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fuqing.settings")
os.environ.setdefault("FUQING_VAR_DIR", str(ROOT / "var" / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("only", nargs="*", help="run modules whose name contains one of these")
    parser.add_argument("--scale", default="city", choices=["city", "province"])
    args = parser.parse_args()
    import django

    django.setup()
    for module in sorted(pkgutil.iter_modules([str(ROOT / "bench")]), key=lambda m: m.name):
        if not module.name.startswith("bench_"):
            continue
        if args.only and not any(o in module.name for o in args.only):
            continue
        importlib.import_module(f"bench.{module.name}").run(args)


if __name__ == "__main__":
    main()
