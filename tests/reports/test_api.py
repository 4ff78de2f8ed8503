"""The scorecards API: a brand's BI pulls every scorecard with its components and
history; filters and order as on the page; nobody else sees any."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.scorecards import month_start, months_before
from suppliers.models import SourcingRelationship
from tests.audits.helpers import also_sourced_by, facility_of, supplier_admin_of
from tests.conftest import api_error, token_client
from tests.factories import Brand, member
from tests.reports import Portfolio, audited

pytestmark = pytest.mark.django_db

LIST = reverse("scorecard-list")
LAST_MONTH = months_before(month_start(timezone.localdate()), 1)


def detail(facility: Any) -> str:
    return reverse("scorecard-detail", args=[facility.pk])


@pytest.fixture
def portfolio() -> Portfolio:
    portfolio = Portfolio()
    SourcingRelationship.objects.filter(facility=portfolio.alpha).update(
        sourcing_owner=portfolio.brand.sourcing
    )
    portfolio.snapshot(portfolio.alpha, month=LAST_MONTH, score=60, grade="C")
    portfolio.snapshot(portfolio.beta, month=LAST_MONTH, score=45, grade="D")
    return portfolio


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["facility"]["name"] for row in response.json()["results"]]


def test_a_scorecard_has_its_score_grade_trend_components_and_history(
    portfolio: Portfolio,
) -> None:
    response = token_client(portfolio.brand.viewer).get(detail(portfolio.alpha))

    body = response.json()
    assert response.status_code == 200
    assert body["id"] == str(portfolio.alpha.pk)
    assert body["facility"] == {
        "id": str(portfolio.alpha.pk),
        "name": "Alpha Knit",
        "country": "BD",
    }
    assert body["sourcing_owner"] == {
        "id": str(portfolio.brand.sourcing.pk),
        "name": "Sam Sourcing",
    }
    assert (body["score"], body["grade"], body["trend"]) == (64, "C", 4)
    assert (body["previous_score"], body["previous_month"]) == (60, LAST_MONTH.isoformat())
    assert body["on"] == timezone.localdate().isoformat()
    components = {c["key"]: c for c in body["components"]}
    assert {key: c["points"] for key, c in components.items()} == {
        "open_findings": 15,
        "overdue_caps": 8,
        "repeat_findings": 3,
        "responsiveness": 4,
        "audit_recency": 0,
        "vetting_risk": 6,
    }
    assert components["overdue_caps"] == {
        "key": "overdue_caps",
        "label": "Overdue CAPs",
        "points": 8,
        "max_points": 15,
        "explanation": "2 corrective action plans are past their due date.",
        "facts": {"count": 2},
    }
    assert components["responsiveness"]["facts"]["median_days"] == 55
    assert body["history"] == [{"month": LAST_MONTH.isoformat(), "score": 60, "grade": "C"}]


def test_the_list_filters_and_sorts_like_the_page(portfolio: Portfolio) -> None:
    client = token_client(portfolio.brand.sourcing)
    owner = str(portfolio.brand.sourcing.pk)

    assert names(client.get(LIST)) == ["Beta Sewing", "Alpha Knit"]
    assert names(client.get(LIST, {"sort": "-score"})) == ["Alpha Knit", "Beta Sewing"]
    assert names(client.get(LIST, {"sort": "name"})) == ["Alpha Knit", "Beta Sewing"]
    assert names(client.get(LIST, {"country": "VN"})) == ["Beta Sewing"]
    assert names(client.get(LIST, {"grade": "C"})) == ["Alpha Knit"]
    assert names(client.get(LIST, {"owner": owner})) == ["Alpha Knit"]
    assert names(client.get(LIST, {"owner": "none"})) == ["Beta Sewing"]
    assert names(client.get(LIST, {"trend": "improving"})) == ["Alpha Knit"]
    assert names(client.get(LIST, {"trend": "worsening", "country": "BD"})) == []


def test_a_wrong_filter_value_is_a_400_naming_the_field(portfolio: Portfolio) -> None:
    client = token_client(portfolio.brand.sourcing)

    for params, field in (
        ({"grade": "Z"}, "grade"),
        ({"owner": "someone"}, "owner"),
        ({"sort": "price"}, "sort"),
    ):
        body = api_error(client.get(LIST, params), 400)
        assert field in body["fields"]


def test_the_list_is_paginated(portfolio: Portfolio) -> None:
    body = token_client(portfolio.brand.sourcing).get(LIST, {"page_size": 1}).json()

    assert body["count"] == 2
    assert len(body["results"]) == 1
    assert body["next"] is not None
    assert body["results"][0]["history"] == [
        {"month": LAST_MONTH.isoformat(), "score": 45, "grade": "D"}
    ]


def test_suppliers_and_partners_get_an_empty_list_and_404(portfolio: Portfolio) -> None:
    for outsider in (supplier_admin_of(portfolio.alpha), member("partner", "member")):
        client = token_client(outsider)

        assert client.get(LIST).json()["results"] == []
        api_error(client.get(detail(portfolio.alpha)), 404)


def test_another_brand_gets_404_for_a_facility_it_does_not_source_from(
    portfolio: Portfolio,
) -> None:
    other = member("brand", "admin")
    client = token_client(other)

    api_error(client.get(detail(portfolio.alpha)), 404)
    assert client.get(LIST).json()["results"] == []

    # Once it sources from Alpha too, it gets its own scorecard (Acme's audits and
    # snapshots are none of its business).
    also_sourced_by(other, portfolio.alpha)
    body = client.get(detail(portfolio.alpha)).json()
    assert (body["score"], body["trend"], body["history"]) == (90, None, [])


def test_an_exited_relationship_and_an_unknown_id_are_404(portfolio: Portfolio) -> None:
    SourcingRelationship.objects.filter(facility=portfolio.beta).update(
        status=SourcingRelationship.Status.REJECTED
    )
    client = token_client(portfolio.brand.admin)

    api_error(client.get(detail(portfolio.beta)), 404)
    api_error(client.get(reverse("scorecard-detail", args=[uuid.uuid4()])), 404)


def test_scorecards_are_read_only(portfolio: Portfolio) -> None:
    client = token_client(portfolio.brand.admin)

    api_error(client.post(LIST, {}), 405)
    api_error(client.delete(detail(portfolio.alpha)), 405)


def test_the_list_takes_the_same_queries_for_2_or_20_facilities(
    django_assert_num_queries: Any,
) -> None:
    for size in (2, 20):
        brand = Brand(f"Brand of {size}")
        for n in range(size):
            facility = facility_of(brand.admin, name=f"Mill {n:02d}")
            audited(
                brand.admin, facility, days=40, findings=[{"severity": "minor", "category": "ENV"}]
            )
        client = token_client(brand.sourcing)
        # The first read fills the current scorecards: the token with its membership,
        # and its last use; the stale check; the relationships, findings, overdue CAPs,
        # days to submit, last audits; the upsert in a savepoint; the clean-up; then the
        # count, the page and the page's snapshots.
        with django_assert_num_queries(15):
            response = client.get(LIST, {"page_size": 500})
        assert len(names(response)) == size
        # Later reads: the token, the stale check, the count, the page, its snapshots.
        with django_assert_num_queries(5):
            response = client.get(LIST, {"page_size": 500})
        assert len(names(response)) == size
