"""The purchasing-practices page: the brand-side root causes on the brand's CAPs,
counted by code, facility and season by the database, each count leading to the
CAPs behind it. Only brands have it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from csr_platform.models import Membership
from remediation.models import CorrectiveActionPlan
from remediation.selectors import Season, purchasing_counts
from remediation.services.transitions import cap_cancel
from remediation.services.work import root_cause_add
from tests.audits.helpers import facility_of, supplier_admin_of
from tests.factories import member
from tests.remediation.helpers import open_cap

pytestmark = pytest.mark.django_db

CAP_LINK = re.compile(r'href="/caps/([0-9a-f-]{36})/"')


def client_for(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def brand_side(cap: CorrectiveActionPlan, code: str) -> None:
    supplier = supplier_admin_of(cap.facility)
    root_cause_add(
        cap=cap,
        by=supplier,
        method="fishbone",
        category="purchasing_practice",
        purchasing_code=code,
        cause="The order was confirmed two weeks before shipping.",
    )


def listed(response: Any) -> set[str]:
    html = response.content.decode()
    section = html[html.index('id="caps"') :]
    return set(CAP_LINK.findall(section))


class Fixture:
    """3 × BP_LEADTIME at facility A audited in 2025 Q3 (one naming it twice), 1 ×
    BP_PRICE at facility B audited in 2025 Q1; and what must not count: a factory-side
    cause, a cancelled CAP, another brand's CAP."""

    def __init__(self) -> None:
        self.brand = member("brand", "admin")
        self.a = facility_of(self.brand, name="Alpha Garments")
        self.b = facility_of(self.brand, name="Beta Knit")
        self.lead_time = [
            open_cap(self.brand, facility=self.a, on=day)
            for day in (date(2025, 7, 1), date(2025, 8, 15), date(2025, 9, 30))
        ]
        for cap in self.lead_time:
            brand_side(cap, "BP_LEADTIME")
        brand_side(self.lead_time[0], "BP_LEADTIME")
        self.price = open_cap(self.brand, facility=self.b, on=date(2025, 2, 3))
        brand_side(self.price, "BP_PRICE")

        self.factory_side = open_cap(self.brand, facility=self.a, on=date(2025, 7, 2))
        root_cause_add(
            cap=self.factory_side,
            by=supplier_admin_of(self.a),
            method="fishbone",
            category="policy",
            cause="No exit-check procedure.",
        )
        self.cancelled = open_cap(self.brand, facility=self.a, on=date(2025, 7, 3))
        brand_side(self.cancelled, "BP_LEADTIME")
        cap_cancel(cap=self.cancelled, by=self.brand, reason="Recorded twice.")
        other_brand = member("brand", "admin")
        self.not_ours = open_cap(other_brand, on=date(2025, 7, 4))
        brand_side(self.not_ours, "BP_LEADTIME")


@pytest.fixture
def fixture() -> Fixture:
    return Fixture()


def test_counts_by_code_facility_and_season_match_the_fixture(fixture: Fixture) -> None:
    counts = purchasing_counts(fixture.brand)

    assert [(r["purchasing_code"], r["caps"]) for r in counts.by_code] == [
        ("BP_LEADTIME", 3),
        ("BP_PRICE", 1),
    ]
    assert [(r["cap__facility__name"], r["caps"]) for r in counts.by_facility] == [
        ("Alpha Garments", 3),
        ("Beta Knit", 1),
    ]
    assert counts.by_season == [(Season(2025, 3), 3), (Season(2025, 1), 1)]
    # Five CAPs not cancelled, four of them with a brand-side cause.
    assert (counts.with_cause, counts.total) == (4, 5)


