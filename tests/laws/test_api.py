"""The law library over the API: every member reads it, platform staff write it through
versions, the check compares measured values with the law (and the caller's own code),
and a brand keeps its code-of-conduct clauses to itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from csr_platform.models import Membership, User
from laws.models import CodeClause, LegalInstrument, Requirement
from laws.services import LIBRARY_FORMAT, code_clause_create, library_import, requirement_revise
from tests.conftest import api_error, token_client
from tests.factories import UserFactory, member

REQUIREMENTS = "/api/v1/laws/requirements/"
INSTRUMENTS = "/api/v1/laws/instruments/"
CHECK = "/api/v1/laws/check/"
COMPARE = "/api/v1/laws/compare/"
CLAUSES = "/api/v1/laws/code-clauses/"

BLA = "Bangladesh Labour Act 2006"
LK_WAGE_ACT = "National Minimum Wage of Workers Act 2016"
VN_CODE = "Labour Code 2019"


def _entry(country: str, topic: str, instrument: str, **fields: Any) -> dict[str, Any]:
    return {
        "country": country,
        "topic": topic,
        "instrument": instrument,
        "source_url": f"https://example.org/{country.lower()}/{topic}",
        **fields,
    }


def _load_library() -> None:
    """Bangladesh, Sri Lanka and Vietnam, with the Sri Lankan wage in two versions."""
    library_import(
        {
            "format": LIBRARY_FORMAT,
            "instruments": [
                {"country": "BD", "title": BLA, "year": 2006},
                {"country": "LK", "title": LK_WAGE_ACT, "year": 2016},
                {"country": "LK", "title": "Shop and Office Employees Act 1954", "year": 1954},
                {"country": "VN", "title": VN_CODE, "year": 2019},
            ],
            "requirements": [
                _entry(
                    "BD",
                    "working_hours",
                    BLA,
                    citation="s.100",
                    summary="An adult worker works at most 48 regular hours a week.",
                    parameters={"regular_hours_per_week": 48},
                    effective_from="2006-10-11",
                ),
                _entry(
                    "BD",
                    "overtime",
                    BLA,
                    citation="s.102",
                    summary="At most 60 hours a week, overtime included.",
                    parameters={"max_total_hours_per_week": 60},
                    effective_from="2006-10-11",
                ),
                _entry(
                    "LK",
                    "minimum_wage",
                    LK_WAGE_ACT,
                    citation="s.3",
                    summary="National minimum monthly wage LKR 27,000.",
                    parameters={"minimum_monthly_wage": 27000, "currency": "LKR"},
                    effective_from="2025-04-01",
                ),
                _entry(
                    "LK",
                    "minimum_wage",
                    LK_WAGE_ACT,
                    citation="s.3",
                    summary="National minimum monthly wage LKR 30,000.",
                    parameters={"minimum_monthly_wage": 30000, "currency": "LKR"},
                    effective_from="2026-01-01",
                ),
                _entry(
                    "LK",
                    "working_hours",
                    "Shop and Office Employees Act 1954",
                    citation="s.3",
                    summary="Forty-five regular hours a week.",
                    parameters={"regular_hours_per_week": 45},
                    effective_from="1954-01-01",
                    needs_review=True,
                    review_note="Confirm it applies to factory workers.",
                ),
                _entry(
                    "VN",
                    "overtime",
                    VN_CODE,
                    citation="Art. 107",
                    summary="Normal and overtime hours together at most 12 a day.",
                    parameters={"max_total_hours_per_week": 72},
                    effective_from="2021-01-01",
                ),
            ],
        }
    )


def _staff_client() -> tuple[APIClient, User]:
    """Platform staff: signed in to the site, member of no organization."""
    staff = cast(User, UserFactory(is_staff=True, full_name="Library Editor"))
    client = APIClient()
    client.force_login(staff)
    return client, staff


def _rows(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content[:500]
    return cast(list[dict[str, Any]], response.json()["results"])


def _rule(country: str, topic: str, scope: str = "") -> Requirement:
    return Requirement.objects.live().get(country=country, topic=topic, scope=scope)


# --- Reading ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_wage_in_force_on_a_date_is_exactly_that_dates_version() -> None:
    _load_library()
    client = token_client(member("supplier", "member"))

    june = _rows(
        client.get(REQUIREMENTS, {"country": "LK", "topic": "minimum_wage", "on": "2025-06-01"})
    )
    february = _rows(
        client.get(REQUIREMENTS, {"country": "LK", "topic": "minimum_wage", "on": "2026-02-01"})
    )

    assert [row["parameters"]["minimum_monthly_wage"] for row in june] == [27000]
    assert june[0]["effective_to"] == "2025-12-31"
    assert june[0]["superseded_by"] == february[0]["id"]
    assert [row["parameters"]["minimum_monthly_wage"] for row in february] == [30000]
    assert february[0]["supersedes"] == [june[0]["id"]]
    assert february[0]["reference"] == "National Minimum Wage of Workers Act 2016 s.3"


@pytest.mark.django_db
def test_requirements_filter_by_topic_and_review_flag() -> None:
    _load_library()
    client = token_client(member("brand", "viewer"))

    overtime = _rows(client.get(REQUIREMENTS, {"topic": "overtime"}))
    flagged = _rows(client.get(REQUIREMENTS, {"needs_review": "true"}))
    settled = _rows(client.get(REQUIREMENTS, {"needs_review": "false"}))

    assert sorted(row["country"] for row in overtime) == ["BD", "VN"]
    assert [(row["country"], row["topic"]) for row in flagged] == [("LK", "working_hours")]
    assert len(settled) == 5


@pytest.mark.django_db
def test_search_finds_only_the_requirements_that_match() -> None:
    _load_library()
    client = token_client(member("brand", "viewer"))

    found = _rows(client.get(REQUIREMENTS, {"search": "overtime included"}))
    by_instrument = _rows(client.get(REQUIREMENTS, {"search": "Shop Office"}))

    assert [row["citation"] for row in found] == ["s.102"]
    assert [(row["country"], row["topic"]) for row in by_instrument] == [("LK", "working_hours")]


@pytest.mark.django_db
def test_corrected_records_are_listed_only_when_asked_for() -> None:
    _load_library()
    requirement_revise(
        requirement=_rule("BD", "overtime"), changes={"citation": "s.102(1)"}, by=None
    )
    client = token_client(member("brand", "csr"))

    current = _rows(client.get(REQUIREMENTS, {"country": "BD", "topic": "overtime"}))
    everything = _rows(
        client.get(
            REQUIREMENTS, {"country": "BD", "topic": "overtime", "include_corrected": "true"}
        )
    )

    assert [(row["citation"], row["retracted"]) for row in current] == [("s.102(1)", False)]
    assert sorted((row["citation"], row["retracted"]) for row in everything) == [
        ("s.102", True),
        ("s.102(1)", False),
    ]


@pytest.mark.django_db
def test_reading_needs_sign_in_and_any_membership_will_do() -> None:
    _load_library()

    anonymous = APIClient().get(REQUIREMENTS)
    partner = token_client(member("partner", "member")).get(REQUIREMENTS)
    instruments = token_client(member("supplier", "member")).get(INSTRUMENTS, {"country": "LK"})

    api_error(anonymous, 401, "not_authenticated")
    assert partner.status_code == 200
    assert partner.json()["count"] == 6
    assert [row["title"] for row in _rows(instruments)] == [
        LK_WAGE_ACT,
        "Shop and Office Employees Act 1954",
    ]


# --- Writing: platform staff only, through versions ---------------------------------------


@pytest.mark.django_db
def test_members_cannot_write_the_library_even_as_brand_admins() -> None:
    _load_library()
    client = token_client(member("brand", "admin"))
    rule = _rule("BD", "overtime")

    created = client.post(
        REQUIREMENTS,
        {
            "country": "BD",
            "topic": "minimum_age",
            "instrument_id": str(rule.instrument_id),
            "summary": "No child under 14 is employed.",
            "effective_from": "2006-10-11",
        },
    )
    revised = client.post(f"{REQUIREMENTS}{rule.pk}/revise/", {"citation": "s.999"})
    reviewed = client.post(f"{REQUIREMENTS}{rule.pk}/review/")

    for response in (created, revised, reviewed):
        assert "platform staff" in api_error(response, 403, "permission_denied")["detail"]
    assert Requirement.objects.count() == 6
    assert _rule("BD", "overtime").citation == "s.102"


@pytest.mark.django_db
def test_staff_add_a_requirement() -> None:
    _load_library()
    client, staff = _staff_client()
    act = LegalInstrument.objects.get(title=BLA)

    response = client.post(
        REQUIREMENTS,
        {
            "country": "BD",
            "topic": "minimum_age",
            "instrument_id": str(act.pk),
            "citation": "s.34",
            "summary": "No child under 14 is employed in any occupation.",
            "parameters": {"minimum_age_general": 14},
            "effective_from": "2006-10-11",
            "source_url": "https://example.org/bd/minimum-age",
        },
    )

    assert response.status_code == 201, response.json()
    added = Requirement.objects.get(pk=response.json()["id"])
    assert added.parameters == {"minimum_age_general": 14}
    assert added.created_by == staff


@pytest.mark.django_db
def test_staff_get_bad_parameters_back_naming_the_key() -> None:
    _load_library()
    client, _staff = _staff_client()
    act = LegalInstrument.objects.get(title=BLA)

    response = client.post(
        REQUIREMENTS,
        {
            "country": "BD",
            "topic": "minimum_age",
            "instrument_id": str(act.pk),
            "summary": "No child under 14.",
            "parameters": {"minimum_age": 14},
            "effective_from": "2006-10-11",
        },
    )

    body = api_error(response, 400, "invalid")
    assert "minimum_age" in " ".join(body["fields"]["parameters"])


@pytest.mark.django_db
def test_staff_revise_a_requirement_into_a_correction_and_a_new_version() -> None:
    _load_library()
    client, staff = _staff_client()
    rule = _rule("BD", "overtime")

    corrected = client.post(f"{REQUIREMENTS}{rule.pk}/revise/", {"citation": "s.102(1)"})
    new_law = client.post(
        f"{REQUIREMENTS}{corrected.json()['id']}/revise/",
        {"effective_from": "2026-07-01", "parameters": {"max_total_hours_per_week": 56}},
    )

    assert corrected.status_code == 201, corrected.json()
    assert new_law.status_code == 201, new_law.json()
    rule.refresh_from_db()
    assert rule.retracted
    assert str(rule.superseded_by_id) == corrected.json()["id"]
    assert corrected.json()["effective_from"] == "2006-10-11"
    assert new_law.json()["effective_from"] == "2026-07-01"
    assert Requirement.objects.get(pk=new_law.json()["id"]).created_by == staff
    on = {"country": "BD", "topic": "overtime"}
    before = _rows(client.get(REQUIREMENTS, {**on, "on": "2026-06-30"}))
    after = _rows(client.get(REQUIREMENTS, {**on, "on": "2026-07-01"}))
    assert [row["id"] for row in before] == [corrected.json()["id"]]
    assert [row["parameters"] for row in after] == [{"max_total_hours_per_week": 56}]


@pytest.mark.django_db
def test_revising_a_corrected_record_is_a_conflict() -> None:
    _load_library()
    client, _staff = _staff_client()
    rule = _rule("BD", "overtime")
    client.post(f"{REQUIREMENTS}{rule.pk}/revise/", {"citation": "s.102(1)"})

    response = client.post(f"{REQUIREMENTS}{rule.pk}/revise/", {"citation": "s.102(2)"})

    api_error(response, 409, "conflict")


@pytest.mark.django_db
def test_staff_review_a_flagged_requirement() -> None:
    _load_library()
    client, _staff = _staff_client()
    flagged = _rule("LK", "working_hours")

    response = client.post(f"{REQUIREMENTS}{flagged.pk}/review/", {"note": "Checked s.3."})

    assert response.status_code == 200, response.json()
    assert response.json()["needs_review"] is False
    assert response.json()["reviewer"] == "Library Editor"
    assert _rows(client.get(REQUIREMENTS, {"needs_review": "true"})) == []


@pytest.mark.django_db
def test_adding_a_later_version_through_create_leaves_one_version_in_force() -> None:
    _load_library()
    client, _staff = _staff_client()
    rule = _rule("BD", "overtime")

    client.post(
        REQUIREMENTS,
        {
            "country": "BD",
            "topic": "overtime",
            "instrument_id": str(rule.instrument_id),
            "summary": "At most 56 hours a week.",
            "parameters": {"max_total_hours_per_week": 56},
            "effective_from": "2026-07-01",
            "source_url": "https://example.org/bd/overtime-2026",
        },
    )

    in_force = Requirement.objects.in_force(date(2026, 8, 1)).filter(country="BD", topic="overtime")
    assert in_force.count() == 1


# --- The check ----------------------------------------------------------------------------


def _check(client: APIClient, **data: Any) -> Any:
    return client.post(CHECK, {"country": "BD", "on": "2026-01-01", **data})


def _hours_clause(by: Membership, hours: int, reference: str = "CoC 4.1") -> CodeClause:
    return code_clause_create(
        by=by,
        reference=reference,
        title="Working hours",
        text=f"No more than {hours} hours a week, overtime included.",
        category="HOURS",
        topic="overtime",
        parameters={"max_total_hours_per_week": hours},
    )


# Members (not only platform staff) run the check: it is a read, sent as a POST.
@pytest.mark.django_db
def test_the_check_explains_a_breach_of_the_law() -> None:
    _load_library()
    staff, _user = _staff_client()

    response = _check(staff, weekly_hours_total=72)

    assert response.status_code == 200, response.json()
    [breach] = response.json()["breaches"]
    assert breach["explanation"] == (
        "72 h worked in a week; Bangladesh Labour Act 2006 s.102 allows at most 60 h."
    )
    assert (breach["source"], breach["severity"], breach["category"]) == ("law", "major", "HOURS")
    assert breach["requirement"] == str(_rule("BD", "overtime").pk)
    assert breach["clause"] is None


@pytest.mark.django_db
def test_the_check_lists_what_it_could_not_check() -> None:
    _load_library()
    staff, _user = _staff_client()

    response = _check(staff, youngest_worker_age=15)

    assert response.json() == {
        "country": "BD",
        "on": "2026-01-01",
        "breaches": [],
        "not_checked": ["youngest_worker_age"],
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, None),
        ({"country": "XX", "weekly_hours_total": 50}, "country"),
        ({"weekly_hours_total": -1}, "weekly_hours_total"),
    ],
    ids=["no-measures", "unknown-country", "negative"],
)
def test_invalid_check_input_is_a_400_in_the_one_error_shape(
    data: dict[str, Any], field: str | None
) -> None:
    _load_library()
    staff, _user = _staff_client()

    response = _check(staff, **data)

    body = api_error(response, 400, "invalid")
    if field is None:
        assert "measured value" in body["detail"]
    else:
        assert field in body["fields"]


@pytest.mark.django_db
def test_the_check_needs_sign_in() -> None:
    api_error(_check(APIClient(), weekly_hours_total=72), 401, "not_authenticated")


@pytest.mark.django_db
def test_a_supplier_checks_its_own_measurements_against_the_law() -> None:
    _load_library()

    response = _check(token_client(member("supplier", "member")), weekly_hours_total=72)

    assert response.status_code == 200, response.json()
    [breach] = response.json()["breaches"]
    assert "allows at most 60 h" in breach["explanation"]


@pytest.mark.django_db
def test_the_check_applies_the_callers_own_code_unless_told_not_to() -> None:
    _load_library()
    brand_admin = member("brand", "admin")
    clause = _hours_clause(brand_admin, 56)
    client = token_client(brand_admin)

    with_code = _check(client, weekly_hours_total=58)
    without_code = _check(client, weekly_hours_total=58, apply_code=False)

    assert with_code.status_code == 200, with_code.json()
    [breach] = with_code.json()["breaches"]
    assert (breach["source"], breach["severity"], breach["clause"]) == (
        "code",
        "observation",
        str(clause.pk),
    )
    assert "your code of conduct (CoC 4.1) allows at most 56 h" in breach["explanation"]
    assert without_code.json()["breaches"] == []


@pytest.mark.django_db
def test_another_brands_code_never_applies_and_suppliers_have_none() -> None:
    _load_library()
    _hours_clause(member("brand", "admin"), 48)
    other_brand = member("brand", "csr")
    supplier = member("supplier", "admin")

    for caller in (other_brand, supplier):
        response = _check(token_client(caller), weekly_hours_total=58)

        assert response.status_code == 200, response.json()
        assert response.json()["breaches"] == []


# --- Comparison ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_comparison_has_a_row_for_every_country_and_a_column_per_parameter() -> None:
    _load_library()

    response = token_client(member("brand", "viewer")).get(COMPARE, {"on": "2026-02-01"})

    assert response.status_code == 200, response.json()
    table = response.json()
    assert table["topics"] == ["working_hours", "overtime"]
    assert [c["key"] for c in table["columns"]] == [
        "regular_hours_per_week",
        "max_total_hours_per_week",
    ]
    rows = {row["country"]: row for row in table["rows"]}
    assert set(rows) == {"BD", "LK", "VN"}
    assert rows["BD"]["values"]["regular_hours_per_week"]["value"] == 48
    assert rows["BD"]["values"]["max_total_hours_per_week"]["value"] == 60
    assert rows["VN"]["values"]["max_total_hours_per_week"]["value"] == 72
    assert rows["LK"]["needs_review"] is True


@pytest.mark.django_db
def test_the_wage_comparison_follows_the_date() -> None:
    _load_library()
    client = token_client(member("brand", "viewer"))

    def lk_wage(on: str) -> dict[str, Any]:
        table = client.get(COMPARE, {"topics": "minimum_wage", "on": on}).json()
        [row] = table["rows"]
        return cast(dict[str, Any], row["values"]["minimum_monthly_wage"])

    june, february = lk_wage("2025-06-01"), lk_wage("2026-02-01")

    assert (june["value"], june["unit"]) == (27000, "LKR")
    assert (february["value"], february["unit"]) == (30000, "LKR")


@pytest.mark.django_db
def test_an_unknown_comparison_topic_is_a_400() -> None:
    response = token_client(member("brand", "viewer")).get(COMPARE, {"topics": "wages"})

    assert "wages" in " ".join(api_error(response, 400, "invalid")["fields"]["topics"])


# --- Code-of-conduct clauses --------------------------------------------------------------

CLAUSE = {
    "reference": "CoC 4.1",
    "title": "Working hours",
    "text": "No more than 60 hours a week, overtime included.",
    "category": "HOURS",
    "topic": "overtime",
    "parameters": {"max_total_hours_per_week": 60},
    "countries": ["BD", "VN"],
}


@pytest.mark.django_db
def test_csr_staff_write_their_brands_code() -> None:
    csr = member("brand", "csr")
    client = token_client(csr)

    created = client.post(CLAUSES, CLAUSE)
    changed = client.patch(f"{CLAUSES}{created.json()['id']}/", {"title": "Hours of work"})
    listed = _rows(client.get(CLAUSES))
    removed = client.delete(f"{CLAUSES}{created.json()['id']}/")

    assert created.status_code == 201, created.json()
    assert created.json()["countries"] == ["BD", "VN"]
    assert changed.status_code == 200, changed.json()
    assert [row["title"] for row in listed] == ["Hours of work"]
    assert removed.status_code == 204
    assert not CodeClause.objects.exists()


@pytest.mark.django_db
def test_a_viewer_reads_but_does_not_write_the_code() -> None:
    csr = member("brand", "csr")
    _hours_clause(csr, 60)
    viewer = token_client(member("brand", "viewer", organization=csr.organization))

    listed = _rows(viewer.get(CLAUSES))
    refused = viewer.post(CLAUSES, {**CLAUSE, "reference": "CoC 9"})

    assert [row["reference"] for row in listed] == ["CoC 4.1"]
    api_error(refused, 403, "permission_denied")
    assert CodeClause.objects.count() == 1


@pytest.mark.django_db
def test_a_brands_code_is_invisible_to_suppliers_and_other_brands() -> None:
    clause = _hours_clause(member("brand", "csr"), 60)
    supplier = token_client(member("supplier", "admin"))
    other_brand = token_client(member("brand", "admin"))

    supplier_list = supplier.get(CLAUSES)
    other_detail = other_brand.get(f"{CLAUSES}{clause.pk}/")
    other_change = other_brand.patch(f"{CLAUSES}{clause.pk}/", {"title": "Mine now"})

    assert _rows(supplier_list) == []
    api_error(other_detail, 404)
    api_error(other_change, 404)
    clause.refresh_from_db()
    assert clause.title == "Working hours"


@pytest.mark.django_db
def test_a_clause_reference_is_unique_within_the_brand_only() -> None:
    csr = member("brand", "csr")
    _hours_clause(csr, 60)

    duplicate = token_client(csr).post(CLAUSES, CLAUSE)
    other_brand = token_client(member("brand", "csr")).post(CLAUSES, CLAUSE)

    assert "reference" in api_error(duplicate, 400, "invalid")["fields"]
    assert other_brand.status_code == 201, other_brand.json()


@pytest.mark.django_db
def test_bad_clause_parameters_are_a_400_naming_the_key() -> None:
    response = token_client(member("brand", "csr")).post(
        CLAUSES, {**CLAUSE, "parameters": {"max_total_hours_per_wek": 60}}
    )

    body = api_error(response, 400, "invalid")
    assert "max_total_hours_per_wek" in " ".join(body["fields"]["parameters"])
    assert not CodeClause.objects.exists()


# --- Query counts do not grow with the rows -----------------------------------------------

Grow = Callable[[Membership, int, int], None]


def _grow_requirements(owner: Membership, start: int, n: int) -> None:
    for i in range(start, start + n):
        instrument = LegalInstrument.objects.create(country="BD", title=f"Notification {i}")
        old = Requirement.objects.create(
            country="BD",
            topic="overtime",
            scope=f"sector-{i}",
            instrument=instrument,
            summary=f"Sector {i} overtime.",
            parameters={"max_total_hours_per_week": 60},
            effective_from=date(2020, 1, 1),
            source_url="https://example.org/bd",
        )
        if i % 3 == 0:  # some rows are corrections that list the record they replaced
            requirement_revise(
                requirement=old, changes={"parameters": {"max_total_hours_per_week": 56}}, by=None
            )


def _grow_instruments(owner: Membership, start: int, n: int) -> None:
    for i in range(start, start + n):
        LegalInstrument.objects.create(country="KH", title=f"Prakas {i}", year=2000 + i)


def _grow_clauses(owner: Membership, start: int, n: int) -> None:
    for i in range(start, start + n):
        _hours_clause(owner, 60 - i % 10, reference=f"CoC {i}")


def _count(client: APIClient, url: str) -> tuple[int, Any]:
    client.get(url)  # the first request may do one-off work (last use of the token)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "grow"),
    [
        (REQUIREMENTS, _grow_requirements),
        (INSTRUMENTS, _grow_instruments),
        (CLAUSES, _grow_clauses),
    ],
    ids=["requirements", "instruments", "code-clauses"],
)
def test_lists_use_as_many_queries_for_30_rows_as_for_3(url: str, grow: Grow) -> None:
    owner = member("brand", "admin")
    client = token_client(owner)
    grow(owner, 0, 3)
    few, response = _count(client, url)
    assert response.json()["count"] == 3

    grow(owner, 3, 27)
    many, response = _count(client, url)

    assert response.json()["count"] == 30
    assert many == few


# --- Schema -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_documents_the_law_routes() -> None:
    response = token_client(member("brand", "viewer")).get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        REQUIREMENTS,
        f"{REQUIREMENTS}{{id}}/revise/",
        CHECK,
        COMPARE,
        CLAUSES,
    ):
        assert path in paths, sorted(paths)
    assert "post" in paths[CHECK]


@pytest.mark.django_db
def test_the_schema_describes_the_comparison_as_it_is_returned() -> None:
    _load_library()
    client = token_client(member("brand", "viewer"))

    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    table = client.get(COMPARE).json()

    assert set(schema["components"]["schemas"]["Comparison"]["properties"]) == set(table)
