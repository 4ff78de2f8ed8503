"""The dashboard of each role against small fixtures computed by hand: the numbers,
the links behind them, what another tenant never sees, the queries each costs, and
the home page's hook that loads it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audits.services.sharing import audit_share_consent, audit_share_offer
from csr_platform.models import Membership
from remediation.models import CorrectiveActionPlan
from remediation.services.participants import participant_add
from remediation.services.work import root_cause_add
from reports import charts
from reports.dashboards import (
    PRACTICE_LABELS,
    csr_dashboard,
    partner_dashboard,
    parts_for,
    sourcing_dashboard,
    supplier_dashboard,
)
from suppliers.models import SourcingRelationship
from tests.audits.helpers import also_sourced_by, facility_of, final_audit, supplier_admin_of
from tests.conftest import signed_in, text_of
from tests.factories import Brand, member
from tests.remediation.helpers import submitted, verified
from tests.reports import Portfolio, audited, cap_of, days_ago, moment

pytestmark = pytest.mark.django_db

PANEL = reverse("dashboard_panel")
PAGE = reverse("dashboard")


def due_in(cap: CorrectiveActionPlan, days: int) -> None:
    """Set a CAP's due date ``days`` from today (negative: overdue)."""
    CorrectiveActionPlan.objects.filter(pk=cap.pk).update(
        due_date=timezone.localdate() + timedelta(days=days)
    )


def closed(cap: CorrectiveActionPlan, *, opened: int, verified_ago: int, hour: int = 12) -> None:
    """Put a verified CAP's opening (noon, ``opened`` days ago) and verification
    (``hour`` o'clock, ``verified_ago`` days ago) on the days the story says."""
    CorrectiveActionPlan.objects.filter(pk=cap.pk).update(
        created_at=moment(days_ago(opened)), verified_at=moment(days_ago(verified_ago), hour)
    )


class Programme:
    """Acme's remediation: what its CSR dashboard must show.

    Alpha Knit, audited 20 days ago: five open CAPs — zero tolerance (forced labour)
    due in 3 days, critical OSH submitted but 5 days overdue, major OSH due in 30
    days, major HOURS due in 7 days (the last day of the week), minor FACIL due today.

    Beta Sewing, audited 420 days ago: six CAPs verified and closed (the critical
    ones after a follow-up audit that found nothing), for the medians; audited again
    10 days ago: OSH came back (a repeat, open, major).
    """

    def __init__(self) -> None:
        self.brand = Brand("Acme Apparel")
        admin = self.brand.admin
        self.alpha = facility_of(admin, name="Alpha Knit")
        self.beta = facility_of(admin, name="Beta Sewing", country="VN")
        alpha_supplier = supplier_admin_of(self.alpha)
        beta_supplier = supplier_admin_of(self.beta)

        self.current = audited(
            admin,
            self.alpha,
            days=20,
            findings=[
                {"severity": "zero_tolerance", "category": "FORCED"},
                {"severity": "critical", "category": "OSH"},
                {"severity": "major", "category": "OSH"},
                {"severity": "major", "category": "HOURS"},
                {"severity": "minor", "category": "FACIL"},
                {"severity": "observation", "category": "MGMT"},
            ],
        )
        self.zero_tolerance = cap_of(self.current, 1)
        submitted(cap_of(self.current, 2), alpha_supplier)
        for number, days in ((1, 3), (2, -5), (3, 30), (4, 7), (5, 0)):
            due_in(cap_of(self.current, number), days)

        old = audited(
            admin,
            self.beta,
            days=420,
            findings=[
                {"severity": "critical", "category": "OSH"},
                {"severity": "critical", "category": "DISC"},
                {"severity": "critical", "category": "TREAT"},
                {"severity": "major", "category": "ENV"},
                {"severity": "major", "category": "MGMT"},
                {"severity": "major", "category": "FACIL"},
            ],
        )
        # Critical findings are verified on site: a follow-up audit that found nothing.
        follow_up = final_audit(admin, self.beta, on=days_ago(300), findings=0)
        for number in range(1, 7):
            verified(cap_of(old, number), beta_supplier, admin, follow_up if number <= 3 else None)
        # Critical: 10, 20 and 45 days to close (the last verified an hour short of
        # 46 days, which is 45 whole days).
        closed(cap_of(old, 1), opened=100, verified_ago=90)
        closed(cap_of(old, 2), opened=200, verified_ago=180)
        closed(cap_of(old, 3), opened=146, verified_ago=100, hour=11)
        # Major: 30 and 41 days; and 5 days, but verified 400 days ago, out of the
        # 12 months.
        closed(cap_of(old, 4), opened=60, verified_ago=30)
        closed(cap_of(old, 5), opened=300, verified_ago=259)
        closed(cap_of(old, 6), opened=405, verified_ago=400)

        self.repeat = audited(
            admin, self.beta, days=10, findings=[{"severity": "major", "category": "OSH"}]
        )


