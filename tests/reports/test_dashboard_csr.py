"""The CSR dashboard at scale: it counts plans by their own copy of the finding's
category and severity (no join to every finding), so an amended finding moves in
the counts; its repeat rate covers the audits of the scorecards' 24 months, says so,
and links to exactly the repeats it counts, reused by the brand for a few minutes;
and it asks the same four queries, only two of them reading findings, whatever the
size of the programme."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Finding
from audits.services.findings import finding_amend
from audits.services.sharing import audit_share_consent, audit_share_offer
from remediation.services.participants import participant_add, participant_remove
from reports.dashboards import csr_dashboard
from reports.documents import PROGRAM_SUMMARY, Branding, report_html
from reports.scorecards import REPEAT_WINDOW_MONTHS, brand_viewpoint, months_before
from tests.audits.helpers import also_sourced_by, facility_of, supplier_admin_of
from tests.conftest import signed_in, text_of
from tests.factories import Brand
from tests.remediation.helpers import verified
from tests.reports import audited, cap_of, days_ago

pytestmark = pytest.mark.django_db

PANEL = reverse("dashboard_panel")


class ComingBack:
    """Acme's Gamma Dye: a blocked exit (OSH, major) found 900 days ago and fixed;
    found again 800 days ago (a repeat, out of the 24 months) and fixed again; found
    a third time 10 days ago (a repeat within them), beside a wage problem."""

    def __init__(self) -> None:
        self.brand = Brand("Acme Apparel")
        admin = self.brand.admin
        self.gamma = facility_of(admin, name="Gamma Dye")
        supplier = supplier_admin_of(self.gamma)
        exit_blocked = {"severity": "major", "category": "OSH"}
        first = audited(admin, self.gamma, days=900, findings=[exit_blocked])
        verified(cap_of(first, 1), supplier, admin)
        second = audited(admin, self.gamma, days=800, findings=[exit_blocked])
        verified(cap_of(second, 1), supplier, admin)
        self.latest = audited(
            admin,
            self.gamma,
            days=10,
            findings=[exit_blocked, {"severity": "critical", "category": "WAGE"}],
        )


@pytest.fixture
def coming_back() -> ComingBack:
    return ComingBack()


def test_the_repeat_rate_counts_the_audits_of_the_last_24_months(
    coming_back: ComingBack,
) -> None:
    # Two repeats in all, of four non-compliances; in the window, one of two.
    assert Finding.objects.filter(repeat_of__isnull=False).count() == 2

    csr = csr_dashboard(coming_back.brand.csr)

    assert (csr.repeats.repeats, csr.repeats.total) == (1, 2)
    assert csr.repeats_since == months_before(csr.today, REPEAT_WINDOW_MONTHS)
    assert days_ago(800) < csr.repeats_since <= days_ago(10)


def test_the_panel_says_the_window_and_links_to_the_repeats_it_counts(
    coming_back: ComingBack,
) -> None:
    client = signed_in(coming_back.brand.csr)
    since = csr_dashboard(coming_back.brand.csr).repeats_since.isoformat()

    html = text_of(client.get(PANEL))

    assert f"Audits of the last 24 months, begun on or after {since}" in html
    link = re.search(r'href="([^"]*repeat=yes[^"]*)"', html).group(1)  # type: ignore[union-attr]
    assert link == f"{reverse('finding_list')}?repeat=yes&amp;date_from={since}"
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.context["page"].paginator.count == 1


def test_an_amended_finding_moves_in_the_open_cap_counts(coming_back: ComingBack) -> None:
    wage = cap_of(coming_back.latest, 2)
    before = csr_dashboard(coming_back.brand.csr)
    assert {t.key: t.count for t in before.by_severity}["critical"] == 1

    finding_amend(
        finding=wage.finding,
        by=coming_back.brand.csr,
        reason="Wages were paid late, not below the minimum.",
        severity="minor",
        category="EMPLOY",
    )

    after = csr_dashboard(coming_back.brand.csr)
    assert {t.key: t.count for t in after.by_severity} == {
        "zero_tolerance": 0,
        "critical": 0,
        "major": 1,
        "minor": 1,
    }
    assert {t.key: t.count for t in after.by_category} == {"OSH": 1, "EMPLOY": 1}


def test_only_the_alerts_and_the_repeat_rate_read_findings(coming_back: ComingBack) -> None:
    with CaptureQueriesContext(connection) as captured:
        csr_dashboard(coming_back.brand.csr)

    # The open CAPs grouped, the alerts, the repeat rate, the medians to close.
    assert len(captured) == 4
    reading_findings = [q["sql"] for q in captured if '"audits_finding"' in q["sql"]]
    assert len(reading_findings) == 2
    assert all('"repeat_of_id"' in sql or "zero_tolerance" in sql for sql in reading_findings)


def test_the_repeat_rate_and_close_times_are_reused_by_the_brand_for_a_few_minutes(
    coming_back: ComingBack,
) -> None:
    first = csr_dashboard(coming_back.brand.csr)
    other = Brand("Bolt Outdoor")

    # Another member of the brand: the rate and the medians are reused; what is to be
    # acted on (open CAPs, alerts) is read again.
    with CaptureQueriesContext(connection) as captured:
        again = csr_dashboard(coming_back.brand.viewer)
    # Another brand counts its own.
    elsewhere = csr_dashboard(other.csr)

    assert len(captured) == 2
    assert again.close_times == first.close_times
    assert (
        (again.repeats.repeats, again.repeats.total)
        == (1, 2)
        == (
            first.repeats.repeats,
            first.repeats.total,
        )
    )
    assert (elsewhere.repeats.repeats, elsewhere.repeats.total) == (0, 0)


def test_a_collaborating_brand_counts_the_joint_plan_until_it_leaves(
    coming_back: ComingBack,
) -> None:
    bolt = Brand("Bolt Outdoor")
    also_sourced_by(bolt.admin, coming_back.gamma)
    share = audit_share_offer(
        audit=coming_back.latest, by=coming_back.brand.admin, brand_slug=bolt.org.slug, message=""
    )
    audit_share_consent(share=share, by=supplier_admin_of(coming_back.gamma))
    wage = cap_of(coming_back.latest, 2)
    joined = participant_add(cap=wage, by=coming_back.brand.admin, organization_slug=bolt.org.slug)

    csr = csr_dashboard(bolt.csr)
    assert (csr.open_total, [(t.key, t.count) for t in csr.by_category]) == (1, [("WAGE", 1)])

    participant_remove(participant=joined, by=coming_back.brand.admin)
    assert csr_dashboard(bolt.csr).open_total == 0


def test_the_programme_summary_says_the_window_of_its_repeat_rate(
    coming_back: ComingBack,
) -> None:
    html = report_html(
        PROGRAM_SUMMARY,
        viewpoint=brand_viewpoint(coming_back.brand.org),
        on=timezone.localdate(),
        branding=Branding(name="Acme Apparel"),
    )
    since = months_before(timezone.localdate(), REPEAT_WINDOW_MONTHS).isoformat()

    repeats = html[html.index('id="repeats"') :]
    assert "1 of 2 non-compliances found in final audits repeat" in repeats
    assert f"Audits of the last 24 months, begun on or after {since}" in repeats
