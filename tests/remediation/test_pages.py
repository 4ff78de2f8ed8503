"""The CAP pages: the list (brands, suppliers, partners) with its filters and urgency
order, the CAP page with its finding and law context, the transitions posted from it,
the verification queue; internal comments never reaching a supplier or a partner;
and a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit
from audits.services.sharing import audit_share_consent, audit_share_offer
from csr_platform.models import Membership, Organization
from laws.models import Requirement
from remediation.models import CapEvent, CorrectiveActionPlan
from remediation.services.opening import caps_open_for_audit
from remediation.services.participants import participant_add
from remediation.services.transitions import cap_start
from remediation.services.work import action_add, comment_add, evidence_add
from suppliers.models import Facility
from tests.audits.helpers import (
    also_sourced_by,
    bd_overtime_rule,
    facility_of,
    final_audit,
    supplier_admin_of,
)
from tests.conftest import text_of
from tests.factories import Brand, OrganizationFactory, member
from tests.remediation.helpers import open_cap, pdf, plan, submitted, verified

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


# --- Arrange --------------------------------------------------------------------------


@pytest.fixture
def brand() -> Brand:
    return Brand()


@pytest.fixture
def cap(brand: Brand) -> CorrectiveActionPlan:
    return open_cap(brand.admin)


@pytest.fixture
def supplier(cap: CorrectiveActionPlan) -> Membership:
    return supplier_admin_of(cap.facility)


def client_for(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def partner_on(
    cap: CorrectiveActionPlan, by: Membership, partner_type: str = "consultant"
) -> Membership:
    """A partner organization of ``partner_type`` invited onto ``cap``; its member."""
    organization = cast(
        Organization,
        OrganizationFactory(kind="partner", partner_type=partner_type, name=f"{partner_type} Co"),
    )
    participant_add(cap=cap, by=by, organization_slug=organization.slug)
    return member("partner", "member", organization=organization)


def collaborating(other: Brand, cap: CorrectiveActionPlan, by: Membership) -> None:
    """``other`` sources from the facility, the audit is shared with it (consented),
    and it joins ``cap`` as collaborating brand."""
    audit = cap.finding.audit
    also_sourced_by(other.admin, cap.facility)
    share = audit_share_offer(audit=audit, by=by, brand_slug=other.org.slug)
    audit_share_consent(share=share, by=supplier_admin_of(cap.facility))
    participant_add(cap=cap, by=by, organization_slug=other.org.slug)


def caps_for(owner: Brand, facility: Facility, count: int, **values: Any) -> list[Any]:
    audit = final_audit(owner.admin, facility, findings=count, **values)
    return caps_open_for_audit(audit_id=str(audit.pk))


# --- The list -------------------------------------------------------------------------


def test_the_brand_sees_its_caps_with_finding_facility_status_and_due_date(
    brand: Brand, cap: CorrectiveActionPlan
) -> None:
    response = client_for(brand.csr).get(reverse("cap_list"))

    assert response.status_code == 200
    html = text_of(response)
    assert reverse("cap_detail", args=[cap.pk]) in html
    assert cap.finding.label in html
    assert cap.facility.name in html
    assert "Workplace health and safety" in html
    assert "badge-severity-major" in html
    assert "Desk review of evidence" in html
    assert reverse("verification_queue") in html


def test_the_list_says_how_many_days_a_cap_is_overdue(
    brand: Brand, cap: CorrectiveActionPlan
) -> None:
    CorrectiveActionPlan.objects.filter(pk=cap.pk).update(
        due_date=timezone.localdate() - timedelta(days=3)
    )

    html = text_of(client_for(brand.csr).get(reverse("cap_list")))

    assert "overdue by 3 days" in html


def test_the_list_puts_overdue_caps_first_then_the_soonest_due(brand: Brand) -> None:
    facility = facility_of(brand.admin)
    later, overdue, soon, done = caps_for(brand, facility, 4)
    today = timezone.localdate()
    for cap, due in (
        (later, today + timedelta(days=60)),
        (overdue, today - timedelta(days=1)),
        (soon, today + timedelta(days=5)),
        (done, today - timedelta(days=30)),
    ):
        CorrectiveActionPlan.objects.filter(pk=cap.pk).update(due_date=due)
    CorrectiveActionPlan.objects.filter(pk=done.pk).update(status="cancelled")

    response = client_for(brand.csr).get(reverse("cap_list"))

    assert [c.pk for c in response.context["page"].object_list] == [
        overdue.pk,
        soon.pk,
        later.pk,
        done.pk,
    ]


def test_the_list_filters(brand: Brand) -> None:
    dhaka = facility_of(brand.admin)
    saigon = facility_of(brand.admin, name="Saigon Stitch", country="VN")
    (hours,) = caps_for(brand, dhaka, 1, category="HOURS", severity="critical")
    (osh,) = caps_for(brand, saigon, 1, category="OSH", severity="minor")
    today = timezone.localdate()
    CorrectiveActionPlan.objects.filter(pk=hours.pk).update(due_date=today - timedelta(days=2))
    CorrectiveActionPlan.objects.filter(pk=osh.pk).update(
        due_date=today + timedelta(days=40), not_sustained_at=timezone.now()
    )
    consultant = partner_on(osh, brand.csr)
    client = client_for(brand.csr)

    def listed(**query: str) -> set[Any]:
        response = client.get(reverse("cap_list"), query)
        assert response.status_code == 200
        return {c.pk for c in response.context["page"].object_list}

    assert listed() == {hours.pk, osh.pk}
    assert listed(facility=str(saigon.pk)) == {osh.pk}
    assert listed(severity="critical") == {hours.pk}
    assert listed(category="OSH") == {osh.pk}
    assert listed(status="open") == {hours.pk, osh.pk}
    assert listed(status="verified") == set()
    assert listed(overdue="yes") == {hours.pk}
    assert listed(due_before=(today + timedelta(days=10)).isoformat()) == {hours.pk}
    assert listed(participant=str(consultant.organization_id)) == {osh.pk}
    assert listed(not_sustained="yes") == {osh.pk}
    # A wrong value is ignored (lists are bookmarked), not an error.
    assert listed(severity="nonsense") == {hours.pk, osh.pk}


def test_a_supplier_sees_every_brands_caps_on_its_facilities_and_filters_by_owner(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    other = Brand("Other Brand")
    also_sourced_by(other.admin, cap.facility)
    (theirs,) = caps_for(other, cap.facility, 1)
    elsewhere = open_cap(Brand("Third").admin)

    client = client_for(supplier)
    response = client.get(reverse("cap_list"))

    listed = {c.pk for c in response.context["page"].object_list}
    assert listed == {cap.pk, theirs.pk}
    assert elsewhere.pk not in listed
    assert response.context["show_owner"]
    owner_filtered = client.get(reverse("cap_list"), {"owner": str(other.org.pk)})
    assert {c.pk for c in owner_filtered.context["page"].object_list} == {theirs.pk}


def test_a_partner_lists_only_the_caps_it_is_on(brand: Brand) -> None:
    facility = facility_of(brand.admin)
    assigned, other = caps_for(brand, facility, 2)
    consultant = partner_on(assigned, brand.csr)

    response = client_for(consultant).get(reverse("cap_list"))

    assert [c.pk for c in response.context["page"].object_list] == [assigned.pk]
    assert reverse("cap_detail", args=[other.pk]) not in text_of(response)


def test_the_list_has_an_empty_state(brand: Brand) -> None:
    response = client_for(brand.csr).get(reverse("cap_list"))

    assert response.status_code == 200
    assert "No corrective action plan yet." in text_of(response)


def _brand_with_caps(count: int) -> Brand:
    owner = Brand(f"Brand {count}")
    facility = facility_of(owner.admin, name=f"Facility {count}")
    caps = caps_for(owner, facility, count)
    consultant_org = cast(
        Organization, OrganizationFactory(kind="partner", name=f"Consultants {count}")
    )
    for cap in caps:
        participant_add(cap=cap, by=owner.csr, organization_slug=consultant_org.slug)
    return owner


def test_the_cap_list_takes_the_same_queries_for_3_or_30_caps(
    django_assert_num_queries: Any,
) -> None:
    for owner in (_brand_with_caps(3), _brand_with_caps(30)):
        client = client_for(owner.csr)
        # session, user, memberships, unread notifications + facility, owner and
        # participant choices, the count and the page.
        with django_assert_num_queries(9):
            response = client.get(reverse("cap_list"))
        assert response.status_code == 200


# --- The CAP page ---------------------------------------------------------------------


def test_the_cap_page_shows_the_finding_the_law_and_its_remediation_guidance(
    brand: Brand,
) -> None:
    rule = bd_overtime_rule()
    Requirement.objects.filter(pk=rule.pk).update(
        remediation_guidance="Cap weekly hours at 60 and pay every overtime hour double."
    )
    cap = open_cap(brand.admin, category="HOURS")
    finding = cap.finding
    finding.requirement = rule
    finding.workers_affected = 120
    finding.save()

    response = client_for(brand.csr).get(reverse("cap_detail", args=[cap.pk]))

    assert response.status_code == 200
    html = text_of(response)
    assert finding.description in html
    assert "Bangladesh Labour Act 2006 s.102" in html
    assert "At most 60 h a week." in html
    assert "Cap weekly hours at 60 and pay every overtime hour double." in html
    assert "120" in html
    # The category's references in the schemes (SMETA 6 for hours).
    assert "SMETA" in html
    assert reverse("finding_detail", args=[finding.pk]) in html
    # Wages and hours are verified by a follow-up audit.
    assert "Follow-up audit" in html


def test_the_header_shows_owner_due_date_overdue_and_not_sustained(
    brand: Brand, cap: CorrectiveActionPlan
) -> None:
    CorrectiveActionPlan.objects.filter(pk=cap.pk).update(
        due_date=timezone.localdate() - timedelta(days=1), not_sustained_at=timezone.now()
    )

    html = text_of(client_for(brand.csr).get(reverse("cap_detail", args=[cap.pk])))

    assert brand.org.name in html
    assert "overdue by 1 day" in html
    assert "Fix not sustained" in html


def test_a_partner_sees_the_finding_basics_but_no_link_to_the_audit(
    brand: Brand, cap: CorrectiveActionPlan
) -> None:
    consultant = partner_on(cap, brand.csr)

    response = client_for(consultant).get(reverse("cap_detail", args=[cap.pk]))

    assert response.status_code == 200
    html = text_of(response)
    assert cap.finding.description in html
    assert reverse("finding_detail", args=[cap.finding.pk]) not in html
    assert reverse("audit_detail", args=[cap.finding.audit_id]) not in html


def test_caps_outside_the_callers_visibility_are_404(
    brand: Brand, cap: CorrectiveActionPlan
) -> None:
    stranger = Brand("Stranger")
    unassigned = member("partner", "member")
    other_supplier = member("supplier", "admin")

    for outsider in (stranger.csr, unassigned, other_supplier):
        response = client_for(outsider).get(reverse("cap_detail", args=[cap.pk]))
        assert response.status_code == 404


def test_the_supplier_sees_work_forms_and_the_brand_sees_manager_forms(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    supplier_page = client_for(supplier).get(reverse("cap_detail", args=[cap.pk]))
    brand_page = client_for(brand.csr).get(reverse("cap_detail", args=[cap.pk]))
    viewer_page = client_for(brand.viewer).get(reverse("cap_detail", args=[cap.pk]))

    s = supplier_page.context
    assert s["root_cause_form"]
    assert s["action_form"]
    assert s["evidence_form"]
    assert s["extension_form"]
    assert s["comment_form"]
    assert "internal" not in s["comment_form"].fields
    assert "participant_form" not in s
    assert "due_date_form" not in s
    assert s["transitions"]["start"]
    assert not s["transitions"]["cancel"]
    assert reverse("root_cause_add", args=[cap.pk]) in text_of(supplier_page)

    b = brand_page.context
    assert "root_cause_form" not in b
    assert "evidence_form" not in b
    assert b["participant_form"]
    assert b["due_date_form"]
    assert b["cancel_form"]
    assert "internal" in b["comment_form"].fields
    assert b["transitions"]["cancel"]
    assert not b["transitions"]["start"]
    assert "Internal (only your brand sees it)" in text_of(brand_page)

    v = viewer_page.context
    assert "comment_form" not in v
    assert "cancel_form" not in v
    assert not any(v["transitions"].values())


def test_the_timeline_shows_every_step_oldest_first(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    submitted(cap, supplier)

    response = client_for(brand.csr).get(reverse("cap_detail", args=[cap.pk]))

    labels = [str(row["label"]) for row in response.context["timeline"]]
    assert labels[0] == "CAP opened"
    assert labels[-1] == "Submitted for verification"
    assert "Root cause recorded" in labels
    assert "Evidence uploaded" in labels
    submit_row = response.context["timeline"][-1]
    assert (str(submit_row["from"]), str(submit_row["to"])) == (
        "In progress",
        "Submitted for verification",
    )
    assert supplier.user.display_name in text_of(response)


def _cap_with_work(count: int) -> tuple[Brand, CorrectiveActionPlan]:
    owner = Brand(f"Brand {count}")
    cap = open_cap(owner.admin, facility=facility_of(owner.admin, name=f"Facility {count}"))
    supplier = supplier_admin_of(cap.facility)
    partner_on(cap, owner.csr)
    for number in range(count):
        action_add(
            cap=cap,
            by=supplier,
            kind="preventive" if number % 2 else "corrective",
            description=f"Action {number}",
            owner="Head of HR",
            due_date=date(2030, 1, 1),
        )
        evidence_add(cap=cap, by=supplier, file=pdf(f"record-{number}.pdf"))
        comment_add(cap=cap, by=owner.csr, body=f"Internal {number}", internal=True)
        comment_add(cap=cap, by=supplier, body=f"Comment {number}")
    plan(cap, supplier)
    return owner, cap


def test_the_cap_page_takes_the_same_queries_for_3_or_30_of_everything(
    django_assert_num_queries: Any,
) -> None:
    pages = [_cap_with_work(3), _cap_with_work(30)]
    for owner, cap in pages:
        client = client_for(owner.csr)
        # session, user, memberships, unread notifications + the CAP; root causes,
        # actions, evidence, comments, extensions, participants, events; whether the
        # finding is visible.
        with django_assert_num_queries(13):
            response = client.get(reverse("cap_detail", args=[cap.pk]))
        assert response.status_code == 200
        supplier = supplier_admin_of(cap.facility)
        client = client_for(supplier)
        # The supplier's page also asks what submitting still needs (two questions).
        with django_assert_num_queries(15):
            assert client.get(reverse("cap_detail", args=[cap.pk])).status_code == 200


# --- Internal comments ----------------------------------------------------------------


def test_internal_comments_reach_the_brand_and_never_the_supplier_or_a_partner(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    consultant = partner_on(cap, brand.csr)
    comment_add(cap=cap, by=brand.csr, body="Supplier is stalling; escalate.", internal=True)
    comment_add(cap=cap, by=brand.csr, body="Please send the fire certificate.")

    brand_html = text_of(client_for(brand.admin).get(reverse("cap_detail", args=[cap.pk])))
    assert "Supplier is stalling; escalate." in brand_html
    assert "Please send the fire certificate." in brand_html

    for outsider in (supplier, consultant):
        for url in (reverse("cap_detail", args=[cap.pk]), reverse("cap_list")):
            html = text_of(client_for(outsider).get(url))
            assert "Supplier is stalling" not in html
            assert "Internal comment" not in html
        page = client_for(outsider).get(reverse("cap_detail", args=[cap.pk]))
        assert "Please send the fire certificate." in text_of(page)
        actions = [row["event"].action for row in page.context["timeline"]]
        assert "internal_comment" not in actions
        assert "comment" in actions


def test_an_internal_comment_posted_with_htmx_stays_out_of_the_suppliers_timeline(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    response = client_for(brand.csr).post(
        reverse("cap_comment_add", args=[cap.pk]),
        {"comment-body": "Consider ending the relationship.", "comment-internal": "on"},
        headers=HTMX,
    )
    assert response.status_code == 200
    fragment = text_of(response)
    assert "Consider ending the relationship." in fragment
    assert 'id="cap-timeline"' in fragment
    assert "hx-swap-oob" in fragment

    html = text_of(client_for(supplier).get(reverse("cap_detail", args=[cap.pk])))
    assert "Consider ending the relationship." not in html
    assert CapEvent.objects.filter(cap=cap, action="internal_comment").count() == 1


# --- Transitions ----------------------------------------------------------------------


def test_the_supplier_starts_the_cap(cap: CorrectiveActionPlan, supplier: Membership) -> None:
    response = client_for(supplier).post(reverse("cap_transition", args=[cap.pk, "start"]))

    assert response.status_code == 302
    cap.refresh_from_db()
    assert cap.status == "in_progress"


def test_submitting_without_a_plan_is_refused_with_the_409_message(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    cap_start(cap=cap, by=supplier)
    client = client_for(supplier)

    page = client.get(reverse("cap_detail", args=[cap.pk]))
    assert page.context["submit_blockers"]
    assert 'id="submit-button" disabled' in text_of(page)

    response = client.post(reverse("cap_transition", args=[cap.pk, "submit"]))

    assert response.status_code == 409
    assert "Record at least one root cause." in text_of(response)
    cap.refresh_from_db()
    assert cap.status == "in_progress"


def test_the_supplier_submits_a_planned_cap(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    plan(cap, supplier)

    response = client_for(supplier).post(reverse("cap_transition", args=[cap.pk, "submit"]))

    assert response.status_code == 302
    cap.refresh_from_db()
    assert cap.status == "submitted"


def test_the_brand_verifies_with_the_evidence_count_shown(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    submitted(cap, supplier)
    client = client_for(brand.csr)
    page = client.get(reverse("cap_detail", args=[cap.pk]))
    assert "1 evidence file to check." in text_of(page)

    response = client.post(
        reverse("cap_transition", args=[cap.pk, "verify"]),
        {"verify-note": "Certificate checked."},
    )

    assert response.status_code == 302
    cap.refresh_from_db()
    assert cap.status == "verified"
    assert cap.verification_note == "Certificate checked."


def test_verifying_by_follow_up_audit_needs_the_follow_up_audit(brand: Brand) -> None:
    cap = open_cap(brand.admin, category="HOURS")
    supplier = supplier_admin_of(cap.facility)
    submitted(cap, supplier)
    follow_up = final_audit(brand.admin, cap.facility, on=date(2025, 9, 1))
    earlier = final_audit(brand.admin, cap.facility, on=date(2025, 1, 1))
    client = client_for(brand.csr)

    page = client.get(reverse("cap_detail", args=[cap.pk]))
    offered = dict(page.context["verify_form"].fields["follow_up_audit"].choices)
    assert str(follow_up.pk) in offered
    assert str(earlier.pk) not in offered

    missing = client.post(reverse("cap_transition", args=[cap.pk, "verify"]), {})
    assert missing.status_code == 400
    assert missing.context["verify_form"].errors["follow_up_audit"]

    response = client.post(
        reverse("cap_transition", args=[cap.pk, "verify"]),
        {"verify-follow_up_audit": str(follow_up.pk)},
    )
    assert response.status_code == 302
    cap.refresh_from_db()
    assert (cap.status, cap.follow_up_audit_id) == ("verified", follow_up.pk)


def test_the_brand_returns_with_a_reason_and_a_reason_is_required(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    submitted(cap, supplier)
    client = client_for(brand.csr)

    empty = client.post(reverse("cap_transition", args=[cap.pk, "return"]), {"return-reason": ""})
    assert empty.status_code == 400
    assert "Say what is missing" in text_of(empty)
    cap.refresh_from_db()
    assert cap.status == "submitted"

    response = client.post(
        reverse("cap_transition", args=[cap.pk, "return"]),
        {"return-reason": "The photo does not show the exit."},
    )
    assert response.status_code == 302
    cap.refresh_from_db()
    assert (cap.status, cap.return_reason) == ("returned", "The photo does not show the exit.")
    supplier_html = text_of(client_for(supplier).get(reverse("cap_detail", args=[cap.pk])))
    assert "The photo does not show the exit." in supplier_html


def test_the_brand_cancels_with_a_reason(brand: Brand, cap: CorrectiveActionPlan) -> None:
    client = client_for(brand.admin)
    empty = client.post(reverse("cap_transition", args=[cap.pk, "cancel"]), {"cancel-reason": " "})
    assert empty.status_code == 400
    assert "Say why the CAP is cancelled." in text_of(empty)
    cap.refresh_from_db()
    assert cap.status == "open"

    response = client.post(
        reverse("cap_transition", args=[cap.pk, "cancel"]),
        {"cancel-reason": "The finding was raised in error."},
    )

    assert response.status_code == 302
    cap.refresh_from_db()
    assert cap.status == "cancelled"


def test_verifying_a_cap_submitted_without_evidence_answers_409_with_the_reason(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    plan(cap, supplier)
    client_for(supplier).post(reverse("cap_transition", args=[cap.pk, "submit"]))

    response = client_for(brand.csr).post(
        reverse("cap_transition", args=[cap.pk, "verify"]), {"verify-note": "Looks fine."}
    )

    assert response.status_code == 409
    assert "There is no evidence to verify yet" in text_of(response)
    assert "0 evidence files to check." in text_of(response)
    cap.refresh_from_db()
    assert cap.status == "submitted"


def test_the_wrong_role_gets_403_and_the_wrong_state_409(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    # The supplier may not verify; the brand may not submit; nothing to verify yet.
    assert (
        client_for(supplier).post(reverse("cap_transition", args=[cap.pk, "cancel"])).status_code
        == 403
    )
    assert (
        client_for(brand.csr).post(reverse("cap_transition", args=[cap.pk, "submit"])).status_code
        == 403
    )
    response = client_for(brand.csr).post(
        reverse("cap_transition", args=[cap.pk, "verify"]), {"verify-note": ""}
    )
    assert response.status_code == 409
    assert "cannot be verified" in text_of(response)
    assert (
        client_for(brand.csr).post(reverse("cap_transition", args=[cap.pk, "fly"])).status_code
        == 404
    )


def test_a_collaborating_brand_sees_the_cap_but_cannot_verify(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    other = Brand("Partner Brand")
    collaborating(other, cap, brand.csr)
    submitted(cap, supplier)
    client = client_for(other.csr)

    page = client.get(reverse("cap_detail", args=[cap.pk]))
    assert page.status_code == 200
    assert not page.context["transitions"]["verify"]
    assert "verify_form" not in page.context
    assert "you collaborate" in text_of(page)

    response = client.post(reverse("cap_transition", args=[cap.pk, "verify"]))
    assert response.status_code == 403
    cap.refresh_from_db()
    assert cap.status == "submitted"
    listed = client.get(reverse("cap_list"))
    assert [c.pk for c in listed.context["page"].object_list] == [cap.pk]


def test_the_brand_sets_a_new_due_date_with_a_reason(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    new = timezone.localdate() + timedelta(days=90)
    client = client_for(brand.csr)

    past = client.post(
        reverse("cap_due_date", args=[cap.pk]),
        {"due-due_date": "2020-01-01", "due-reason": "Typo"},
    )
    assert past.status_code == 400
    assert "Choose a date after today." in text_of(past)
    no_reason = client.post(reverse("cap_due_date", args=[cap.pk]), {"due-due_date": str(new)})
    assert no_reason.status_code == 400
    before = cap.due_date
    cap.refresh_from_db()
    assert cap.due_date == before

    response = client.post(
        reverse("cap_due_date", args=[cap.pk]),
        {"due-due_date": new.isoformat(), "due-reason": "Agreed at the review meeting."},
    )
    assert response.status_code == 302
    cap.refresh_from_db()
    assert cap.due_date == new
    assert (
        client_for(supplier)
        .post(
            reverse("cap_due_date", args=[cap.pk]),
            {"due-due_date": new.isoformat(), "due-reason": "x"},
        )
        .status_code
        == 403
    )


# --- The verification queue -----------------------------------------------------------


def test_the_queue_lists_submitted_caps_oldest_first_with_evidence_counts(
    brand: Brand,
) -> None:
    facility = facility_of(brand.admin)
    first, second, untouched = caps_for(brand, facility, 3)
    supplier = supplier_admin_of(facility)
    submitted(second, supplier)
    submitted(first, supplier)
    CorrectiveActionPlan.objects.filter(pk=second.pk).update(
        submitted_at=timezone.now() - timedelta(days=3)
    )
    verified_elsewhere = open_cap(Brand("Elsewhere").admin)

    response = client_for(brand.csr).get(reverse("verification_queue"))

    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert [c.pk for c in rows] == [second.pk, first.pk]
    assert [c.evidence_count for c in rows] == [1, 1]
    html = text_of(response)
    assert reverse("cap_detail", args=[second.pk]) in html
    assert reverse("cap_detail", args=[untouched.pk]) not in html
    assert reverse("cap_detail", args=[verified_elsewhere.pk]) not in html


def test_the_queue_has_an_empty_state(brand: Brand) -> None:
    response = client_for(brand.csr).get(reverse("verification_queue"))

    assert response.status_code == 200
    assert "Nothing waits for verification." in text_of(response)


def test_the_queue_is_403_for_other_brand_roles_and_404_for_suppliers_and_partners(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    for role in (brand.viewer, brand.sourcing):
        assert client_for(role).get(reverse("verification_queue")).status_code == 403
    consultant = partner_on(cap, brand.csr)
    for outsider in (supplier, consultant):
        assert client_for(outsider).get(reverse("verification_queue")).status_code == 404


def test_the_verification_queue_takes_the_same_queries_for_3_or_30_caps(
    django_assert_num_queries: Any,
) -> None:
    for count in (3, 30):
        owner = Brand(f"Queue {count}")
        facility = facility_of(owner.admin, name=f"Queue facility {count}")
        supplier = supplier_admin_of(facility)
        for cap in caps_for(owner, facility, count):
            submitted(cap, supplier)
        client = client_for(owner.csr)
        # session, user, memberships, unread notifications + the count and the page.
        with django_assert_num_queries(6):
            response = client.get(reverse("verification_queue"))
        assert len(response.context["page"].object_list) == count


def test_a_verified_cap_leaves_the_queue(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    verified(cap, supplier, brand.csr)

    response = client_for(brand.csr).get(reverse("verification_queue"))

    assert list(response.context["page"].object_list) == []
    assert Audit.objects.count() == 1
