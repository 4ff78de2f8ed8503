"""The seed law library (laws/seed/library.json): complete, sourced and valid.

Plain file checks: no database is needed.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from laws.models import LegalInstrument
from laws.parameters import Topic, validate_parameters

LIBRARY = Path(__file__).resolve().parents[2] / "laws" / "seed" / "library.json"
DOMAIN_FACTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "domain_facts.md"
COUNTRIES = {"BD", "VN", "CN", "IN", "KH", "ID", "TR", "PK", "LK", "MX", "MM"}


@cache
def library() -> dict[str, Any]:
    return json.loads(LIBRARY.read_text(encoding="utf-8"))


def requirements() -> list[dict[str, Any]]:
    return library()["requirements"]


def label(req: dict[str, Any]) -> str:
    scope = f"[{req['scope']}]" if req["scope"] else ""
    return f"{req['country']}-{req['topic']}{scope}-{req['effective_from']}"


each_requirement = pytest.mark.parametrize("req", requirements(), ids=label)


def test_format_and_all_countries_present() -> None:
    assert library()["format"] == "csr-platform-law-library/1"
    assert {r["country"] for r in requirements()} == COUNTRIES
    assert {i["country"] for i in library()["instruments"]} == COUNTRIES


def test_instruments_are_unique_and_of_a_known_kind() -> None:
    keys = [(i["country"], i["title"]) for i in library()["instruments"]]
    assert len(keys) == len(set(keys))
    for instrument in library()["instruments"]:
        assert instrument["kind"] in LegalInstrument.Kind.values, instrument["title"]


@each_requirement
def test_instrument_is_one_of_the_same_country(req: dict[str, Any]) -> None:
    titles = {(i["country"], i["title"]) for i in library()["instruments"]}
    assert (req["country"], req["instrument"]) in titles


@each_requirement
def test_sourced_and_dated_or_flagged_for_review(req: dict[str, Any]) -> None:
    date.fromisoformat(req["effective_from"])
    assert (req["source_url"] and req["effective_from"]) or req["needs_review"]
    # A flag always says what to verify, and only a flag does.
    assert bool(req["review_note"].strip()) == req["needs_review"]
    assert req["summary"].strip()


@each_requirement
def test_parameters_match_the_topic_schema(req: dict[str, Any]) -> None:
    assert req["topic"] in Topic.values
    try:
        validate_parameters(req["topic"], req["parameters"])
    except ValidationError as error:  # pragma: no cover - the message is the point
        pytest.fail(f"{label(req)}: {error.messages}")


def test_one_version_per_rule_and_start_date() -> None:
    keys = [(r["country"], r["topic"], r["scope"], r["effective_from"]) for r in requirements()]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_every_country_has_working_hours_and_overtime(country: str) -> None:
    topics = {r["topic"] for r in requirements() if r["country"] == country}
    assert {Topic.WORKING_HOURS, Topic.OVERTIME} <= topics


def test_overtime_without_a_sourced_cap_is_flagged() -> None:
    for req in requirements():
        if req["topic"] == Topic.OVERTIME and not (req["parameters"] and req["source_url"]):
            assert req["needs_review"], label(req)


def test_sri_lanka_minimum_wage_history() -> None:
    versions = sorted(
        (r for r in requirements() if r["country"] == "LK" and r["topic"] == Topic.MINIMUM_WAGE),
        key=lambda r: r["effective_from"],
    )
    assert [(r["effective_from"], r["parameters"]) for r in versions] == [
        ("2025-04-01", {"minimum_monthly_wage": 27000, "currency": "LKR"}),
        ("2026-01-01", {"minimum_monthly_wage": 30000, "currency": "LKR"}),
    ]
    assert {r["scope"] for r in versions} == {"national"}


@each_requirement
def test_source_url_is_a_web_address_or_the_fact_is_flagged(req: dict[str, Any]) -> None:
    if not req["source_url"]:
        assert req["needs_review"]
        return
    assert req["source_url"].startswith("http")


def test_every_source_url_is_listed_in_domain_facts() -> None:
    if not DOMAIN_FACTS.exists():
        pytest.skip(f"{DOMAIN_FACTS} is not available")
    sources = DOMAIN_FACTS.read_text(encoding="utf-8").split("## Sources", 1)[-1]
    listed = set(re.findall(r"https?://[^\s;]+", sources))
    unlisted = [
        label(r) for r in requirements() if r["source_url"] and r["source_url"] not in listed
    ]
    assert not unlisted, unlisted
