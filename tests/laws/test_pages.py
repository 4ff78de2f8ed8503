"""The law-library pages: browse and search, compare, a requirement and its versions,
the law check, and a brand's code-of-conduct clauses."""

from __future__ import annotations

import copy
import re
from datetime import date
from html import unescape
from typing import Any, cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from csr_platform.models import Membership, User
from laws.models import CodeClause, Requirement
from laws.parameters import Topic
from laws.services import library_import
from tests.conftest import get_display_refused
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

HOURS_SOURCE = "https://example.org/labour-act"


def _hours(country: str, instrument: str, regular: int, overtime: int, **extra: Any) -> list[Any]:
    return [
        {
            "country": country,
            "topic": "working_hours",
            "instrument": instrument,
            "citation": "s.100",
            "summary": f"Regular work is capped at {regular} hours a week.",
            "parameters": {"regular_hours_per_week": regular},
            "effective_from": "2006-10-11",
            "source_url": HOURS_SOURCE,
            "last_reviewed": "2025-03-01",
            "reviewer": "Law desk",
        },
        {
            "country": country,
            "topic": "overtime",
            "instrument": instrument,
            "citation": "s.108",
            "summary": f"Overtime needs the worker's consent and is capped at {overtime} "
            "hours a week.",
            "parameters": {
                "max_overtime_hours_per_week": overtime,
                "max_total_hours_per_week": regular + overtime,
            },
            "effective_from": "2006-10-11",
            "source_url": HOURS_SOURCE,
            "last_reviewed": "2025-03-01",
            **extra,
        },
    ]


LIBRARY: dict[str, Any] = {
    "format": "csr-platform-law-library/1",
    "instruments": [
        {"country": "BD", "title": "Bangladesh Labour Act", "year": 2006, "kind": "statute"},
        {"country": "KH", "title": "Cambodian Labour Law", "year": 1997, "kind": "statute"},
        {"country": "LK", "title": "Factories Ordinance", "year": 1942, "kind": "statute"},
        {"country": "LK", "title": "National Minimum Wage of Workers Act", "kind": "statute"},
        {"country": "VN", "title": "Labour Code", "year": 2019, "kind": "statute"},
    ],
    "requirements": [
        *_hours("BD", "Bangladesh Labour Act", 48, 12),
        *_hours(
            "KH",
            "Cambodian Labour Law",
            48,
            12,
            needs_review=True,
            review_note="Confirm the weekly overtime cap in the 2024 prakas.",
        ),
        *_hours("LK", "Factories Ordinance", 48, 12),
        {
            "country": "LK",
            "topic": "minimum_wage",
            "scope": "national",
            "instrument": "National Minimum Wage of Workers Act",
            "citation": "s.3",
            "summary": "The national minimum monthly wage of every worker.",
            "parameters": {"minimum_monthly_wage": 27000, "currency": "LKR"},
            "effective_from": "2025-04-01",
            "source_url": "https://example.org/lk-wage-2025",
            "last_reviewed": "2025-05-01",
        },
        {
            "country": "LK",
            "topic": "minimum_wage",
            "scope": "national",
            "instrument": "National Minimum Wage of Workers Act",
            "citation": "s.3 as amended by Act No. 11 of 2025",
            "summary": "The national minimum monthly wage of every worker, raised in 2026.",
            "parameters": {"minimum_monthly_wage": 30000, "currency": "LKR"},
            "effective_from": "2026-01-01",
            "source_url": "https://example.org/lk-wage-2026",
            "last_reviewed": "2026-01-15",
        },
        # A country of the library with no hours rule: the comparison still lists it.
        {
            "country": "VN",
            "topic": "minimum_age",
            "instrument": "Labour Code",
            "citation": "Art. 143",
            "summary": "Workers must be at least 15 years old.",
            "parameters": {"minimum_age_general": 15},
            "effective_from": "2021-01-01",
            "source_url": "https://example.org/vn-code",
            "last_reviewed": "2024-11-20",
        },
    ],
}


@pytest.fixture
def library() -> None:
    library_import(copy.deepcopy(LIBRARY))


def rule(country: str, topic: str, on: date | None = None) -> Requirement:
    rows = Requirement.objects.live().filter(country=country, topic=topic)
    if on is not None:
        rows = rows.in_force(on)
    return rows.get()


