"""The law library's writes and its check: versions that keep history, an import that
loads all or nothing, the review of unsourced facts, and measured values against the
law in force (and a brand's stricter code)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError

from csr_platform.errors import StateConflict
from csr_platform.models import User
from laws.checks import law_check
from laws.models import CodeClause, LegalInstrument, Requirement
from laws.selectors import versions_of
from laws.services import (
    LIBRARY_FORMAT,
    code_clause_create,
    library_export,
    library_import,
    requirement_mark_reviewed,
    requirement_revise,
)
from tests.factories import UserFactory, member

BLA = "Bangladesh Labour Act 2006"
VN_CODE = "Labour Code 2019"
LK_WAGE_ACT = "National Minimum Wage of Workers Act 2016"


def _person(**fields: Any) -> User:
    return cast(User, UserFactory(**fields))


def _instrument(country: str, title: str) -> LegalInstrument:
    instrument, _created = LegalInstrument.objects.get_or_create(country=country, title=title)
    return instrument


def _rule(
    *,
    country: str = "BD",
    topic: str = "overtime",
    parameters: dict[str, Any] | None = None,
    instrument: str = BLA,
    citation: str = "s.102",
    effective_from: date = date(2006, 10, 11),
    scope: str = "",
    **fields: Any,
) -> Requirement:
    """A live requirement with a source, as the seeded library holds them."""
    fields.setdefault("source_url", "https://example.org/law")
    return Requirement.objects.create(
        country=country,
        topic=topic,
        scope=scope,
        instrument=_instrument(country, instrument),
        citation=citation,
        summary=fields.pop("summary", f"{topic} rule of {country}"),
        parameters=parameters if parameters is not None else {"max_total_hours_per_week": 60},
        effective_from=effective_from,
        **fields,
    )


def _in_force(on: date, **where: Any) -> list[Requirement]:
    return list(Requirement.objects.in_force(on).filter(**where))


def _lk_wage(start: str, wage: int, **overrides: Any) -> dict[str, Any]:
    return {
        "country": "LK",
        "topic": "minimum_wage",
        "scope": "",
        "instrument": LK_WAGE_ACT,
        "citation": "s.3",
        "summary": f"National minimum monthly wage LKR {wage:,}.",
        "parameters": {"minimum_monthly_wage": wage, "currency": "LKR"},
        "effective_from": start,
        "source_url": "https://example.org/lk-minimum-wage",
        **overrides,
    }


def _document(*requirements: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": LIBRARY_FORMAT,
        "instruments": [
            {"country": "LK", "title": LK_WAGE_ACT, "year": 2016, "kind": "statute"},
            {"country": "BD", "title": BLA, "year": 2006, "kind": "statute"},
        ],
        "requirements": list(requirements),
    }


# --- Revising: a correction or a new version, never an overwrite --------------------------


@pytest.mark.django_db
def test_a_correction_retracts_the_old_record_and_keeps_it_as_history() -> None:
    recorded = _rule(parameters={"max_total_hours_per_week": 62})
    editor = _person()

    corrected = requirement_revise(
        requirement=recorded,
        changes={"parameters": {"max_total_hours_per_week": 60}},
        by=editor,
    )

    recorded.refresh_from_db()
    assert corrected.pk != recorded.pk
    assert recorded.retracted
    assert recorded.superseded_by == corrected
    assert recorded.parameters == {"max_total_hours_per_week": 62}  # history as it was
    assert not corrected.retracted
    assert corrected.parameters == {"max_total_hours_per_week": 60}
    assert corrected.effective_from == recorded.effective_from
    assert corrected.created_by == editor
    for day in (date(2006, 10, 11), date(2015, 1, 1), date(2030, 1, 1)):
        assert _in_force(day) == [corrected]
    assert list(versions_of(corrected)) == [recorded, corrected]


@pytest.mark.django_db
def test_a_later_start_date_makes_a_new_version_and_ends_the_old_one_the_day_before() -> None:
    old = _rule(parameters={"max_total_hours_per_week": 60})

    new = requirement_revise(
        requirement=old,
        changes={"parameters": {"max_total_hours_per_week": 56}},
        effective_from=date(2026, 1, 1),
        by=_person(),
    )

    old.refresh_from_db()
    assert not old.retracted
    assert old.effective_to == date(2025, 12, 31)
    assert old.superseded_by == new
    assert new.effective_from == date(2026, 1, 1)
    assert new.effective_to is None
    assert _in_force(date(2025, 12, 31)) == [old]
    assert _in_force(date(2026, 1, 1)) == [new]
    assert [r.parameters for r in versions_of(new)] == [
        {"max_total_hours_per_week": 60},
        {"max_total_hours_per_week": 56},
    ]


@pytest.mark.django_db
def test_an_unchanged_revision_records_nothing() -> None:
    rule = _rule()

    same = requirement_revise(
        requirement=rule, changes={"parameters": {"max_total_hours_per_week": 60}}, by=None
    )

    assert same == rule
    assert Requirement.objects.count() == 1


@pytest.mark.django_db
def test_a_corrected_record_cannot_be_revised_again() -> None:
    recorded = _rule()
    requirement_revise(requirement=recorded, changes={"citation": "s.108"}, by=None)
    recorded.refresh_from_db()

    with pytest.raises(StateConflict):
        requirement_revise(requirement=recorded, changes={"citation": "s.109"}, by=None)

    assert Requirement.objects.count() == 2


@pytest.mark.django_db
def test_a_new_version_cannot_start_before_the_current_one() -> None:
    rule = _rule(effective_from=date(2020, 1, 1))

    with pytest.raises(ValidationError) as caught:
        requirement_revise(
            requirement=rule, changes={"citation": "s.9"}, effective_from=date(2019, 1, 1), by=None
        )

    assert "effective_from" in caught.value.message_dict
    assert Requirement.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("topic", "parameters", "named"),
    [
        ("overtime", {"max_total_hours_per_wek": 60}, "max_total_hours_per_wek"),
        ("overtime", {"max_total_hours_per_week": -60}, "max_total_hours_per_week"),
        ("minimum_wage", {"minimum_monthly_wage": 12500}, "currency"),
    ],
    ids=["unknown-key", "negative", "wage-without-currency"],
)
def test_bad_parameters_are_refused_naming_the_key(
    topic: str, parameters: dict[str, Any], named: str
) -> None:
    rule = _rule(topic=topic, parameters={})

    with pytest.raises(ValidationError) as caught:
        requirement_revise(requirement=rule, changes={"parameters": parameters}, by=None)

    assert any(named in message for message in caught.value.message_dict["parameters"])
    assert Requirement.objects.count() == 1


@pytest.mark.django_db
def test_an_unsourced_record_cannot_be_cleared_of_its_review_flag_by_a_revision() -> None:
    unsourced = _rule(source_url="", needs_review=True)

    with pytest.raises(ValidationError):
        requirement_revise(requirement=unsourced, changes={"needs_review": False}, by=None)


# --- Import: idempotent, all entries or none ---------------------------------------------


@pytest.mark.django_db
def test_importing_the_same_document_twice_changes_nothing_the_second_time() -> None:
    document = _document(_lk_wage("2025-04-01", 27_000), _lk_wage("2026-01-01", 30_000))
    first = library_import(document)

    second = library_import(document)

    assert (first.requirements_created, first.instruments_created) == (2, 2)
    assert second.requirements_created == second.requirements_corrected == 0
    assert second.instruments_created == 0
    assert second.requirements_unchanged == 2
    assert Requirement.objects.count() == 2


@pytest.mark.django_db
def test_a_changed_fact_on_import_becomes_a_correction_with_the_old_record_kept() -> None:
    library_import(_document(_lk_wage("2025-04-01", 25_000)))

    result = library_import(_document(_lk_wage("2025-04-01", 27_000)))

    assert result.requirements_corrected == 1
    history = list(versions_of(Requirement.objects.get(retracted=False)))
    assert [(r.parameters["minimum_monthly_wage"], r.retracted) for r in history] == [
        (25_000, True),
        (27_000, False),
    ]
    assert history[0].superseded_by == history[1]
    assert [r.parameters["minimum_monthly_wage"] for r in _in_force(date(2025, 6, 1))] == [27_000]


@pytest.mark.django_db
def test_a_new_start_date_on_import_becomes_the_next_version_of_the_series() -> None:
    library_import(_document(_lk_wage("2025-04-01", 27_000)))

    result = library_import(_document(_lk_wage("2026-01-01", 30_000)))

    assert result.requirements_created == 1
    earlier = Requirement.objects.get(effective_from=date(2025, 4, 1))
    later = Requirement.objects.get(effective_from=date(2026, 1, 1))
    assert earlier.superseded_by == later
    assert earlier.effective_to == date(2025, 12, 31)
    assert _in_force(date(2025, 12, 31)) == [earlier]
    assert _in_force(date(2026, 2, 1)) == [later]


@pytest.mark.django_db
def test_one_bad_entry_among_good_ones_loads_nothing_and_is_reported() -> None:
    document = _document(
        _lk_wage("2025-04-01", 27_000),
        _lk_wage("2026-01-01", 30_000, parameters={"minimum_monthly_wage": 30_000}),
        _lk_wage("2027-01-01", 32_000),
    )

    with pytest.raises(ValidationError) as caught:
        library_import(document)

    assert len(caught.value.messages) == 1
    assert "requirement 2" in caught.value.messages[0]
    assert "currency" in caught.value.messages[0]
    assert not Requirement.objects.exists()
    assert not LegalInstrument.objects.exists()


@pytest.mark.django_db
def test_a_document_of_another_format_is_refused() -> None:
    document = {**_document(_lk_wage("2025-04-01", 27_000)), "format": "law-library/0"}

    with pytest.raises(ValidationError) as caught:
        library_import(document)

    assert LIBRARY_FORMAT in caught.value.messages[0]
    assert not Requirement.objects.exists()


@pytest.mark.django_db
def test_an_entry_that_ends_before_it_starts_is_reported_not_crashed_on() -> None:
    document = _document(_lk_wage("2025-04-01", 27_000, effective_to="2024-12-31"))

    with pytest.raises(ValidationError) as caught:
        library_import(document)

    assert "requirement 1" in caught.value.messages[0]


@pytest.mark.django_db
def test_an_entry_that_is_not_an_object_is_reported() -> None:
    document = _document(_lk_wage("2025-04-01", 27_000), "LK minimum wage 30000")  # type: ignore[arg-type]

    with pytest.raises(ValidationError) as caught:
        library_import(document)

    assert "requirement 2" in " ".join(caught.value.messages)


@pytest.mark.django_db
def test_a_bad_review_date_names_its_entry() -> None:
    document = _document(_lk_wage("2025-04-01", 27_000, last_reviewed="April 2025"))

    with pytest.raises(ValidationError) as caught:
        library_import(document)

    assert "requirement 1" in caught.value.messages[0]


@pytest.mark.django_db
def test_export_then_import_into_an_empty_library_gives_the_same_answers() -> None:
    library_import(
        _document(
            _lk_wage("2025-04-01", 25_000),
            _lk_wage("2026-01-01", 30_000),
            {
                "country": "BD",
                "topic": "overtime",
                "instrument": BLA,
                "citation": "s.102",
                "summary": "At most 60 hours a week including overtime.",
                "parameters": {"max_total_hours_per_week": 60},
                "effective_from": "2006-10-11",
                "needs_review": True,
                "review_note": "Check the 2018 amendment.",
            },
        )
    )
    library_import(_document(_lk_wage("2025-04-01", 27_000)))  # a correction
    days = [date(2010, 1, 1), date(2025, 6, 1), date(2025, 12, 31), date(2026, 2, 1)]

    def answers() -> list[list[tuple[Any, ...]]]:
        return [
            sorted(
                (
                    r.country.code,
                    r.topic,
                    r.scope,
                    json.dumps(r.parameters, sort_keys=True),
                    r.effective_from,
                    r.effective_to,
                    r.instrument.title,
                    r.needs_review,
                )
                for r in Requirement.objects.in_force(day).select_related("instrument")
            )
            for day in days
        ]

    before = answers()
    exported = json.loads(json.dumps(library_export()))
    Requirement.objects.all().delete()
    LegalInstrument.objects.all().delete()

    result = library_import(exported)

    assert result.requirements_created == 3
    assert answers() == before
    assert [len(rows) for rows in before] == [1, 2, 2, 2]


# --- Review -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_review_clears_the_flag_and_records_who_and_when() -> None:
    flagged = _rule(needs_review=True, review_note="Check s.102 against the 2018 text.")
    reviewer = _person(full_name="Rina Akter")

    reviewed = requirement_mark_reviewed(requirement=flagged, by=reviewer, note="Checked.")

    flagged.refresh_from_db()
    assert not flagged.needs_review
    assert flagged.last_reviewed is not None
    assert flagged.reviewer == "Rina Akter"
    assert flagged.review_note == "Checked."
    assert reviewed.pk == flagged.pk


@pytest.mark.django_db
def test_a_fact_without_a_source_cannot_be_marked_reviewed() -> None:
    unsourced = _rule(source_url="", needs_review=True)

    with pytest.raises(ValidationError) as caught:
        requirement_mark_reviewed(requirement=unsourced, by=_person())

    assert "source_url" in caught.value.message_dict
    unsourced.refresh_from_db()
    assert unsourced.needs_review
    assert unsourced.last_reviewed is None


# --- The law check ------------------------------------------------------------------------

ON = date(2026, 1, 1)


@pytest.mark.django_db
def test_a_breach_is_explained_in_one_plain_sentence() -> None:
    _rule(parameters={"max_total_hours_per_week": 60})

    result = law_check(country="BD", on=ON, measured={"weekly_hours_total": 72})

    [breach] = result.breaches
    assert breach.explanation == (
        "72 h worked in a week; Bangladesh Labour Act 2006 s.102 allows at most 60 h."
    )
    assert (breach.source, breach.severity, breach.category) == ("law", "major", "HOURS")
    assert breach.limit == Decimal(60)


@pytest.mark.django_db
@pytest.mark.parametrize(("hours", "breached"), [(60, False), ("60.5", True), (59, False)], ids=str)
def test_a_maximum_is_breached_only_above_it(hours: Any, breached: bool) -> None:
    _rule(parameters={"max_total_hours_per_week": 60})

    result = law_check(country="BD", on=ON, measured={"weekly_hours_total": hours})

    assert bool(result.breaches) is breached


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("topic", "parameters", "measure", "limit"),
    [
        ("minimum_age", {"minimum_age_general": 14}, "youngest_worker_age", 14),
        (
            "minimum_wage",
            {"minimum_monthly_wage": 12500, "currency": "BDT"},
            "lowest_monthly_wage",
            12500,
        ),
        ("annual_leave", {"min_annual_leave_days": 12}, "annual_leave_days", 12),
        (
            "overtime_premium",
            {"overtime_premium_percent": 200},
            "overtime_premium_paid_percent",
            200,
        ),
    ],
    ids=["age", "wage", "leave", "premium"],
)
def test_a_minimum_is_breached_below_it_and_met_at_it(
    topic: str, parameters: dict[str, Any], measure: str, limit: int
) -> None:
    _rule(topic=topic, parameters=parameters)

    below = law_check(country="BD", on=ON, measured={measure: limit - 1})
    equal = law_check(country="BD", on=ON, measured={measure: limit})

    [breach] = below.breaches
    assert (breach.measure, breach.bound, breach.limit) == (measure, "min", Decimal(limit))
    assert "requires at least" in breach.explanation
    assert equal.breaches == []


@pytest.mark.django_db
def test_child_labour_is_zero_tolerance_and_a_wage_names_its_currency() -> None:
    _rule(topic="minimum_age", parameters={"minimum_age_general": 14}, citation="s.34")
    _rule(
        topic="minimum_wage",
        citation="s.149",
        parameters={"minimum_monthly_wage": 12500, "currency": "BDT"},
    )

    result = law_check(
        country="BD", on=ON, measured={"youngest_worker_age": 13, "lowest_monthly_wage": 11000}
    )

    by_measure = {b.measure: b for b in result.breaches}
    assert by_measure["youngest_worker_age"].severity == "zero_tolerance"
    assert by_measure["youngest_worker_age"].category == "CHILD"
    assert by_measure["lowest_monthly_wage"].explanation == (
        "a monthly wage of 11,000 BDT; Bangladesh Labour Act 2006 s.149 requires at least "
        "12,500 BDT."
    )


def _code(brand_admin: Any, **values: Any) -> CodeClause:
    values = {
        "reference": "CoC 4.1",
        "title": "Working hours",
        "text": "No more than 60 hours a week, overtime included.",
        "category": "HOURS",
        "topic": "overtime",
        "parameters": {"max_total_hours_per_week": 60},
        **values,
    }
    return code_clause_create(by=brand_admin, **values)


@pytest.mark.django_db
def test_a_stricter_code_turns_a_lawful_week_into_an_observation() -> None:
    _rule(
        country="VN",
        instrument=VN_CODE,
        citation="Art. 107",
        parameters={"max_total_hours_per_week": 72},
    )
    clause = _code(member("brand", "admin"))

    result = law_check(country="VN", on=ON, measured={"weekly_hours_total": 65}, clauses=[clause])

    [breach] = result.breaches
    assert (breach.source, breach.severity) == ("code", "observation")
    assert breach.limit == Decimal(60)
    assert breach.law_limit == Decimal(72)
    assert breach.clause == clause
    assert breach.explanation == (
        "65 h worked in a week; your code of conduct (CoC 4.1) allows at most 60 h."
    )


@pytest.mark.django_db
def test_a_week_over_the_law_is_a_legal_breach_that_also_mentions_the_code() -> None:
    _rule(
        country="VN",
        instrument=VN_CODE,
        citation="Art. 107",
        parameters={"max_total_hours_per_week": 72},
    )
    clause = _code(member("brand", "admin"))

    result = law_check(country="VN", on=ON, measured={"weekly_hours_total": 75}, clauses=[clause])

    [breach] = result.breaches
    assert (breach.source, breach.severity, breach.limit) == ("law", "major", Decimal(72))
    assert breach.explanation == (
        "75 h worked in a week; Labour Code 2019 Art. 107 allows at most 72 h. "
        "Your code of conduct (CoC 4.1) sets 60 h."
    )


@pytest.mark.django_db
def test_a_clause_limited_to_other_countries_does_not_apply() -> None:
    _rule(country="VN", instrument=VN_CODE, parameters={"max_total_hours_per_week": 72})
    bangladesh_only = _code(member("brand", "admin"), countries=["BD"])

    in_vietnam = law_check(
        country="VN", on=ON, measured={"weekly_hours_total": 65}, clauses=[bangladesh_only]
    )
    in_bangladesh = law_check(
        country="BD", on=ON, measured={"weekly_hours_total": 65}, clauses=[bangladesh_only]
    )

    assert in_vietnam.breaches == []
    assert [b.source for b in in_bangladesh.breaches] == ["code"]


@pytest.mark.django_db
def test_a_code_only_wage_limit_is_explained_in_the_clauses_currency() -> None:
    clause = _code(
        member("brand", "admin"),
        category="WAGE",
        topic="minimum_wage",
        parameters={"minimum_monthly_wage": 15000, "currency": "BDT"},
    )

    result = law_check(
        country="BD", on=ON, measured={"lowest_monthly_wage": 13000}, clauses=[clause]
    )

    [breach] = result.breaches
    assert breach.unit == "BDT"
    assert "currency" not in breach.explanation


def _vn_regional_wages() -> None:
    for scope, wage in (("region_i", 4_960_000), ("region_iv", 3_450_000)):
        _rule(
            country="VN",
            topic="minimum_wage",
            scope=scope,
            instrument="Decree 74/2024/ND-CP",
            citation="Art. 3",
            parameters={"minimum_monthly_wage": wage, "currency": "VND"},
            effective_from=date(2024, 7, 1),
        )


@pytest.mark.django_db
def test_without_a_wage_scope_the_most_lenient_regional_wage_is_the_limit() -> None:
    _vn_regional_wages()

    lawful_somewhere = law_check(country="VN", on=ON, measured={"lowest_monthly_wage": 4_000_000})
    below_all = law_check(country="VN", on=ON, measured={"lowest_monthly_wage": 3_000_000})

    assert lawful_somewhere.breaches == []
    [breach] = below_all.breaches
    assert breach.limit == Decimal(3_450_000)
    assert breach.requirement is not None
    assert breach.requirement.scope == "region_iv"


@pytest.mark.django_db
def test_with_a_wage_scope_that_regions_wage_is_the_limit() -> None:
    _vn_regional_wages()

    result = law_check(
        country="VN", on=ON, measured={"lowest_monthly_wage": 4_000_000}, wage_scope="region_i"
    )

    [breach] = result.breaches
    assert breach.limit == Decimal(4_960_000)
    assert "4,960,000 VND" in breach.explanation


@pytest.mark.django_db
def test_measures_no_law_speaks_to_are_listed_as_not_checked() -> None:
    _rule(parameters={"max_total_hours_per_week": 60})

    result = law_check(
        country="BD", on=ON, measured={"weekly_hours_total": 50, "youngest_worker_age": 15}
    )

    assert result.breaches == []
    assert result.not_checked == ["youngest_worker_age"]


@pytest.mark.django_db
def test_the_check_uses_the_version_in_force_on_the_audit_date() -> None:
    old = _rule(parameters={"max_total_hours_per_week": 60})
    requirement_revise(
        requirement=old,
        changes={"parameters": {"max_total_hours_per_week": 56}},
        effective_from=date(2026, 1, 1),
        by=None,
    )

    before = law_check(country="BD", on=date(2025, 12, 31), measured={"weekly_hours_total": 58})
    after = law_check(country="BD", on=date(2026, 1, 1), measured={"weekly_hours_total": 58})

    assert before.breaches == []
    [breach] = after.breaches
    assert breach.limit == Decimal(56)


@pytest.mark.django_db
def test_regular_hours_plus_overtime_make_the_weekly_limit_when_no_total_is_given() -> None:
    _rule(topic="working_hours", citation="s.102", parameters={"regular_hours_per_week": 48})
    _rule(topic="overtime", citation="s.108", parameters={"max_overtime_hours_per_week": 12})

    at_limit = law_check(country="BD", on=ON, measured={"weekly_hours_total": 60})
    over = law_check(country="BD", on=ON, measured={"weekly_hours_total": 61})

    assert at_limit.breaches == []
    [breach] = over.breaches
    assert breach.limit == Decimal(60)
    assert "allows at most 60 h" in breach.explanation
