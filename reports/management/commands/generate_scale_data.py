"""Generate realistic data at scale for benchmarks (see ``reports.scale``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.scale import (
    DEFAULT_PASSWORD,
    ScaleDataExists,
    ScaleOptions,
    default_manifest_path,
    generate_scale_data,
)
from reports.scale.generate import DEFAULT_CHUNK


class Command(BaseCommand):
    help = (
        "Generate 20 brands of realistic, deterministic data (the largest with 5,000 "
        "facilities and about 230,000 CAPs) and write a manifest for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiply every count (e.g. 0.002)"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="the day history ends, YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every generated user (default {DEFAULT_PASSWORD!r})",
        )
        parser.add_argument(
            "--reset", action="store_true", help="delete previously generated data first"
        )
        parser.add_argument(
            "--manifest",
            type=Path,
            default=None,
            help=f"where to write the manifest (default {default_manifest_path()})",
        )
        parser.add_argument(
            "--chunk",
            type=int,
            default=DEFAULT_CHUNK,
            help=f"relationships per transaction (default {DEFAULT_CHUNK})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings = ScaleOptions(
            scale=options["scale"],
            seed=options["seed"],
            today=options["today"],
            password=options["password"],
            reset=options["reset"],
            manifest=options["manifest"],
            chunk=options["chunk"],
        )
        try:
            result = generate_scale_data(options=settings, report=self.stdout.write)
        except (ScaleDataExists, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("Rows written:")
        for label, rows in result.counts.items():
            self.stdout.write(f"  {label:<36} {rows:>10,}")
        self.stdout.write(f"  {'total':<36} {sum(result.counts.values()):>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data generated in {result.seconds:.1f} s "
                f"(seed {settings.seed}, scale {settings.scale}, "
                f"today {result.manifest['today']}); manifest: {result.manifest_path}"
            )
        )