def test_the_page_shows_the_counts_with_labels_and_links(fixture: Fixture) -> None:
    html = client_for(fixture.brand).get(reverse("purchasing_practices")).content.decode()

    code_row = re.search(r'<tr data-code="BP_LEADTIME">.*?</tr>', html, re.S)
    assert code_row is not None
    assert "Lead time too short" in code_row.group(0)
    assert 'href="?code=BP_LEADTIME#caps"' in code_row.group(0)
    assert ">3</a>" in code_row.group(0)
    assert "Price below cost" in html
    assert f'href="?facility={fixture.b.pk}#caps"' in html
    assert 'href="?season=2025-Q3#caps"' in html
    assert "2025 Q3" in html
    # Why it matters, with its source.
    assert "Ethical Trading Initiative" in html
    assert "ethicaltrade.org" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"code": "BP_LEADTIME"}, "lead_time"),
        ({"facility": "a"}, "lead_time"),
        ({"season": "2025-Q3"}, "lead_time"),
        ({"code": "BP_PRICE"}, "price"),
        ({"facility": "b"}, "price"),
        ({"season": "2025-Q1"}, "price"),
        ({"code": "BP_PRICE", "facility": "a"}, "none"),
        ({}, "all"),
    ],
)
def test_each_count_leads_to_exactly_the_caps_behind_it(
    fixture: Fixture, query: dict[str, str], expected: str
) -> None:
    if "facility" in query:
        query = {**query, "facility": str(getattr(fixture, query["facility"]).pk)}
    wanted = {
        "lead_time": {str(c.pk) for c in fixture.lead_time},
        "price": {str(fixture.price.pk)},
        "none": set(),
        "all": {str(c.pk) for c in fixture.lead_time} | {str(fixture.price.pk)},
    }[expected]

    response = client_for(fixture.brand).get(reverse("purchasing_practices"), query)

    assert response.status_code == 200
    assert listed(response) == wanted


def test_the_cap_list_names_each_caps_brand_side_causes_once(fixture: Fixture) -> None:
    html = (
        client_for(fixture.brand)
        .get(reverse("purchasing_practices"), {"code": "BP_LEADTIME"})
        .content.decode()
    )
    first = fixture.lead_time[0]
    row = html[html.index(f'href="/caps/{first.pk}/"') :]
    row = row[: row.index("</tr>")]

    assert row.count("Lead time too short") == 1
    assert "2025-07-01" in row


@pytest.mark.parametrize("role", ["admin", "csr", "sourcing", "viewer"])
def test_every_brand_role_reads_it(role: str) -> None:
    brand = member("brand", role)

    response = client_for(brand).get(reverse("purchasing_practices"))

    assert response.status_code == 200
    assert 'id="no-causes"' in response.content.decode()


def test_the_navigation_links_it_for_sourcing_managers_not_viewers() -> None:
    sourcing = member("brand", "sourcing")
    viewer = member("brand", "viewer", organization=sourcing.organization)
    link = f'href="{reverse("purchasing_practices")}"'

    assert link in client_for(sourcing).get(reverse("consultant_list")).content.decode()
    assert link not in client_for(viewer).get(reverse("consultant_list")).content.decode()


@pytest.mark.parametrize("kind", ["supplier", "partner"])
def test_suppliers_and_partners_get_404(kind: str) -> None:
    someone = member(kind, "admin" if kind == "supplier" else "member")

    assert client_for(someone).get(reverse("purchasing_practices")).status_code == 404


def test_the_page_takes_the_same_queries_for_few_or_many_caps(
    django_assert_num_queries: Any,
) -> None:
    brand = member("brand", "csr")
    facility = facility_of(brand)
    client = client_for(brand)
    for size in (1, 6):
        for n in range(size - CorrectiveActionPlan.objects.count()):
            cap = open_cap(brand, facility=facility, on=date(2024, 1 + n, 5))
            brand_side(cap, "BP_LEADTIME" if n % 2 else "BP_PAYMENT")
        # session, user, memberships; by code, by facility, by season, the share;
        # the paginator's count, the page of CAPs, their causes; the notifications.
        with django_assert_num_queries(11):
            response = client.get(reverse("purchasing_practices"))
        assert len(listed(response)) == size
