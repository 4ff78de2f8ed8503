"""Reads of the law library that pages and the API share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django_countries import countries

from laws.models import Requirement
from laws.parameters import SCHEMAS, Parameter, Topic

DEFAULT_COMPARISON = (Topic.WORKING_HOURS, Topic.OVERTIME)


@dataclass
class ComparisonRow:
    country: str
    country_name: str
    scope: str
    cells: dict[str, dict[str, Any]] = field(default_factory=dict)
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        return any(r.needs_review for r in self.requirements)


@dataclass
class Comparison:
    topics: tuple[str, ...]
    on: date
    columns: list[Parameter]
    rows: list[ComparisonRow]


def comparison(*, topics: tuple[str, ...] = DEFAULT_COMPARISON, on: date) -> Comparison:
    """One topic (or several) across every country of the library, as in force on
    ``on``: one row per country (and scope), one column per parameter. One query."""
    columns = [item for topic in topics for item in SCHEMAS[topic]]
    in_force_rules = (
        Requirement.objects.in_force(on)
        .filter(topic__in=topics)
        .select_related("instrument")
        .order_by("country", "scope", "topic")
    )
    rows: dict[tuple[str, str], ComparisonRow] = {}
    for requirement in _general_rules_first(list(in_force_rules)):
        code = str(requirement.country)
        # Scoped rules (regional wages) get their own row; general rules share one.
        scope = requirement.scope if requirement.topic == Topic.MINIMUM_WAGE else ""
        row = rows.setdefault((code, scope), ComparisonRow(code, str(countries.name(code)), scope))
        row.requirements.append(requirement)
        currency = requirement.parameters.get("currency", "")
        for item in SCHEMAS[requirement.topic]:
            if item.key in requirement.parameters:
                row.cells[item.key] = {
                    "value": requirement.parameters[item.key],
                    "unit": currency if item.unit == "currency" else item.unit,
                    "requirement": requirement,
                }
    used = {key for row in rows.values() for key in row.cells}
    return Comparison(
        topics=topics,
        on=on,
        columns=[c for c in columns if c.key in used],
        rows=sorted(rows.values(), key=lambda r: (r.country_name, r.scope)),
    )


def _general_rules_first(requirements: list[Requirement]) -> list[Requirement]:
    """Wages keep every scope (each gets a row); on other topics a country's general
    rule stands for it, and scoped exceptions (seasonal factories, shops) are left out
    unless there is no general rule."""
    general = {(str(r.country), r.topic) for r in requirements if r.scope == ""}
    return [
        r
        for r in requirements
        if r.topic == Topic.MINIMUM_WAGE
        or r.scope == ""
        or (str(r.country), r.topic) not in general
    ]


def versions_of(requirement: Requirement) -> QuerySet[Requirement]:
    """Every recorded version of the same rule, corrections included, oldest first."""
    return (
        Requirement.objects.filter(
            country=requirement.country, topic=requirement.topic, scope=requirement.scope
        )
        .select_related("instrument")
        .order_by("effective_from", "created_at")
    )


def version_on(requirement: Requirement, on: date) -> Requirement | None:
    """The version of the same rule that was in force on ``on``."""
    return (
        Requirement.objects.in_force(on)
        .filter(country=requirement.country, topic=requirement.topic, scope=requirement.scope)
        .select_related("instrument")
        .first()
    )


def library_countries() -> list[tuple[str, str]]:
    """(code, name) of every country the library covers, by name."""
    codes = Requirement.objects.live().values_list("country", flat=True).order_by().distinct()
    return sorted(
        ((str(code), str(countries.name(str(code)))) for code in codes), key=lambda c: c[1]
    )


def in_force(*, country: str, topic: str, on: date, scope: str = "") -> Requirement | None:
    """The version of a country's rule on ``topic`` that applied on ``on`` — what a
    finding records for its audit date."""
    return (
        Requirement.objects.in_force(on)
        .filter(country=country, topic=topic, scope=scope)
        .select_related("instrument")
        .first()
    )
