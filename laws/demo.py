"""Demo data of the law library: the seeded library and a brand code of conduct."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from csr_platform.models import Organization
from laws.models import CodeClause
from laws.services import library_import
from laws.taxonomy import FindingCategory

SEED = Path(__file__).resolve().parent / "seed" / "library.json"


def seed(stdout: TextIO) -> None:
    result = library_import(json.loads(SEED.read_text(encoding="utf-8")))
    stdout.write(
        f"Law library: {result.requirements_created} requirements added, "
        f"{result.requirements_unchanged} unchanged.\n"
    )
    brand = Organization.objects.filter(slug="northwind").first()
    if brand is None:
        return
    clauses = [
        (
            "CoC 4.1",
            "Working hours",
            "Regular work plus overtime never exceeds 60 hours in a week, "
            "whatever local law allows.",
            FindingCategory.HOURS,
            "overtime",
            {"max_total_hours_per_week": 60},
        ),
        (
            "CoC 2.1",
            "No child labour",
            "No worker is younger than 16, whatever local law allows.",
            FindingCategory.CHILD,
            "minimum_age",
            {"minimum_age_general": 16},
        ),
        (
            "CoC 6.3",
            "Grievance mechanism",
            "Workers can raise grievances anonymously and without retaliation.",
            FindingCategory.VOICE,
            "",
            {},
        ),
    ]
    for reference, title, text, category, topic, parameters in clauses:
        CodeClause.objects.get_or_create(
            brand=brand,
            reference=reference,
            defaults={
                "title": title,
                "text": text,
                "category": category,
                "topic": topic,
                "parameters": parameters,
            },
        )