@pytest.fixture
def programme() -> Programme:
    return Programme()


def panel(membership: Membership) -> str:
    response = signed_in(membership).get(PANEL)
    assert response.status_code == 200
    return text_of(response)


def section(html: str, element_id: str) -> str:
    """The element with ``element_id`` and what follows it, up to its closing tag."""
    start = html.index(f'id="{element_id}"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)  # type: ignore[union-attr]
    return html[tag : html.index(f"</{name}>", start) + len(name) + 3]


def counted(html: str, table_id: str) -> dict[str, str]:
    """A table's rows: the row header and the first number's link."""
    rows = re.findall(
        r'<th scope="row">(?:<a [^>]*>)?([^<]+)(?:</a>)?</th>\s*'
        r'<td class="num"><a href="([^"]+)">(\d+)</a>',
        section(html, table_id),
    )
    return {label: f"{count} {href}" for label, href, count in rows}


# --- CSR -------------------------------------------------------------------------------------


def test_the_csr_numbers_match_the_story(programme: Programme) -> None:
    csr = csr_dashboard(programme.brand.csr)

    # Alpha: 1 zero tolerance, 1 critical, 2 major, 1 minor; Beta's repeat: 1 major.
    assert [(t.key, t.count) for t in csr.by_severity] == [
        ("zero_tolerance", 1),
        ("critical", 1),
        ("major", 3),
        ("minor", 1),
    ]
    assert {t.key: t.count for t in csr.by_category} == {
        "OSH": 3,
        "FORCED": 1,
        "HOURS": 1,
        "FACIL": 1,
    }
    assert csr.by_category[0].key == "OSH"
    assert csr.open_total == 6
    # The critical one, 5 days late: submitted, still open until verified.
    assert csr.overdue == 1
    # Due today, in 3 days and in 7 days; the one due in 30 days is not.
    assert csr.due_soon == 3


def test_the_median_days_to_close_are_those_computed_by_hand(programme: Programme) -> None:
    csr = csr_dashboard(programme.brand.viewer)

    # critical: 10, 20, 45 → 20; major: 30, 41 → (30 + 41) / 2 = 35.5 (the 5-day CAP was
    # verified 400 days ago); nothing zero tolerance or minor verified.
    assert [(row.severity, row.median_days, row.plans) for row in csr.close_times] == [
        ("zero_tolerance", None, 0),
        ("critical", 20.0, 3),
        ("major", 35.5, 2),
        ("minor", None, 0),
    ]


def test_the_repeat_rate_and_the_zero_tolerance_alert(programme: Programme) -> None:
    csr = csr_dashboard(programme.brand.csr)

    # 5 + 6 + 1 non-conformities in final audits (the observation aside), 1 repeat.
    assert (csr.repeats.repeats, csr.repeats.total, csr.repeats.percent) == (1, 12, 8.3)
    assert [alert.finding.category for alert in csr.alerts] == ["FORCED"]
    assert csr.alerts[0].cap_id == programme.zero_tolerance.pk
    assert csr.alerts_total == 1


def test_the_csr_panel_links_each_number_to_the_list_behind_it(programme: Programme) -> None:
    html = panel(programme.brand.csr)
    caps = reverse("cap_list")
    week_after = (timezone.localdate() + timedelta(days=8)).isoformat()

    assert f'<a href="{caps}?overdue=yes">1</a>' in section(html, "csr-overdue")
    today = timezone.localdate().isoformat()
    due_soon = f"{caps}?open=yes&amp;due_after={today}&amp;due_before={week_after}"
    assert f'<a href="{due_soon}">3</a>' in section(html, "csr-due-soon")
    assert counted(html, "csr-by-severity") == {
        "Zero tolerance": f"1 {caps}?open=yes&amp;severity=zero_tolerance",
        "Critical": f"1 {caps}?open=yes&amp;severity=critical",
        "Major": f"3 {caps}?open=yes&amp;severity=major",
        "Minor": f"1 {caps}?open=yes&amp;severity=minor",
    }
    assert counted(html, "csr-by-category")["Workplace health and safety"] == (
        f"3 {caps}?open=yes&amp;category=OSH"
    )
    # Each link opens a list of exactly that many CAPs.
    client = signed_in(programme.brand.csr)
    for link, expected in ((due_soon, 3), (f"{caps}?open=yes&amp;severity=major", 3)):
        listed = client.get(link.replace("&amp;", "&"))
        assert listed.context["page"].paginator.count == expected, link
    alerts = section(html, "csr-alerts")
    assert reverse("cap_detail", args=[programme.zero_tolerance.pk]) in alerts
    assert "Alpha Knit" in alerts
    assert "8.3 %" in section(html, "csr-repeats")
    close_times = section(html, "csr-close-times")
    assert re.search(r"Major</th>\s*<td class=\"num\">35.5</td>", close_times)
    assert f"{caps}?status=verified&amp;severity=critical" in close_times
    # The bar charts say what they draw.
    chart = ET.fromstring(re.search(r"<svg .*?</svg>", section(html, "dashboard-csr")).group(0))  # type: ignore[union-attr]
    assert chart.attrib["aria-label"] == (
        "Open CAPs by severity: Zero tolerance 1, Critical 1, Major 3, Minor 1"
    )


def test_another_brands_programme_never_appears(programme: Programme) -> None:
    other = Brand("Bolt Outdoor")
    facility = facility_of(other.admin, name="Zeta Garments")
    audit = audited(
        other.admin,
        facility,
        days=5,
        findings=[{"severity": "zero_tolerance", "category": "CHILD"}] * 2,
    )
    due_in(cap_of(audit, 1), -3)

    csr = csr_dashboard(programme.brand.csr)
    html = panel(programme.brand.admin)

    assert (csr.open_total, csr.overdue, csr.alerts_total) == (6, 1, 1)
    assert csr.repeats.total == 12
    assert "Zeta Garments" not in html
    assert "Bolt Outdoor" not in html


def test_a_zero_tolerance_finding_of_a_shared_audit_links_to_the_finding() -> None:
    acme, bolt = Brand("Acme Apparel"), Brand("Bolt Outdoor")
    facility = facility_of(bolt.admin, name="Shared Mill")
    also_sourced_by(acme.admin, facility)
    audit = audited(
        bolt.admin, facility, days=5, findings=[{"severity": "zero_tolerance", "category": "CHILD"}]
    )
    share = audit_share_offer(audit=audit, by=bolt.admin, brand_slug=acme.org.slug, message="")
    audit_share_consent(share=share, by=supplier_admin_of(facility))

    csr = csr_dashboard(acme.csr)
    html = panel(acme.csr)

    # Acme sees the finding but not Bolt's CAP: no CAP of its own to count.
    assert [alert.cap_id for alert in csr.alerts] == [None]
    assert csr.open_total == 0
    finding = csr.alerts[0].finding
    assert reverse("finding_detail", args=[finding.pk]) in section(html, "csr-alerts")
    assert "another brand's audit" in html


def test_an_empty_programme_says_what_to_do() -> None:
    brand = Brand()

    html = panel(brand.csr)

    assert "No open CAP." in html
    assert reverse("audit_create") in section(html, "csr-no-caps")
    assert "No open zero-tolerance finding." in html
    assert "No CAP verified in the last 12 months" in html
    assert "no non-compliance in a final audit yet" in html


# --- Sourcing --------------------------------------------------------------------------------


@pytest.fixture
def portfolio() -> Portfolio:
    """Alpha Knit (64, C) and Beta Sewing (38, D), see ``tests.reports.Portfolio``;
    Cora CSR's approval of Alpha waits for a sign-off, Sam Sourcing's own exit
    decision on Beta cannot be signed off by Sam; a supplier blames short lead times
    and a late change on one CAP, a late change on another."""
    portfolio = Portfolio()
    brand = portfolio.brand
    decided = {"decided_at": timezone.now(), "rationale": "Audited and fine."}
    SourcingRelationship.objects.filter(facility=portfolio.alpha).update(
        pending_decision="approve", decided_by=brand.csr.user, **decided
    )
    SourcingRelationship.objects.filter(facility=portfolio.beta).update(
        pending_decision="exit", decided_by=brand.sourcing.user, **decided
    )
    supplier = supplier_admin_of(portfolio.alpha)
    first, second = cap_of(portfolio.second, 1), cap_of(portfolio.first, 2)
    for cap, code in (
        (first, "BP_LEADTIME"),
        (first, "BP_LATE_CHANGE"),
        (second, "BP_LATE_CHANGE"),
    ):
        root_cause_add(
            cap=cap,
            by=supplier,
            method="fishbone",
            category="purchasing_practice",
            purchasing_code=code,
            cause="The order came with two weeks' notice.",
        )
    return portfolio


def test_the_sourcing_numbers_match_the_story(portfolio: Portfolio) -> None:
    sourcing = sourcing_dashboard(portfolio.brand.sourcing)

    assert [(t.key, t.count) for t in sourcing.grades] == [
        ("A", 0),
        ("B", 0),
        ("C", 1),
        ("D", 1),
        ("E", 0),
    ]
    assert [(card.facility.name, card.score) for card in sourcing.lowest] == [
        ("Beta Sewing", 38),
        ("Alpha Knit", 64),
    ]
    # Sam's own decision is not Sam's to sign off.
    assert [r.facility.name for r in sourcing.sign_offs or []] == ["Alpha Knit"]
    assert sourcing.sign_offs_total == 1
    # Late changes on two CAPs, short lead times on one.
    assert [(t.key, t.count) for t in sourcing.practices] == [
        ("BP_LATE_CHANGE", 2),
        ("BP_LEADTIME", 1),
    ]


def test_the_purchasing_practices_are_reused_by_the_brand_and_labelled_per_reader(
    portfolio: Portfolio,
) -> None:
    sourcing_dashboard(portfolio.brand.sourcing)

    with translation.override("es"), CaptureQueriesContext(connection) as captured:
        again = sourcing_dashboard(portfolio.brand.admin)

    assert not [q for q in captured if '"purchasing_code"' in q["sql"]]
    assert [(t.key, t.count) for t in again.practices] == [
        ("BP_LATE_CHANGE", 2),
        ("BP_LEADTIME", 1),
    ]
    # Kept without labels: the first reader's language does not stick.
    with translation.override("en"):
        english = str(PRACTICE_LABELS["BP_LATE_CHANGE"])
    with translation.override("es"):
        spanish = str(PRACTICE_LABELS["BP_LATE_CHANGE"])
    assert again.practices[0].label == spanish != english


def test_the_sourcing_panel_links_to_the_lists_behind_it(portfolio: Portfolio) -> None:
    html = panel(portfolio.brand.sourcing)

    grades = reverse("scorecard_list")
    assert counted(html, "sourcing-grades")["D"] == f"1 {grades}?grade=D"
    lowest = section(html, "sourcing-lowest")
    assert lowest.index("Beta Sewing") < lowest.index("Alpha Knit")
    assert reverse("scorecard_detail", args=[portfolio.beta.pk]) in lowest
    assert f'href="{reverse("sign_offs")}" id="sourcing-sign-offs-count">1<' in html
    assert counted(html, "sourcing-practices")["Late design or order changes"] == (
        f"2 {reverse('purchasing_practices')}?code=BP_LATE_CHANGE#caps"
    )
    # Sourcing managers get their part only.
    assert 'id="dashboard-csr"' not in html


def test_a_brand_admin_sees_both_parts_and_a_viewer_the_csr_one(portfolio: Portfolio) -> None:
    brand = portfolio.brand

    admin = panel(brand.admin)
    viewer = panel(brand.viewer)

    assert 'id="dashboard-csr"' in admin
    assert 'id="dashboard-sourcing"' in admin
    # Cora decided it: the admin may sign it off.
    assert 'id="sourcing-sign-offs-count">2<' in admin
    assert 'id="dashboard-csr"' in viewer
    assert 'id="dashboard-sourcing"' not in viewer


def test_another_brands_scorecards_and_decisions_never_appear(portfolio: Portfolio) -> None:
    other = Brand("Bolt Outdoor")
    facility = facility_of(other.admin, name="Zeta Garments")
    SourcingRelationship.objects.filter(facility=facility).update(
        pending_decision="approve", decided_by=other.csr.user, decided_at=timezone.now()
    )

    sourcing = sourcing_dashboard(portfolio.brand.sourcing)
    theirs = sourcing_dashboard(other.sourcing)

    assert sourcing.scored == 2
    assert sourcing.sign_offs_total == 1
    assert (theirs.scored, theirs.sign_offs_total, theirs.practices) == (1, 1, [])
    assert "Alpha Knit" not in panel(other.sourcing)


def test_an_empty_sourcing_dashboard_says_what_to_do() -> None:
    html = panel(Brand().sourcing)

    assert "No facility to score yet" in html
    assert "Nothing waits for your sign-off." in html
    assert "No supplier has traced a CAP's root cause to your purchasing practices" in html


# --- Suppliers -------------------------------------------------------------------------------


class TwoBrands:
    """Delta Textiles makes for Acme and Bolt. Acme's audit left three open CAPs (4
    days overdue, due in 2 days, due in 40 days) and a verified one; Bolt's one CAP
    is due in 6 days. Another supplier's factory has Acme CAPs overdue too."""

    def __init__(self) -> None:
        self.acme, self.bolt = Brand("Acme Apparel"), Brand("Bolt Outdoor")
        self.delta = facility_of(self.acme.admin, name="Delta Textiles")
        also_sourced_by(self.bolt.admin, self.delta)
        self.supplier = supplier_admin_of(self.delta)
        self.member = member("supplier", "member", organization=self.delta.supplier)
        acme_audit = audited(
            self.acme.admin,
            self.delta,
            days=30,
            findings=[{"severity": "major", "category": "OSH"}] * 4,
        )
        for number, days in ((1, -4), (2, 2), (3, 40)):
            due_in(cap_of(acme_audit, number), days)
        verified(cap_of(acme_audit, 4), self.supplier, self.acme.admin)
        self.overdue = cap_of(acme_audit, 1)
        self.bolt_cap = cap_of(
            audited(
                self.bolt.admin,
                self.delta,
                days=5,
                findings=[{"severity": "minor", "category": "ENV"}],
            ),
            1,
        )
        due_in(self.bolt_cap, 6)
        elsewhere = facility_of(self.acme.admin, name="Omega Knits")
        due_in(
            cap_of(
                audited(self.acme.admin, elsewhere, days=9, findings=[{"severity": "critical"}]),
                1,
            ),
            -1,
        )


def test_the_supplier_sees_its_caps_due_and_overdue_per_brand() -> None:
    story = TwoBrands()

    work = supplier_dashboard(story.member)

    assert [(b.name, b.open, b.due_soon, b.overdue) for b in work.brands] == [
        ("Acme Apparel", 3, 1, 1),
        ("Bolt Outdoor", 1, 1, 0),
    ]
    assert (work.open, work.due_soon, work.overdue) == (4, 2, 1)
    # The most overdue first, then the soonest due; the verified one not at all.
    assert [cap.due_date for cap in work.urgent] == [
        timezone.localdate() + timedelta(days=days) for days in (-4, 2, 6, 40)
    ]


def test_the_supplier_panel_links_each_brand_to_its_caps() -> None:
    story = TwoBrands()

    html = panel(story.supplier)

    mine = reverse("my_caps")
    assert counted(html, "supplier-brands") == {
        "Acme Apparel": f"3 {mine}?brand={story.acme.org.pk}",
        "Bolt Outdoor": f"1 {mine}?brand={story.bolt.org.pk}",
    }
    urgent = section(html, "dashboard-urgent")
    assert urgent.index(str(story.overdue.pk)) < urgent.index(str(story.bolt_cap.pk))
    assert "overdue by 4 days" in urgent
    assert "Omega Knits" not in html


def test_a_supplier_without_caps_is_told_where_they_come_from() -> None:
    html = panel(member("supplier", "admin"))

    assert "No open CAP on your facilities." in html


# --- Partners --------------------------------------------------------------------------------


def test_a_partner_sees_the_caps_it_is_on() -> None:
    story = TwoBrands()
    consultant = member("partner", "member")
    for cap in (story.overdue, story.bolt_cap):
        participant_add(
            cap=cap,
            by=story.acme.admin if cap.brand_id == story.acme.org.pk else story.bolt.admin,
            organization_slug=consultant.organization.slug,
        )

    work = partner_dashboard(consultant)
    html = panel(consultant)

    assert (work.open, work.due_soon, work.overdue) == (2, 1, 1)
    assert [cap.pk for cap in work.urgent] == [story.overdue.pk, story.bolt_cap.pk]
    assert f'<a href="{reverse("cap_list")}?overdue=yes">1</a>' in section(html, "partner-overdue")
    assert "Delta Textiles" in section(html, "dashboard-urgent")


def test_a_partner_on_no_cap_is_told_how_it_gets_one() -> None:
    html = panel(member("partner", "member"))

    assert "You are on no open CAP." in html


# --- Who sees which part, the page and the home page ------------------------------------------


@pytest.mark.parametrize(
    ("kind", "role", "parts"),
    [
        ("brand", "admin", ("csr", "sourcing")),
        ("brand", "csr", ("csr",)),
        ("brand", "sourcing", ("sourcing",)),
        ("brand", "viewer", ("csr",)),
        ("supplier", "admin", ("supplier",)),
        ("supplier", "member", ("supplier",)),
        ("partner", "member", ("partner",)),
    ],
)
def test_each_role_gets_its_parts_on_the_home_page_hook_and_the_page(
    kind: str, role: str, parts: tuple[str, ...]
) -> None:
    membership = member(kind, role)
    client = signed_in(membership)

    home = text_of(client.get(reverse("home")))
    fragment = client.get(PANEL)
    page = client.get(PAGE)

    assert parts_for(membership) == parts
    assert re.search(rf'<section id="dashboard" [^>]*hx-get="{PANEL}" hx-trigger="load"', home)
    assert f'<a href="{PAGE}">' in section(home, "dashboard")
    assert fragment.status_code == page.status_code == 200
    assert "<html" not in text_of(fragment)
    for part in parts:
        assert f'id="dashboard-{part}"' in text_of(fragment)
        assert f'id="dashboard-{part}"' in text_of(page)


def test_the_dashboard_needs_a_sign_in() -> None:
    for url in (PANEL, PAGE):
        response = Client().get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- Queries ---------------------------------------------------------------------------------


def queries(membership: Membership, url: str = PANEL) -> int:
    client = signed_in(membership)
    # What a load costs before the brand's repeat rate is kept (reports.dashboards).
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def brand_of(size: int) -> Brand:
    """``size`` facilities, each audited with an open CAP of two severities, one
    overdue, one verified; a decision waiting for sign-off on each."""
    brand = Brand(f"Brand of {size}")
    for n in range(size):
        facility = facility_of(brand.admin, name=f"Mill {n:02d}")
        audit = audited(
            brand.admin,
            facility,
            days=40,
            findings=[
                {"severity": "zero_tolerance", "category": "CHILD"},
                {"severity": "minor", "category": "ENV"},
            ],
        )
        due_in(cap_of(audit, 1), -2)
        CorrectiveActionPlan.objects.filter(pk=cap_of(audit, 2).pk).update(
            status="verified", verified_at=timezone.now()
        )
        SourcingRelationship.objects.filter(facility=facility).update(
            pending_decision="approve", decided_by=brand.csr.user, decided_at=timezone.now()
        )
    return brand


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # session, user, memberships; CAPs grouped, alerts, repeat rate, medians; and
        # for sourcing the current scorecards, filled on this first read (the stale
        # check, the relationships and four aggregates, the upsert in a savepoint, the
        # clean-up: 10) and read (grades, lowest scores: 2), the sign-offs, the practices.
        ("csr", 3 + 4),
        ("viewer", 3 + 4),
        ("sourcing", 3 + 12 + 2),
        ("admin", 3 + 4 + 12 + 2),
    ],
)
def test_a_brand_dashboard_asks_as_much_for_2_facilities_as_for_8(role: str, expected: int) -> None:
    few, many = brand_of(2), brand_of(8)

    assert queries(getattr(few, role)) == expected
    assert queries(getattr(many, role)) == expected


