"""Load a law-library JSON document (by default the seeded library). Idempotent:
unchanged facts do nothing; changed facts become new versions, never overwrites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from laws.services import library_import

SEED = Path(__file__).resolve().parents[2] / "seed" / "library.json"


class Command(BaseCommand):
    help = "Load the law library from JSON (all entries or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(SEED), help="JSON file (default: seed)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            result = library_import(data)
        except ValidationError as exc:
            raise CommandError("Nothing was loaded:\n  " + "\n  ".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Law library: {result.requirements_created} requirements added, "
                f"{result.requirements_corrected} corrected, "
                f"{result.requirements_unchanged} unchanged; "
                f"{result.instruments_created} instruments added."
            )
        )
