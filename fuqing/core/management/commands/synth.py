"""Generate realistic synthetic data at city or province scale (benchmarks, load tests)."""

import random
import time

from django.core.management.base import BaseCommand, CommandError

from fuqing.core.scoping import org_model
from fuqing.core.synth import SynthContext, steps


class Command(BaseCommand):
    help = "Generate synthetic federation data: --scale city (Harbin) or province (黑龙江省)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["city", "province"], default="city")
        parser.add_argument("--seed", type=int, default=2014)
        parser.add_argument("--only", nargs="*", help="run only these steps (names)")

    def handle(self, *args, **options):
        if org_model().objects.exists() and not options["only"]:
            raise CommandError("synth needs an empty database (it builds the tree itself)")
        ctx = SynthContext(scale=options["scale"], rng=random.Random(options["seed"]), stdout=self.stdout)
        for step in steps():
            if options["only"] and step.name not in options["only"]:
                continue
            started = time.perf_counter()
            step.func(ctx)
            self.stdout.write(f"{step.name}: {time.perf_counter() - started:.1f}s")
        self.stdout.write(self.style.SUCCESS("synthetic data ready"))
