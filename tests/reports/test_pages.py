"""The scorecard table and the scorecard page of one facility, as a sourcing manager
uses them; and who may not see them at all."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.scorecards import month_start, months_before
from suppliers.models import SourcingRelationship
from tests.audits.helpers import also_sourced_by, facility_of, supplier_admin_of
from tests.conftest import signed_in, text_of
from tests.factories import Brand, member
from tests.reports import Portfolio, audited

pytestmark = pytest.mark.django_db

LAST_MONTH = months_before(month_start(timezone.localdate()), 1)


@pytest.fixture
def portfolio() -> Portfolio:
    """Alpha Knit (64, C) owned by Sam Sourcing, up 4 since last month; Beta Sewing
    (38, D) without an owner, down 7."""
    portfolio = Portfolio()
    SourcingRelationship.objects.filter(facility=portfolio.alpha).update(
        sourcing_owner=portfolio.brand.sourcing
    )
    for back, (alpha, beta) in enumerate([(60, 45), (58, 47), (55, 50)], start=1):
        month = months_before(month_start(timezone.localdate()), back)
        portfolio.snapshot(portfolio.alpha, month=month, score=alpha, grade="C")
        portfolio.snapshot(portfolio.beta, month=month, score=beta, grade="D")
    return portfolio


def rows(response: Any) -> list[str]:
    """The facility names of the table, in order."""
    html = text_of(response)
    body = html[html.index("<tbody>") : html.index("</tbody>")] if "<tbody>" in html else ""
    return re.findall(r'<td><a href="/reports/scorecards/[^"]+/">([^<]+)</a></td>', body)


def table(client: Any, **params: str) -> Any:
    response = client.get(reverse("scorecard_list"), params)
    assert response.status_code == 200
    return response


# --- Who sees them -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "csr", "sourcing", "viewer"])
def test_every_brand_role_reads_the_scorecards(portfolio: Portfolio, role: str) -> None:
    client = signed_in(getattr(portfolio.brand, role))

    listing = client.get(reverse("scorecard_list"))
    page = client.get(reverse("scorecard_detail", args=[portfolio.alpha.pk]))

    assert listing.status_code == 200
    assert page.status_code == 200
    assert rows(listing) == ["Beta Sewing", "Alpha Knit"]


def test_suppliers_and_partners_find_no_scorecards(portfolio: Portfolio) -> None:
    for outsider in (supplier_admin_of(portfolio.alpha), member("partner", "member")):
        client = signed_in(outsider)

        assert client.get(reverse("scorecard_list")).status_code == 404
        detail = reverse("scorecard_detail", args=[portfolio.alpha.pk])
        assert client.get(detail).status_code == 404


def test_another_brand_sees_only_its_own_scorecards(portfolio: Portfolio) -> None:
    other = member("brand", "sourcing")
    own = facility_of(member("brand", "admin", organization=other.organization), name="Own Mill")
    client = signed_in(other)

    assert rows(table(client)) == ["Own Mill"]
    assert client.get(reverse("scorecard_detail", args=[portfolio.alpha.pk])).status_code == 404
    assert client.get(reverse("scorecard_detail", args=[own.pk])).status_code == 200


def test_a_facility_also_sourced_by_another_brand_shows_that_brands_own_scorecard(
    portfolio: Portfolio,
) -> None:
    other = member("brand", "admin")
    also_sourced_by(other, portfolio.alpha)

    page = signed_in(other).get(reverse("scorecard_detail", args=[portfolio.alpha.pk]))

    # Acme's audits are not shared: nothing of them shows, and neither do its snapshots.
    html = text_of(page)
    assert "Score 90 out of 100" in html
    assert "No open findings." in html
    assert "No monthly snapshot yet" in html


def test_an_exited_relationship_or_an_unknown_facility_has_no_scorecard_page(
    portfolio: Portfolio,
) -> None:
    SourcingRelationship.objects.filter(facility=portfolio.beta).update(
        status=SourcingRelationship.Status.EXITED
    )
    client = signed_in(portfolio.brand.viewer)

    assert client.get(reverse("scorecard_detail", args=[portfolio.beta.pk])).status_code == 404
    assert client.get(reverse("scorecard_detail", args=[uuid.uuid4()])).status_code == 404
    assert rows(table(client)) == ["Alpha Knit"]


def test_visitors_are_asked_to_sign_in() -> None:
    from django.test import Client

    response = Client().get(reverse("scorecard_list"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_navigation_links_the_scorecards_for_brands_only(portfolio: Portfolio) -> None:
    link = f'href="{reverse("scorecard_list")}"'

    assert link in text_of(signed_in(portfolio.brand.viewer).get(reverse("home")))
    supplier = supplier_admin_of(portfolio.alpha)
    assert link not in text_of(signed_in(supplier).get(reverse("home")))


# --- The table ----------------------------------------------------------------------------


def test_each_row_shows_score_grade_trend_sparkline_country_and_owner(
    portfolio: Portfolio,
) -> None:
    html = text_of(table(signed_in(portfolio.brand.sourcing)))

    alpha = html[html.index(">Alpha Knit<") : html.index("</tr>", html.index(">Alpha Knit<"))]
    assert '<td class="score">64</td>' in alpha
    assert ">C</span>" in alpha
    assert "▲</span> +4" in alpha
    assert "Bangladesh" in alpha
    assert "Sam Sourcing" in alpha
    svg = alpha[alpha.index("<svg") : alpha.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)
    # The sparkline draws the last three monthly scores, oldest first.
    assert root.attrib["aria-label"] == "Score at the close of the last 3 months: 55, 58, 60"

    beta = html[html.index(">Beta Sewing<") : html.index("</tr>", html.index(">Beta Sewing<"))]
    assert "▼</span> -7" in beta
    assert ">D</span>" in beta


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Beta Sewing", "Alpha Knit"]),  # lowest score first
        ({"sort": "-score"}, ["Alpha Knit", "Beta Sewing"]),
        ({"sort": "grade"}, ["Alpha Knit", "Beta Sewing"]),
        ({"sort": "-grade"}, ["Beta Sewing", "Alpha Knit"]),
        ({"sort": "name"}, ["Alpha Knit", "Beta Sewing"]),
        ({"sort": "-name"}, ["Beta Sewing", "Alpha Knit"]),
        ({"sort": "trend"}, ["Beta Sewing", "Alpha Knit"]),
        ({"sort": "-trend"}, ["Alpha Knit", "Beta Sewing"]),
        ({"sort": "nonsense"}, ["Beta Sewing", "Alpha Knit"]),  # ignored, not refused
    ],
)
def test_the_table_sorts(portfolio: Portfolio, params: dict[str, str], expected: list[str]) -> None:
    assert rows(table(signed_in(portfolio.brand.sourcing), **params)) == expected


def test_the_column_headers_sort_and_a_second_click_reverses(portfolio: Portfolio) -> None:
    html = text_of(table(signed_in(portfolio.brand.sourcing), sort="score", country="BD"))

    assert 'aria-sort="ascending"><a href="?country=BD&amp;sort=-score">' in html
    assert '<a href="?country=BD&amp;sort=name">' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "VN"}, ["Beta Sewing"]),
        ({"grade": "C"}, ["Alpha Knit"]),
        ({"grade": "A"}, []),
        ({"trend": "improving"}, ["Alpha Knit"]),
        ({"trend": "worsening"}, ["Beta Sewing"]),
        ({"owner": "none"}, ["Beta Sewing"]),
        ({"grade": "Z"}, ["Beta Sewing", "Alpha Knit"]),  # a wrong value is ignored
    ],
)
def test_the_table_filters(
    portfolio: Portfolio, params: dict[str, str], expected: list[str]
) -> None:
    response = table(signed_in(portfolio.brand.sourcing), **params)

    assert rows(response) == expected
    if not expected:
        assert "No facility matches these filters." in text_of(response)


def test_the_owner_filter_offers_the_brands_sourcing_people(portfolio: Portfolio) -> None:
    client = signed_in(portfolio.brand.sourcing)
    owner = str(portfolio.brand.sourcing.pk)

    html = text_of(table(client))

    assert f'<option value="{owner}">Sam Sourcing</option>' in html
    # Only the countries of the table are offered, after one "Any country".
    assert re.findall(r'<option value="(\w*)"[^>]*>[^<]+</option>', html)[:3] == ["", "BD", "VN"]
    assert html.count(">Any country<") == 1
    assert rows(table(client, owner=owner)) == ["Alpha Knit"]


def test_the_table_takes_the_same_queries_for_2_or_20_facilities(
    django_assert_num_queries: Any,
) -> None:
    for size in (2, 20):
        brand = Brand(f"Brand of {size}")
        for n in range(size):
            facility = facility_of(brand.admin, name=f"Mill {n:02d}")
            audited(
                brand.admin, facility, days=40, findings=[{"severity": "minor", "category": "ENV"}]
            )
        client = signed_in(brand.sourcing)
        # session, user, memberships; the countries and the owners offered; the stale
        # check; on the first read the current scorecards filled (the relationships,
        # findings, overdue CAPs, days to submit, last audits; the upsert in a
        # savepoint; the clean-up: 9); the count, the page, the page's snapshots; the
        # navigation's unread notifications.
        with django_assert_num_queries(19):
            response = client.get(reverse("scorecard_list"))
        assert len(rows(response)) == size
        with django_assert_num_queries(10):
            response = client.get(reverse("scorecard_list"))
        assert len(rows(response)) == size


def test_a_brand_without_facilities_is_told_where_scorecards_come_from() -> None:
    html = text_of(table(signed_in(Brand().sourcing)))

    assert "No facility to score yet" in html


# --- The page of one facility -------------------------------------------------------------


def test_the_breakdown_shows_each_components_points_bar_and_reason(portfolio: Portfolio) -> None:
    page = signed_in(portfolio.brand.viewer).get(
        reverse("scorecard_detail", args=[portfolio.alpha.pk])
    )

    html = text_of(page)
    assert "Score 64 out of 100" in html
    breakdown = html[
        html.index('id="breakdown"') : html.index("</table>", html.index('id="breakdown"'))
    ]
    rows_ = re.findall(r'<tr id="component-([a-z_]+)">(.*?)</tr>', breakdown, flags=re.S)
    assert [key for key, _row in rows_] == [
        "open_findings",
        "overdue_caps",
        "repeat_findings",
        "responsiveness",
        "audit_recency",
        "vetting_risk",
    ]
    first = rows_[0][1]
    assert "−15 of 40" in first
    assert "3 open findings: 1 critical, 1 major, 1 minor." in first
    bar = ET.fromstring(first[first.index("<svg") : first.index("</svg>") + 6])
    assert bar.attrib["aria-label"] == "Open findings: 15 of 40 points taken off"


def test_the_history_shows_the_sparkline_and_each_month_newest_first(
    portfolio: Portfolio,
) -> None:
    html = text_of(
        signed_in(portfolio.brand.viewer).get(reverse("scorecard_detail", args=[portfolio.beta.pk]))
    )

    history = html[html.index('id="history"') : html.index("</table>", html.index('id="history"'))]
    scores = re.findall(r"</th>\s*<td>(\d+)</td>", history)
    assert scores == ["45", "47", "50"]
    assert "▼</span> -7" in html
    assert html.count("<svg") >= 7  # the sparkline and six bars (the bell aside)
