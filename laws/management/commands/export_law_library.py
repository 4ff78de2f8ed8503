"""Write the whole live law library as JSON (the format load_law_library reads)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from laws.services import library_export


class Command(BaseCommand):
    help = "Export the law library as JSON to a file or standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="File to write; standard output if omitted")

    def handle(self, *args: Any, **options: Any) -> None:
        text = json.dumps(library_export(), indent=2, ensure_ascii=False) + "\n"
        if options.get("output"):
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
