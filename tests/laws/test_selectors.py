"""The comparison table: a country's general rule stands for it; exceptions do not."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from laws.selectors import comparison, library_countries
from laws.services import LIBRARY_FORMAT, library_import


def _rule(scope: str, topic: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "country": "PK",
        "topic": topic,
        "scope": scope,
        "instrument": "Factories Act 1934",
        "citation": "s.34",
        "summary": f"{topic} {scope or 'general'}",
        "parameters": parameters,
        "effective_from": "1934-01-01",
        "source_url": "https://paycheck.pk/labour-laws/compensation/work-hours-and-overtime",
    }


@pytest.mark.django_db
def test_scoped_exceptions_do_not_stand_for_the_country_but_wage_scopes_do() -> None:
    library_import(
        {
            "format": LIBRARY_FORMAT,
            "instruments": [{"country": "PK", "title": "Factories Act 1934", "year": 1934}],
            "requirements": [
                _rule("", "overtime", {"max_total_hours_per_week": 48}),
                _rule("seasonal_factory", "overtime", {"max_total_hours_per_week": 50}),
                _rule("punjab", "minimum_wage", {"minimum_monthly_wage": 40000, "currency": "PKR"}),
                _rule("sindh", "minimum_wage", {"minimum_monthly_wage": 37000, "currency": "PKR"}),
            ],
        }
    )

    hours = comparison(topics=("overtime",), on=date(2026, 1, 1))
    wages = comparison(topics=("minimum_wage",), on=date(2026, 1, 1))

    assert [(r.country, r.cells["max_total_hours_per_week"]["value"]) for r in hours.rows] == [
        ("PK", 48)
    ]
    assert [(r.scope, r.cells["minimum_monthly_wage"]["value"]) for r in wages.rows] == [
        ("punjab", 40000),
        ("sindh", 37000),
    ]
    assert library_countries() == [("PK", "Pakistan")]