def test_a_supplier_or_partner_dashboard_asks_as_much_for_1_cap_as_for_many() -> None:
    consultant = member("partner", "member")
    counts: dict[str, list[int]] = {"supplier": [], "partner": []}
    for size in (1, 6):
        brand = Brand(f"Brand of {size}")
        facility = facility_of(brand.admin, name=f"Mill of {size}")
        audit = audited(brand.admin, facility, days=20, findings=[{"severity": "major"}] * size)
        for number in range(1, size + 1):
            participant_add(
                cap=cap_of(audit, number),
                by=brand.admin,
                organization_slug=consultant.organization.slug,
            )
        counts["supplier"].append(queries(supplier_admin_of(facility)))
        counts["partner"].append(queries(consultant))

    # session, user, memberships; CAPs counted (per brand), the most urgent.
    assert counts == {"supplier": [5, 5], "partner": [5, 5]}


def test_the_full_page_adds_only_the_navigation(programme: Programme) -> None:
    # The panel's queries and the navigation's unread notifications.
    assert queries(programme.brand.csr, PAGE) == queries(programme.brand.csr) + 1


# --- The chart ---------------------------------------------------------------------------------


def test_the_bar_chart_draws_each_value_on_one_scale_and_escapes_its_text() -> None:
    markup = charts.bar_chart(
        [("Major <b>", 3), ("Minor", 1), ("None", 0)],
        label="Open CAPs & more",
        colours=[charts.FAIR],
        width=200,
    )

    root = ET.fromstring(markup)
    ns = {"svg": charts.SVG_NS}
    assert root.attrib["aria-label"] == "Open CAPs & more"
    texts = [t.text for t in root.findall("svg:text", ns)]
    assert texts == ["Major <b>", "3", "Minor", "1", "None", "0"]
    bars = root.findall("svg:rect", ns)[1::2]
    track = float(root.findall("svg:rect", ns)[0].attrib["width"])
    widths = [float(bar.attrib["width"]) for bar in bars]
    assert widths == [track, pytest.approx(track / 3, abs=0.01), 0]
    # The first bar in the colour given, the others in the palette's blue.
    assert [bar.attrib["fill"] for bar in bars] == [charts.FAIR, charts.LINE, charts.LINE]
