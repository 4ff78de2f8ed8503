"""The law check at and around every threshold of every seeded country.

Two tables: one written from the sourced facts (so a wrong seed value fails), and one
derived from the seeded library itself (so every threshold of every country is
exercised at the limit and one step past it).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from laws.checks import RULES, law_check
from laws.models import Requirement
from laws.services import library_import

SEED = Path(__file__).resolve().parents[2] / "laws" / "seed" / "library.json"
COUNTRIES = ("BD", "VN", "CN", "IN", "KH", "ID", "TR", "PK", "LK", "MX", "MM")
TODAY = date(2026, 11, 25)


@pytest.fixture
def library(db: Any) -> None:
    library_import(json.loads(SEED.read_text(encoding="utf-8")))


# (country, date, measure, limit, bound, wage scope) — from the sourced law table.
SOURCED = [
    ("BD", TODAY, "weekly_hours_total", 60, "max", ""),  # s.102: 60 h/wk
    ("BD", TODAY, "daily_hours", 10, "max", ""),  # 10 h/day
    ("BD", TODAY, "youngest_worker_age", 14, "min", ""),  # s.44: under 14 barred
    ("BD", TODAY, "overtime_premium_paid_percent", 200, "min", ""),  # s.108: 2×
    ("BD", TODAY, "lowest_monthly_wage", 12500, "min", "rmg"),  # RMG Tk 12,500
    ("VN", TODAY, "monthly_overtime_hours", 40, "max", ""),  # Art 107: 40 h/month
    ("VN", TODAY, "daily_hours", 12, "max", ""),  # ≤12 h/day total
    ("VN", TODAY, "youngest_worker_age", 15, "min", ""),  # Art 143
    ("VN", TODAY, "overtime_premium_paid_percent", 150, "min", ""),  # Art 98
    ("VN", TODAY, "annual_leave_days", 12, "min", ""),  # Art 113
    ("VN", date(2025, 6, 1), "lowest_monthly_wage", 4960000, "min", "region_i"),  # Decree 74
    ("CN", TODAY, "monthly_overtime_hours", 36, "max", ""),  # Art 41: 36 h/month
    ("CN", TODAY, "youngest_worker_age", 16, "min", ""),  # Art 15
    ("CN", TODAY, "overtime_premium_paid_percent", 150, "min", ""),  # Art 44
    ("IN", TODAY, "youngest_worker_age", 14, "min", ""),  # 1986 Act as amended 2016
    ("IN", TODAY, "overtime_premium_paid_percent", 200, "min", ""),  # 2×
    ("KH", TODAY, "daily_hours", 10, "max", ""),  # 2 h/day OT, ≤10 h total
    ("KH", TODAY, "youngest_worker_age", 15, "min", ""),  # Art 177
    ("KH", TODAY, "overtime_premium_paid_percent", 150, "min", ""),
    ("KH", TODAY, "annual_leave_days", 18, "min", ""),  # Art 166
    ("KH", date(2025, 6, 1), "lowest_monthly_wage", 208, "min", ""),  # Prakas 211/24
    ("KH", date(2026, 2, 1), "lowest_monthly_wage", 210, "min", ""),  # Prakas 214
    ("ID", TODAY, "weekly_overtime_hours", 18, "max", ""),  # 18 h/wk
    ("ID", TODAY, "annual_leave_days", 12, "min", ""),  # Art 79
    ("TR", TODAY, "daily_hours", 11, "max", ""),  # ≤11 h/day
    ("TR", TODAY, "youngest_worker_age", 15, "min", ""),  # Art 71
    ("TR", TODAY, "overtime_premium_paid_percent", 150, "min", ""),  # +50%
    ("TR", TODAY, "annual_leave_days", 14, "min", ""),
    ("PK", TODAY, "overtime_premium_paid_percent", 200, "min", ""),  # s.47
    ("PK", TODAY, "annual_leave_days", 14, "min", ""),  # s.49-B
    ("PK", TODAY, "lowest_monthly_wage", 40000, "min", "punjab"),
    ("LK", date(2025, 6, 1), "lowest_monthly_wage", 27000, "min", ""),
    ("LK", date(2026, 2, 1), "lowest_monthly_wage", 30000, "min", ""),
    ("MX", TODAY, "youngest_worker_age", 15, "min", ""),  # Art 22
    ("MX", TODAY, "overtime_premium_paid_percent", 200, "min", ""),  # +100%
    ("MX", TODAY, "annual_leave_days", 12, "min", ""),  # from 1 Jan 2023
    ("MM", TODAY, "overtime_premium_paid_percent", 200, "min", ""),  # 2×
]


def _step(limit: Decimal | int, bound: str, measure: str) -> tuple[Decimal, Decimal]:
    """(at the limit, one step past it): whole units, or one currency unit for wages."""
    step = Decimal(1)
    limit = Decimal(str(limit))
    return limit, (limit + step if bound == "max" else limit - step)


def test_the_sourced_table_covers_every_seeded_country() -> None:
    assert {row[0] for row in SOURCED} == set(COUNTRIES)


@pytest.mark.parametrize(
    ("country", "on", "measure", "limit", "bound", "scope"),
    SOURCED,
    ids=[f"{r[0]}-{r[2]}-{r[1]}" for r in SOURCED],
)
def test_sourced_thresholds(
    library: None, country: str, on: date, measure: str, limit: int, bound: str, scope: str
) -> None:
    at, past = _step(limit, bound, measure)

    at_limit = law_check(country=country, on=on, measured={measure: at}, wage_scope=scope)
    past_limit = law_check(country=country, on=on, measured={measure: past}, wage_scope=scope)

    assert at_limit.breaches == [], [b.explanation for b in at_limit.breaches]
    assert [b.measure for b in past_limit.breaches] == [measure]
    breach = past_limit.breaches[0]
    assert breach.limit == Decimal(limit)
    assert breach.source == "law"
    assert breach.requirement is not None
    assert breach.requirement.country == country
    assert breach.requirement.reference in breach.explanation


def _seeded_thresholds() -> list[tuple[str, str, str, Decimal, str]]:
    """(country, measure, scope, limit, bound) for every parameter a rule reads, from the
    seed file as it is in force on TODAY."""
    data = json.loads(SEED.read_text(encoding="utf-8"))
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for entry in data["requirements"]:
        if date.fromisoformat(entry["effective_from"]) > TODAY:
            continue
        key = (entry["country"], entry["topic"], entry.get("scope") or "")
        if key not in latest or entry["effective_from"] > latest[key]["effective_from"]:
            latest[key] = entry
    rows = []
    for (country, topic, scope), entry in sorted(latest.items()):
        for rule in RULES:
            if rule.topic == topic and rule.key in entry["parameters"]:
                limit = Decimal(str(entry["parameters"][rule.key]))
                rows.append((country, rule.measure, scope, limit, rule.bound))
    return rows


SEEDED = _seeded_thresholds()


def test_every_seeded_country_has_thresholds_to_check() -> None:
    assert {row[0] for row in SEEDED} == set(COUNTRIES)


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_seeded_threshold_at_and_past_the_limit(library: None, country: str) -> None:
    rows = [row for row in SEEDED if row[0] == country]
    for _country, measure, scope, limit, bound in rows:
        general = scope == "" or measure == "lowest_monthly_wage"
        if not general:
            continue  # exceptions (seasonal factories, shops) do not replace the general rule
        wage_scope = scope if measure == "lowest_monthly_wage" else ""
        at, past = _step(limit, bound, measure)

        at_limit = law_check(
            country=country, on=TODAY, measured={measure: at}, wage_scope=wage_scope
        )
        past_limit = law_check(
            country=country, on=TODAY, measured={measure: past}, wage_scope=wage_scope
        )

        assert at_limit.breaches == [], f"{country} {measure} at {at}"
        assert [b.measure for b in past_limit.breaches] == [measure], f"{country} {measure} {past}"
        assert past_limit.breaches[0].limit == limit


@pytest.mark.django_db
def test_unverified_law_is_flagged_in_the_breach(library: None) -> None:
    unverified = (
        Requirement.objects.in_force(TODAY).filter(needs_review=True, topic="minimum_age").first()
    )
    assert unverified is not None
    age = unverified.parameters.get("minimum_age_general")
    if age is None:
        pytest.skip("no unverified general minimum age in the seed")

    result = law_check(
        country=str(unverified.country), on=TODAY, measured={"youngest_worker_age": age - 1}
    )

    assert result.breaches
    assert result.breaches[0].needs_review is True


@pytest.mark.django_db
def test_the_seeded_sri_lanka_wage_history_through_the_api(library: None) -> None:
    from tests.conftest import token_client
    from tests.factories import member

    client = token_client(member("brand", "csr"))
    url = "/api/v1/laws/requirements/?country=LK&topic=minimum_wage&on={}"

    before = client.get(url.format("2025-06-01")).json()["results"]
    after = client.get(url.format("2026-02-01")).json()["results"]

    assert [r["parameters"]["minimum_monthly_wage"] for r in before] == [27000]
    assert [r["parameters"]["minimum_monthly_wage"] for r in after] == [30000]
    assert before[0]["superseded_by"] == after[0]["id"]
    assert before[0]["effective_to"] == "2025-12-31"


@pytest.mark.django_db
def test_in_force_gives_the_version_of_the_audit_date(library: None) -> None:
    from laws.selectors import in_force

    old = in_force(country="KH", topic="minimum_wage", on=date(2025, 12, 31), scope=_kh_scope())
    new = in_force(country="KH", topic="minimum_wage", on=date(2026, 1, 1), scope=_kh_scope())

    assert old is not None
    assert new is not None
    assert old.parameters["minimum_monthly_wage"] == 208
    assert new.parameters["minimum_monthly_wage"] == 210


def _kh_scope() -> str:
    return str(
        Requirement.objects.filter(country="KH", topic="minimum_wage").values_list(
            "scope", flat=True
        )[0]
    )
