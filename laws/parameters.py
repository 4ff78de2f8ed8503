"""Structured parameters of a legal requirement, one schema per topic.

A requirement's ``parameters`` hold the numbers a law check compares measurements
with, e.g. ``{"regular_hours_per_week": 48}``. Each topic accepts only its own keys;
``validate_parameters`` is called by the model's ``clean`` and by every service that
writes a requirement, so a typo in a key or a negative cap never reaches the library.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    WORKING_HOURS = "working_hours", _("Working hours")
    OVERTIME = "overtime", _("Overtime")
    OVERTIME_PREMIUM = "overtime_premium", _("Overtime premium")
    MINIMUM_AGE = "minimum_age", _("Minimum age")
    MINIMUM_WAGE = "minimum_wage", _("Minimum wage")
    WEEKLY_REST = "weekly_rest", _("Weekly rest")
    ANNUAL_LEAVE = "annual_leave", _("Annual leave")
    HEALTH_SAFETY = "health_safety", _("Health and safety")
    FREEDOM_OF_ASSOCIATION = "freedom_of_association", _("Freedom of association")
    ENVIRONMENT_PERMITS = "environment_permits", _("Environmental permits")


@dataclass(frozen=True)
class Parameter:
    key: str
    label: Any
    unit: str
    # "max": the law allows at most this; "min": the law requires at least this.
    bound: str
    # Whole numbers only (ages, days) or decimals (hours, money, percentages).
    integer: bool = False


P = Parameter
SCHEMAS: dict[str, tuple[Parameter, ...]] = {
    Topic.WORKING_HOURS: (
        P("regular_hours_per_day", _("Regular hours per day"), "h", "max"),
        P("regular_hours_per_week", _("Regular hours per week"), "h", "max"),
    ),
    Topic.OVERTIME: (
        P("max_overtime_hours_per_day", _("Overtime per day"), "h", "max"),
        P("max_total_hours_per_day", _("Total hours per day"), "h", "max"),
        P("max_overtime_hours_per_week", _("Overtime per week"), "h", "max"),
        P("max_total_hours_per_week", _("Total hours per week"), "h", "max"),
        P("max_overtime_hours_per_month", _("Overtime per month"), "h", "max"),
        P("max_overtime_hours_per_quarter", _("Overtime per quarter"), "h", "max"),
        P("max_overtime_hours_per_year", _("Overtime per year"), "h", "max"),
    ),
    Topic.OVERTIME_PREMIUM: (
        P("overtime_premium_percent", _("Overtime pay, % of the ordinary rate"), "%", "min"),
        P("rest_day_premium_percent", _("Rest-day work pay, % of the ordinary rate"), "%", "min"),
        P("holiday_premium_percent", _("Holiday work pay, % of the ordinary rate"), "%", "min"),
    ),
    Topic.MINIMUM_AGE: (
        P("minimum_age_general", _("Minimum age for work"), "years", "min", integer=True),
        P(
            "minimum_age_hazardous",
            _("Minimum age for hazardous work"),
            "years",
            "min",
            integer=True,
        ),
        P("minimum_age_light_work", _("Minimum age for light work"), "years", "min", integer=True),
    ),
    Topic.MINIMUM_WAGE: (
        P("minimum_monthly_wage", _("Minimum monthly wage"), "currency", "min"),
        P("minimum_daily_wage", _("Minimum daily wage"), "currency", "min"),
    ),
    Topic.WEEKLY_REST: (
        P("min_rest_days_per_week", _("Rest days per week"), "days", "min"),
        P("max_consecutive_days_worked", _("Consecutive days worked"), "days", "max", integer=True),
    ),
    Topic.ANNUAL_LEAVE: (P("min_annual_leave_days", _("Paid annual leave"), "days", "min"),),
    Topic.HEALTH_SAFETY: (),
    Topic.FREEDOM_OF_ASSOCIATION: (),
    Topic.ENVIRONMENT_PERMITS: (),
}

# Keys that describe a wage rather than bound it.
WAGE_CONTEXT_KEYS = ("currency",)


def parameter(key: str) -> Parameter:
    for schema in SCHEMAS.values():
        for item in schema:
            if item.key == key:
                return item
    raise KeyError(key)


def validate_parameters(topic: str, parameters: Any) -> dict[str, Any]:
    """Check ``parameters`` against the topic's schema and return them normalised
    (numbers as int or float). Raises ``ValidationError`` naming every bad key."""
    if topic not in SCHEMAS:
        raise ValidationError({"topic": _("Unknown topic %(topic)s.") % {"topic": topic}})
    if not isinstance(parameters, dict):
        raise ValidationError({"parameters": _("Parameters must be an object of key: value.")})
    allowed = {item.key: item for item in SCHEMAS[topic]}
    wage_topic = topic == Topic.MINIMUM_WAGE
    errors: list[Any] = []
    clean: dict[str, Any] = {}
    for key, value in parameters.items():
        if wage_topic and key == "currency":
            if not (
                isinstance(value, str) and len(value) == 3 and value.isalpha() and value.isupper()
            ):
                errors.append(_("currency must be an ISO 4217 code such as BDT."))
            else:
                clean[key] = value
            continue
        item = allowed.get(key)
        if item is None:
            known = ", ".join(sorted(allowed)) or _("none")
            errors.append(
                _("%(key)s is not a parameter of %(topic)s (known: %(known)s).")
                % {"key": key, "topic": topic, "known": known}
            )
            continue
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            errors.append(_("%(key)s must be a number.") % {"key": key})
            continue
        if isinstance(value, bool) or not number.is_finite() or number <= 0:
            errors.append(_("%(key)s must be a positive number.") % {"key": key})
            continue
        if item.integer and number != number.to_integral_value():
            errors.append(_("%(key)s must be a whole number.") % {"key": key})
            continue
        clean[key] = int(number) if number == number.to_integral_value() else float(number)
    if wage_topic and any(k != "currency" for k in clean) and "currency" not in clean:
        errors.append(_("A wage needs its currency (ISO 4217 code)."))
    if errors:
        raise ValidationError({"parameters": errors})
    return clean
