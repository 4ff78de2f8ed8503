"""The law check: measured values against the law in force (and the brand's code).

``law_check`` takes a country, a date and what an auditor measured, and returns each
limit breached with a plain explanation and the severity it suggests. Where a brand's
code of conduct is stricter than the law, the stricter limit applies and the breach
says which one was broken. All requirements and clauses are read in two queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laws.models import CodeClause, Requirement
from laws.parameters import Topic
from laws.taxonomy import FindingCategory, Severity


@dataclass(frozen=True)
class Measure:
    key: str
    label: Any
    unit: str
    # How the measured value reads in an explanation ("72 h worked in a week").
    phrase: Any


MEASURES: tuple[Measure, ...] = (
    Measure(
        "weekly_hours_total",
        gettext_lazy("Hours worked in a week (longest week)"),
        "h",
        gettext_lazy("%(value)s h worked in a week"),
    ),
    Measure(
        "weekly_overtime_hours",
        gettext_lazy("Overtime hours in a week"),
        "h",
        gettext_lazy("%(value)s h of overtime in a week"),
    ),
    Measure(
        "monthly_overtime_hours",
        gettext_lazy("Overtime hours in a month"),
        "h",
        gettext_lazy("%(value)s h of overtime in a month"),
    ),
    Measure(
        "daily_hours",
        gettext_lazy("Hours worked in a day (longest day)"),
        "h",
        gettext_lazy("%(value)s h worked in a day"),
    ),
    Measure(
        "consecutive_days_worked",
        gettext_lazy("Consecutive days worked without a rest day"),
        "days",
        gettext_lazy("%(value)s days worked in a row"),
    ),
    Measure(
        "youngest_worker_age",
        gettext_lazy("Age of the youngest worker"),
        "years",
        gettext_lazy("a worker aged %(value)s"),
    ),
    Measure(
        "lowest_monthly_wage",
        gettext_lazy("Lowest monthly wage paid (local currency)"),
        "currency",
        gettext_lazy("a monthly wage of %(value)s %(unit)s"),
    ),
    Measure(
        "annual_leave_days",
        gettext_lazy("Paid annual leave days granted"),
        "days",
        gettext_lazy("%(value)s days of paid annual leave"),
    ),
    Measure(
        "overtime_premium_paid_percent",
        gettext_lazy("Overtime paid, % of the ordinary rate"),
        "%",
        gettext_lazy("overtime paid at %(value)s %% of the ordinary rate"),
    ),
)
MEASURE_KEYS = tuple(m.key for m in MEASURES)


@dataclass(frozen=True)
class Rule:
    """One comparison: a measure against a limit read from requirements of a topic."""

    measure: str
    topic: str
    # The parameter read; a pair means "sum of these two" when the first is missing.
    key: str
    fallback_sum: tuple[str, str] | None
    bound: str  # "max" or "min"
    category: str
    severity: str


RULES: tuple[Rule, ...] = (
    Rule(
        "weekly_hours_total",
        Topic.OVERTIME,
        "max_total_hours_per_week",
        ("regular_hours_per_week", "max_overtime_hours_per_week"),
        "max",
        FindingCategory.HOURS,
        Severity.MAJOR,
    ),
    Rule(
        "weekly_overtime_hours",
        Topic.OVERTIME,
        "max_overtime_hours_per_week",
        None,
        "max",
        FindingCategory.HOURS,
        Severity.MAJOR,
    ),
    Rule(
        "monthly_overtime_hours",
        Topic.OVERTIME,
        "max_overtime_hours_per_month",
        None,
        "max",
        FindingCategory.HOURS,
        Severity.MAJOR,
    ),
    Rule(
        "daily_hours",
        Topic.OVERTIME,
        "max_total_hours_per_day",
        ("regular_hours_per_day", "max_overtime_hours_per_day"),
        "max",
        FindingCategory.HOURS,
        Severity.MAJOR,
    ),
    Rule(
        "consecutive_days_worked",
        Topic.WEEKLY_REST,
        "max_consecutive_days_worked",
        None,
        "max",
        FindingCategory.HOURS,
        Severity.MAJOR,
    ),
    # Child labour is zero tolerance (amfori Zero Tolerance Protocol).
    Rule(
        "youngest_worker_age",
        Topic.MINIMUM_AGE,
        "minimum_age_general",
        None,
        "min",
        FindingCategory.CHILD,
        Severity.ZERO_TOLERANCE,
    ),
    Rule(
        "lowest_monthly_wage",
        Topic.MINIMUM_WAGE,
        "minimum_monthly_wage",
        None,
        "min",
        FindingCategory.WAGE,
        Severity.MAJOR,
    ),
    Rule(
        "annual_leave_days",
        Topic.ANNUAL_LEAVE,
        "min_annual_leave_days",
        None,
        "min",
        FindingCategory.HOURS,
        Severity.MINOR,
    ),
    Rule(
        "overtime_premium_paid_percent",
        Topic.OVERTIME_PREMIUM,
        "overtime_premium_percent",
        None,
        "min",
        FindingCategory.WAGE,
        Severity.MAJOR,
    ),
)


@dataclass
class Limit:
    value: Decimal
    unit: str
    requirement: Requirement | None = None
    clause: CodeClause | None = None

    @property
    def reference(self) -> str:
        if self.clause is not None:
            return _("your code of conduct (%(ref)s)") % {"ref": self.clause.reference}
        assert self.requirement is not None
        return self.requirement.reference


@dataclass
class Breach:
    measure: str
    value: Decimal
    limit: Decimal
    unit: str
    bound: str
    source: str  # "law" or "code"
    severity: str
    category: str
    explanation: str
    requirement: Requirement | None = None
    clause: CodeClause | None = None
    law_limit: Decimal | None = None
    needs_review: bool = False


@dataclass
class CheckResult:
    country: str
    on: date
    breaches: list[Breach] = field(default_factory=list)
    # Measures given for which no seeded law (nor code clause) sets a limit.
    not_checked: list[str] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)


def _number(value: Any) -> Decimal:
    return Decimal(str(value))


def _law_limit(rule: Rule, in_force: dict[str, list[Requirement]], wage_scope: str) -> Limit | None:
    candidates = in_force.get(rule.topic, [])
    if rule.topic == Topic.MINIMUM_WAGE:
        if wage_scope:
            candidates = [r for r in candidates if r.scope == wage_scope]
    elif any(r.scope == "" for r in candidates):
        # The general rule applies; scoped ones (seasonal factories, shops) are exceptions.
        candidates = [r for r in candidates if r.scope == ""]
    limits: list[Limit] = []
    for requirement in candidates:
        params = requirement.parameters
        unit = params.get("currency", "") if rule.topic == Topic.MINIMUM_WAGE else _unit(rule)
        if rule.key in params:
            limits.append(Limit(_number(params[rule.key]), unit, requirement))
    if not limits and rule.fallback_sum:
        # "48 regular + 12 overtime" when the law states no total: both must be in force.
        first, second = rule.fallback_sum
        base = [r for r in in_force.get(Topic.WORKING_HOURS, []) if first in r.parameters]
        extra = [r for r in candidates if second in r.parameters]
        if base and extra:
            total = _number(base[0].parameters[first]) + _number(extra[0].parameters[second])
            limits.append(Limit(total, _unit(rule), extra[0]))
    if not limits:
        return None
    # Several coexisting rules (e.g. regional wages): a value that breaches the most
    # lenient one breaches them all, so only that one is reported.
    pick = max if rule.bound == "max" else min
    return pick(limits, key=lambda limit: limit.value)


def _unit(rule: Rule) -> str:
    return next(m.unit for m in MEASURES if m.key == rule.measure)


def _code_limit(rule: Rule, clauses: list[CodeClause], country: str) -> Limit | None:
    limits = [
        Limit(
            _number(c.parameters[rule.key]),
            c.parameters.get("currency", "") if rule.topic == Topic.MINIMUM_WAGE else _unit(rule),
            clause=c,
        )
        for c in clauses
        if c.topic == rule.topic and rule.key in c.parameters and c.applies_in(country)
    ]
    if not limits:
        return None
    pick = min if rule.bound == "max" else max  # the strictest clause
    return pick(limits, key=lambda limit: limit.value)


def _breaks(value: Decimal, limit: Decimal, bound: str) -> bool:
    return value > limit if bound == "max" else value < limit


def _fmt(number: Decimal) -> str:
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text


# Units as shown to people; currencies (ISO codes) are shown as they are.
UNIT_LABELS = {"h": gettext_lazy("h"), "days": gettext_lazy("days"), "years": gettext_lazy("years")}


def _explain(measure: Measure, value: Decimal, limit: Limit, bound: str, unit: str) -> str:
    unit = str(UNIT_LABELS.get(unit, unit))
    what = str(measure.phrase) % {"value": _fmt(value), "unit": unit}
    params = {"what": what, "reference": limit.reference, "limit": _fmt(limit.value), "unit": unit}
    if bound == "max":
        return _("%(what)s; %(reference)s allows at most %(limit)s %(unit)s.") % params
    return _("%(what)s; %(reference)s requires at least %(limit)s %(unit)s.") % params


def law_check(
    *,
    country: str,
    on: date,
    measured: dict[str, Any],
    clauses: Iterable[CodeClause] = (),
    wage_scope: str = "",
) -> CheckResult:
    """Compare ``measured`` (keys of ``MEASURE_KEYS``) with the law in force in
    ``country`` on ``on``, and with the given code-of-conduct ``clauses`` (the caller
    passes ``CodeClause.objects.visible_to(membership)``)."""
    in_force_rows = list(
        Requirement.objects.in_force(on).filter(country=country).select_related("instrument")
    )
    in_force: dict[str, list[Requirement]] = {}
    for requirement in in_force_rows:
        in_force.setdefault(requirement.topic, []).append(requirement)
    clauses = [clause for clause in clauses if clause.topic]
    result = CheckResult(country=country, on=on, requirements=in_force_rows)
    measures = {m.key: m for m in MEASURES}
    for rule in RULES:
        raw = measured.get(rule.measure)
        if raw is None or raw == "":
            continue
        value = _number(raw)
        measure = measures[rule.measure]
        law = _law_limit(rule, in_force, wage_scope)
        code = _code_limit(rule, clauses, country)
        if law is None and code is None:
            result.not_checked.append(rule.measure)
            continue
        unit = law.unit if law else code.unit if code else measure.unit
        if law is not None and _breaks(value, law.value, rule.bound):
            explanation = _explain(measure, value, law, rule.bound, unit)
            if (
                code is not None
                and _breaks(value, code.value, rule.bound)
                and code.value != law.value
            ):
                explanation += " " + _(
                    "Your code of conduct (%(ref)s) sets %(limit)s %(unit)s."
                ) % {
                    "ref": code.clause.reference if code.clause else "",
                    "limit": _fmt(code.value),
                    "unit": unit,
                }
            assert law.requirement is not None
            result.breaches.append(
                Breach(
                    measure=rule.measure,
                    value=value,
                    limit=law.value,
                    unit=unit,
                    bound=rule.bound,
                    source="law",
                    severity=rule.severity,
                    category=rule.category,
                    explanation=explanation,
                    requirement=law.requirement,
                    clause=code.clause if code else None,
                    law_limit=law.value,
                    needs_review=law.requirement.needs_review,
                )
            )
        elif code is not None and _breaks(value, code.value, rule.bound):
            # Within the law but not the brand's code: an observation, not a legal
            # non-compliance (SMETA guidance: customer-code-only gaps are observations).
            result.breaches.append(
                Breach(
                    measure=rule.measure,
                    value=value,
                    limit=code.value,
                    unit=unit,
                    bound=rule.bound,
                    source="code",
                    severity=Severity.OBSERVATION,
                    category=rule.category,
                    explanation=_explain(measure, value, code, rule.bound, unit),
                    requirement=law.requirement if law else None,
                    clause=code.clause,
                    law_limit=law.value if law else None,
                )
            )
    return result