def signed_in(membership_or_user: Membership | User) -> Client:
    client = Client()
    if isinstance(membership_or_user, Membership):
        membership_or_user = membership_or_user.user
    client.force_login(membership_or_user)
    return client


def staff() -> User:
    return cast(User, UserFactory(is_staff=True))


def text(response: Any) -> str:
    """The page as a reader sees it: tags stripped, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def table(response: Any, table_id: str = "requirements") -> str:
    """The text of one table of the page ("" when the page has none)."""
    match = re.search(rf'<table id="{table_id}".*?</table>', response.content.decode(), re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split()) if match else ""


def table_row(response: Any, label: str) -> str:
    """The text of the table row whose first cell starts with ``label``."""
    for row in re.findall(r"<tr\b.*?</tr>", response.content.decode(), flags=re.S):
        cells = " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())
        if cells.startswith(label):
            return cells
    raise AssertionError(f"no row for {label!r}")


# --- Who may read ---------------------------------------------------------------------------


def _reference_urls() -> list[str]:
    return [
        reverse("laws_index"),
        reverse("laws_compare"),
        reverse("laws_check"),
        reverse("laws_requirement", args=[rule("BD", "overtime").pk]),
    ]


@pytest.mark.parametrize(
    ("kind", "role"), [("brand", "viewer"), ("supplier", "member"), ("partner", "member")]
)
def test_every_member_reads_the_library(library: None, kind: str, role: str) -> None:
    client = signed_in(member(kind, role))
    for url in _reference_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Guidance only: verify at the source before relying on it." in text(response)
        assert 'href="/laws/"' in response.content.decode()


def test_staff_without_an_organization_read_the_library_but_have_no_code(library: None) -> None:
    client = signed_in(staff())
    for url in _reference_urls():
        assert client.get(url).status_code == 200, url
    home = client.get(reverse("laws_index"))
    assert "Law library" in text(home)
    checked = client.post(reverse("laws_check"), {"country": "BD", "weekly_hours_total": "61"})
    assert "allows at most 60 h" in text(checked)
    assert "Apply our code of conduct" not in text(checked)
    assert client.get(reverse("laws_code")).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(library: None) -> None:
    urls = [*_reference_urls(), reverse("laws_code")]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_a_user_without_organization_or_staff_role_is_refused(library: None) -> None:
    client = signed_in(cast(User, UserFactory()))
    response = client.get(reverse("laws_index"))
    assert response.status_code == 403
    assert "You are not a member of any organization" in text(response)


# --- Browse and search ----------------------------------------------------------------------


def test_the_library_lists_rules_in_force_with_their_source_and_review(library: None) -> None:
    response = signed_in(member("brand", "csr")).get(reverse("laws_index"))
    page = text(response)
    assert response.status_code == 200
    row = table_row(response, "Bangladesh Overtime")
    assert "Bangladesh Labour Act s.108" in row
    assert "Overtime per week: 12 h" in row
    assert "Total hours per week: 60 h" in row
    assert "2006-10-11 – now" in row
    assert "2025-03-01" in row
    # The unverified Cambodian rule is flagged where it is listed.
    assert "needs review" in table_row(response, "Cambodia Overtime")
    assert "needs review" not in row
    # The notice quotes the oldest review among the rows shown.
    assert "Last reviewed: 2024-11-20" in page


def test_search_finds_rules_by_their_words(library: None) -> None:
    client = signed_in(member("brand", "csr"))
    response = client.get(reverse("laws_index"), {"q": "consent overtime"})
    rows = table(response)
    assert "Overtime needs the worker's consent" in rows
    # Best match first (ranked on PostgreSQL; the only matches on SQLite).
    assert rows.split(" Reviewed ", 1)[1].split()[1] == "Overtime"


def test_topic_labels_are_those_of_get_topic_display_in_every_language() -> None:
    for value, _label in Topic.choices:
        requirement = Requirement(topic=value)
        for language in ("en", "es"):
            with translation.override(language):
                assert requirement.topic_label == requirement.get_topic_display()


def test_the_library_list_reads_topics_from_a_dictionary(library: None) -> None:
    client = signed_in(member("brand", "csr"))

    # get_topic_display rebuilds the list of topics on each call, once per row.
    with get_display_refused(Requirement):
        rows = table(client.get(reverse("laws_index"), {"q": "consent overtime"}))

    # Country, then the topic's label.
    assert rows.split(" Reviewed ", 1)[1].split()[:2] == ["Bangladesh", "Overtime"]


def test_search_leaves_out_rules_without_the_words(library: None) -> None:
    client = signed_in(member("brand", "csr"))
    rows = table(client.get(reverse("laws_index"), {"q": "consent overtime"}))
    assert "Regular work is capped" not in rows
    assert "national minimum monthly wage" not in rows

    nothing = client.get(reverse("laws_index"), {"q": "dormitory"})
    assert "No rule in force on that date matches these filters." in text(nothing)


def test_filters_by_country_topic_and_review_state(library: None) -> None:
    client = signed_in(member("supplier", "member"))
    rows = table(client.get(reverse("laws_index"), {"country": "KH", "topic": "overtime"}))
    assert "Cambodia Overtime" in rows
    assert "Bangladesh" not in rows
    assert "Working hours" not in rows

    review = table(client.get(reverse("laws_index"), {"needs_review": "on"}))
    assert "Cambodia Overtime" in review
    assert "Bangladesh" not in review


def test_the_in_force_date_picks_the_version_of_that_day(library: None) -> None:
    client = signed_in(member("brand", "csr"))
    query = {"country": "LK", "topic": "minimum_wage"}

    in_2025 = text(client.get(reverse("laws_index"), {**query, "on": "2025-06-01"}))
    assert "Minimum monthly wage: 27,000 LKR" in in_2025
    assert "30,000" not in in_2025

    in_2026 = text(client.get(reverse("laws_index"), {**query, "on": "2026-02-01"}))
    assert "Minimum monthly wage: 30,000 LKR" in in_2026
    assert "27,000" not in in_2026

    before = text(client.get(reverse("laws_index"), {**query, "on": "2024-12-31"}))
    assert "No rule in force on that date matches these filters." in before


def test_a_bad_date_is_a_form_error(library: None) -> None:
    response = signed_in(member("brand", "csr")).get(reverse("laws_index"), {"on": "31/12/2025"})
    assert response.status_code == 400
    assert "Enter a valid date." in text(response)


# --- Comparison -----------------------------------------------------------------------------


def test_comparison_shows_hours_and_overtime_caps_of_every_library_country(library: None) -> None:
    response = signed_in(member("brand", "csr")).get(reverse("laws_compare"))
    assert response.status_code == 200
    page = text(response)
    assert "Regular hours per week (h)" in page
    assert "Overtime per week (h)" in page
    assert table_row(response, "Bangladesh").split() == ["Bangladesh", "48", "12", "60"]
    assert table_row(response, "Sri Lanka").split() == ["Sri", "Lanka", "48", "12", "60"]
    assert "unverified" in table_row(response, "Cambodia")
    assert "No rule recorded on these topics." in table_row(response, "Vietnam")
    # Each value links to its requirement.
    overtime = rule("BD", "overtime")
    assert reverse("laws_requirement", args=[overtime.pk]) in response.content.decode()


def test_comparison_of_wages_shows_the_scope_and_the_date(library: None) -> None:
    client = signed_in(member("brand", "sourcing"))
    response = client.get(reverse("laws_compare"), {"topics": "minimum_wage", "on": "2025-06-01"})
    row = table_row(response, "Sri Lanka")
    assert "scope: national" in row
    assert "27,000 LKR" in row
    later = client.get(reverse("laws_compare"), {"topics": "minimum_wage", "on": "2026-06-01"})
    assert "30,000 LKR" in table_row(later, "Sri Lanka")


def test_comparison_offers_the_common_comparisons(library: None) -> None:
    page = text(signed_in(member("brand", "csr")).get(reverse("laws_compare")))
    for label in ("Hours and overtime", "Minimum age", "Minimum wage", "Leave and rest"):
        assert label in page
    assert "Overtime pay" in page


def test_comparison_refuses_an_unknown_topic(library: None) -> None:
    response = signed_in(member("brand", "csr")).get(reverse("laws_compare"), {"topics": "x"})
    assert response.status_code == 400


# --- One requirement ------------------------------------------------------------------------


def test_requirement_page_shows_the_rule_its_source_and_versions(library: None) -> None:
    current = rule("LK", "minimum_wage", date(2026, 6, 1))
    earlier = rule("LK", "minimum_wage", date(2025, 6, 1))
    response = signed_in(member("brand", "viewer")).get(
        reverse("laws_requirement", args=[current.pk])
    )
    page = text(response)
    html = response.content.decode()
    assert "Sri Lanka: Minimum wage" in page
    assert "Last reviewed: 2026-01-15" in page
    assert 'href="https://example.org/lk-wage-2026"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "Minimum monthly wage 30,000 LKR" in page
    assert table_row(response, "2025-04-01 – 2025-12-31").startswith("2025-04-01 – 2025-12-31")
    assert "current" in table_row(response, "2026-01-01 – now")
    assert reverse("laws_requirement", args=[earlier.pk]) in html


def test_the_date_picker_opens_the_version_in_force_that_day(library: None) -> None:
    current = rule("LK", "minimum_wage", date(2026, 6, 1))
    earlier = rule("LK", "minimum_wage", date(2025, 6, 1))
    client = signed_in(member("brand", "csr"))
    url = reverse("laws_requirement", args=[current.pk])

    response = client.get(url, {"on": "2025-06-01"})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("laws_requirement", args=[earlier.pk]) + "?on=2025-06-01"
    )
    followed = text(client.get(response["Location"]))
    assert "This is the version that was in force on 2025-06-01." in followed
    assert "Minimum monthly wage 27,000 LKR" in followed

    same = text(client.get(url, {"on": "2026-03-01"}))
    assert "This is the version that was in force on 2026-03-01." in same

    none = client.get(url, {"on": "2020-01-01"})
    assert none.status_code == 200
    assert "No version of this rule was in force on 2020-01-01." in text(none)

    assert client.get(url, {"on": "soon"}).status_code == 400


def test_a_corrected_record_says_so_and_points_to_the_current_one(library: None) -> None:
    original = rule("BD", "overtime")
    corrected_library = copy.deepcopy(LIBRARY)
    corrected_library["requirements"][1]["summary"] = "Overtime needs consent; 12 h a week."
    library_import(corrected_library)
    correction = rule("BD", "overtime")
    assert correction.pk != original.pk

    client = signed_in(member("brand", "csr"))
    response = client.get(reverse("laws_requirement", args=[original.pk]))
    page = text(response)
    assert "Corrected — see the current record." in page
    assert reverse("laws_requirement", args=[correction.pk]) in response.content.decode()
    assert "corrected" in table_row(response, "2006-10-11 – now")


def test_an_unverified_rule_carries_a_warning_with_what_to_verify(library: None) -> None:
    response = signed_in(member("brand", "csr")).get(
        reverse("laws_requirement", args=[rule("KH", "overtime").pk])
    )
    page = text(response)
    assert "Needs review: this fact is unsourced or unverified." in page
    assert "Confirm the weekly overtime cap in the 2024 prakas." in page


def test_an_unknown_requirement_is_not_found(library: None) -> None:
    client = signed_in(member("brand", "csr"))
    url = reverse("laws_requirement", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


# --- The law check --------------------------------------------------------------------------


def check(client: Client, **values: Any) -> Any:
    return client.post(reverse("laws_check"), {"on": "2026-06-01", **values})


def test_a_week_over_the_cap_is_a_breach_and_one_at_the_cap_is_not(library: None) -> None:
    client = signed_in(member("supplier", "member"))
    over = check(client, country="BD", weekly_hours_total="61")
    assert over.status_code == 200
    page = text(over)
    assert "61 h worked in a week; Bangladesh Labour Act s.108 allows at most 60 h." in page
    assert "Major" in page
    assert "Working hours, overtime, rest days" in page
    assert reverse("laws_requirement", args=[rule("BD", "overtime").pk]) in over.content.decode()

    at_cap = text(check(client, country="BD", weekly_hours_total="60"))
    assert "allows at most" not in at_cap
    assert "No limit is breached by the values given." in at_cap


def test_the_check_flags_unverified_limits_and_unchecked_values(library: None) -> None:
    client = signed_in(member("brand", "csr"))
    page = text(check(client, country="KH", weekly_overtime_hours="14", youngest_worker_age="14"))
    assert "14 h of overtime in a week" in page
    assert "The limit comes from an unverified record" in page
    assert "Not checked" in page
    assert "Age of the youngest worker" in page


def test_the_check_refuses_incomplete_input(library: None) -> None:
    client = signed_in(member("brand", "csr"))
    empty = check(client, country="BD")
    assert empty.status_code == 400
    assert "Give at least one measured value." in text(empty)
    no_country = check(client, weekly_hours_total="70")
    assert no_country.status_code == 400
    assert "This field is required." in text(no_country)
    negative = check(client, country="BD", weekly_hours_total="-1")
    assert negative.status_code == 400


def test_only_brand_members_are_offered_their_code(library: None) -> None:
    assert "Apply our code of conduct" in text(
        signed_in(member("brand", "viewer")).get(reverse("laws_check"))
    )
    assert "Apply our code of conduct" not in text(
        signed_in(member("supplier", "admin")).get(reverse("laws_check"))
    )


# --- Code of conduct ------------------------------------------------------------------------


CLAUSE = {
    "reference": "CoC 4.1",
    "title": "Working hours",
    "text": "Regular work plus overtime never exceeds 55 hours in a week.",
    "category": "HOURS",
    "topic": "overtime",
    "max_total_hours_per_week": "55",
    "countries": "bd, KH",
}


def test_csr_adds_a_clause_that_the_check_then_applies(library: None) -> None:
    csr = member("brand", "csr")
    client = signed_in(csr)
    response = client.post(reverse("laws_code"), CLAUSE)
    assert response.status_code == 302
    clause = CodeClause.objects.get(brand=csr.organization)
    assert clause.parameters == {"max_total_hours_per_week": 55}
    assert clause.countries == ["BD", "KH"]
    listing = table_row(client.get(reverse("laws_code")), "CoC 4.1")
    assert "Total hours per week: 55 h" in listing
    assert "Bangladesh, Cambodia" in listing

    within_law = text(check(client, country="BD", weekly_hours_total="58", apply_code="on"))
    assert "58 h worked in a week; your code of conduct (CoC 4.1) allows at most 55 h." in (
        within_law
    )
    assert "code of conduct" in within_law
    assert "Observation" in within_law

    without_code = text(check(client, country="BD", weekly_hours_total="58"))
    assert "No limit is breached by the values given." in without_code

    # A colleague of another brand is not bound by it.
    other = signed_in(member("brand", "csr"))
    assert "No limit is breached" in text(
        check(other, country="BD", weekly_hours_total="58", apply_code="on")
    )


def test_csr_edits_and_deletes_a_clause(library: None) -> None:
    csr = member("brand", "csr")
    client = signed_in(csr)
    client.post(reverse("laws_code"), CLAUSE)
    clause = CodeClause.objects.get(brand=csr.organization)
    edit_url = reverse("laws_code_edit", args=[clause.pk])

    form = client.get(edit_url)
    assert form.status_code == 200
    assert 'value="55"' in form.content.decode()

    saved = client.post(edit_url, {**CLAUSE, "max_total_hours_per_week": "50", "countries": ""})
    assert saved.status_code == 302
    clause.refresh_from_db()
    assert clause.parameters == {"max_total_hours_per_week": 50}
    assert clause.countries == []

    deleted = client.post(reverse("laws_code_delete", args=[clause.pk]))
    assert deleted.status_code == 302
    assert not CodeClause.objects.filter(pk=clause.pk).exists()


def test_a_limit_under_another_topic_or_a_duplicate_reference_is_refused(library: None) -> None:
    client = signed_in(member("brand", "admin"))
    wrong_topic = client.post(reverse("laws_code"), {**CLAUSE, "minimum_age_general": "16"})
    assert wrong_topic.status_code == 400
    assert "This limit belongs to the topic “Minimum age”" in text(wrong_topic)

    assert client.post(reverse("laws_code"), CLAUSE).status_code == 302
    duplicate = client.post(reverse("laws_code"), CLAUSE)
    assert duplicate.status_code == 400
    assert "Your code already has a clause with this reference." in text(duplicate)

    bad_country = client.post(reverse("laws_code"), {**CLAUSE, "reference": "X", "countries": "ZZ"})
    assert bad_country.status_code == 400
    assert "Unknown country codes: ZZ" in text(bad_country)


def test_viewers_read_the_code_but_may_not_change_it(library: None) -> None:
    csr = member("brand", "csr")
    signed_in(csr).post(reverse("laws_code"), CLAUSE)
    clause = CodeClause.objects.get(brand=csr.organization)
    viewer = signed_in(member("brand", "viewer", organization=csr.organization))

    listing = viewer.get(reverse("laws_code"))
    assert listing.status_code == 200
    assert "CoC 4.1" in text(listing)
    assert "Add a clause" not in text(listing)

    assert viewer.post(reverse("laws_code"), {**CLAUSE, "reference": "CoC 9"}).status_code == 403
    assert viewer.get(reverse("laws_code_edit", args=[clause.pk])).status_code == 403
    assert viewer.post(reverse("laws_code_delete", args=[clause.pk])).status_code == 403
    assert CodeClause.objects.filter(brand=csr.organization).count() == 1


def test_another_brands_clause_is_not_found(library: None) -> None:
    owner = member("brand", "csr")
    signed_in(owner).post(reverse("laws_code"), CLAUSE)
    clause = CodeClause.objects.get(brand=owner.organization)
    stranger = signed_in(member("brand", "admin"))

    assert stranger.get(reverse("laws_code_edit", args=[clause.pk])).status_code == 404
    assert stranger.post(reverse("laws_code_edit", args=[clause.pk]), CLAUSE).status_code == 404
    assert stranger.post(reverse("laws_code_delete", args=[clause.pk])).status_code == 404
    assert "CoC 4.1" not in text(stranger.get(reverse("laws_code")))
    assert CodeClause.objects.filter(pk=clause.pk).exists()


def test_a_supplier_sees_no_clauses_and_no_form(library: None) -> None:
    response = signed_in(member("supplier", "admin")).get(reverse("laws_code"))
    assert response.status_code == 200
    assert "Your organization has no code-of-conduct clause yet." in text(response)
    assert "Add a clause" not in text(response)


# --- Fixed number of queries ----------------------------------------------------------------

# Thirty distinct countries, each with an instrument and hours rules.
# fmt: off
COUNTRY_CODES = (
    "BD", "KH", "LK", "VN", "IN", "PK", "CN", "ID", "TR", "MX", "MM", "TH", "MY", "PH", "ET",
    "KE", "EG", "MA", "TN", "HN", "GT", "SV", "NI", "BR", "PE", "CO", "JO", "MG", "LA", "NP",
)
# fmt: on


def _library_of(size: int) -> None:
    codes = COUNTRY_CODES[:size]
    document = {
        "format": "csr-platform-law-library/1",
        "instruments": [
            {"country": code, "title": f"Labour Code of {code}", "kind": "statute"}
            for code in codes
        ],
        "requirements": [
            entry
            for code in codes
            for entry in _hours(code, f"Labour Code of {code}", 48, 12, needs_review=code == "KH")
        ],
    }
    library_import(document)


def _queries(client: Client, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("laws_index", {"topic": "overtime"}),
        ("laws_index", {"q": "overtime"}),
        ("laws_compare", {}),
    ],
)
def test_library_pages_run_a_fixed_number_of_queries(url_name: str, params: Any) -> None:
    client = signed_in(member("brand", "csr"))
    url = reverse(url_name)
    _library_of(3)
    few = _queries(client, url, params)
    _library_of(30)
    assert client.get(url, params).content.decode().count("<tr") == 31
    assert _queries(client, url, params) == few


def test_the_code_page_runs_a_fixed_number_of_queries() -> None:
    csr = member("brand", "csr")
    client = signed_in(csr)

    def add(numbers: range) -> None:
        CodeClause.objects.bulk_create(
            CodeClause(
                brand=csr.organization,
                reference=f"CoC {n}",
                title=f"Clause {n}",
                text="Text.",
                category="HOURS",
                topic="overtime",
                parameters={"max_total_hours_per_week": 60},
                countries=["BD"],
            )
            for n in numbers
        )

    add(range(3))
    few = _queries(client, reverse("laws_code"))
    add(range(3, 30))
    assert _queries(client, reverse("laws_code")) == few
