"""The facility and vetting pages: who sees what, what each role may do through the
pages, and a fixed number of queries on the lists whatever their length."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csr_platform.models import Membership, Organization
from suppliers.models import (
    ExitPlan,
    Facility,
    Question,
    Screening,
    SourcingRelationship,
)
from suppliers.services.facilities import facility_add
from suppliers.services.relationships import relationship_decide, relationship_sign_off
from suppliers.services.screenings import screening_answer, screening_send
from tests.conftest import text_of
from tests.factories import Brand, OrganizationFactory, member

pytestmark = pytest.mark.django_db

RATIONALE = "Screening clean; fire safety certificate seen on the visit."
RISK_NOTE = "Owner's cousin runs an unlisted subcontractor."


# --- Arrange --------------------------------------------------------------------------


@pytest.fixture
def brand() -> Brand:
    return Brand()


def client_for(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def add_facility(brand: Brand, name: str = "Lotus Knit", **extra: Any) -> SourcingRelationship:
    values = {"country": "BD", "supplier_name": f"{name} Ltd", **extra}
    return facility_add(by=brand.csr, name=name, **values)


def supplier_of(relationship: SourcingRelationship) -> Membership:
    return member("supplier", "admin", organization=relationship.facility.supplier)


def good_answer(question: Question) -> Any:
    expected = question.expected
    if question.kind == "yes_no":
        return expected if expected in ("yes", "no") else "yes"
    if question.kind == "number":
        if isinstance(expected, dict):
            return expected.get("min", expected.get("max", 1))
        return 1
    if question.kind == "choice":
        return expected if expected in question.choices else question.choices[0]
    if question.kind == "date":
        return "2025-01-15"
    return "Documented and shown on the visit."


def in_review(
    brand: Brand, relationship: SourcingRelationship, *, red_flag: bool = False
) -> SourcingRelationship:
    """Questionnaire sent by CSR and answered by the supplier: in review, risk scored."""
    screening = screening_send(relationship=relationship, by=brand.csr)
    questions = Question.objects.filter(section__questionnaire=screening.questionnaire)
    answers = {str(q.pk): good_answer(q) for q in questions}
    if red_flag:
        fees = questions.get(text__startswith="Do any workers pay recruitment fees")
        answers[str(fees.pk)] = "yes"
    screening_answer(
        screening=screening, by=supplier_of(relationship), answers=answers, submit=True
    )
    relationship.refresh_from_db()
    return relationship


def approved(brand: Brand, relationship: SourcingRelationship) -> SourcingRelationship:
    relationship = in_review(brand, relationship)
    relationship_decide(
        relationship=relationship, by=brand.csr, decision="approve", rationale=RATIONALE
    )
    return relationship_sign_off(relationship=relationship, by=brand.sourcing)


def detail_url(relationship: SourcingRelationship, name: str = "facility_detail") -> str:
    return reverse(name, args=[relationship.facility_id])


# --- The facility list ----------------------------------------------------------------


def test_every_brand_role_sees_the_list_with_status_risk_and_owner(brand: Brand) -> None:
    relationship = in_review(
        brand, add_facility(brand, sourcing_owner=brand.sourcing, os_id="BD2026LOTUS")
    )

    for who in (brand.admin, brand.csr, brand.sourcing, brand.viewer):
        response = client_for(who).get(reverse("facility_list"))
        assert response.status_code == 200
        html = text_of(response)
        assert "Lotus Knit" in html
        assert "In review" in html
        assert "Sam Sourcing" in html
        assert f"badge-risk-{relationship.risk_grade}" in html
        has_add_button = reverse("facility_add") in html
        assert has_add_button == (who in (brand.admin, brand.csr))


def test_the_list_filters_and_counts_per_status(brand: Brand) -> None:
    in_review(brand, add_facility(brand, "Lotus Knit", sourcing_owner=brand.sourcing))
    add_facility(brand, "Saigon Stitch", country="VN", address="12 Le Loi, Ho Chi Minh City")
    add_facility(brand, "Hanoi Denim", country="VN", os_id="VN2026DENIM")
    client = client_for(brand.viewer)

    response = client.get(reverse("facility_list"))
    counts = {row["value"]: row["count"] for row in response.context["status_counts"]}
    assert counts["prospective"] == 2
    assert counts["in_review"] == 1
    assert response.context["total"] == 3

    def names(**query: str) -> list[str]:
        page = client.get(reverse("facility_list"), query).context["page"]
        return [r.facility.name for r in page.object_list]

    assert names(country="VN") == ["Hanoi Denim", "Saigon Stitch"]
    assert names(status="in_review") == ["Lotus Knit"]
    assert names(owner=str(brand.sourcing.pk)) == ["Lotus Knit"]
    assert names(owner="none") == ["Hanoi Denim", "Saigon Stitch"]
    assert names(q="le loi") == ["Saigon Stitch"]
    assert names(q="vn2026") == ["Hanoi Denim"]
    assert names(risk="none") == ["Hanoi Denim", "Saigon Stitch"]
    # A value that is not one of the choices is ignored, not an error page.
    assert len(names(status="bogus")) == 3


def test_a_brand_without_facilities_sees_the_empty_state(brand: Brand) -> None:
    response = client_for(brand.csr).get(reverse("facility_list"))
    assert response.status_code == 200
    assert "Your list of facilities is empty." in text_of(response)


def test_a_supplier_sees_only_its_own_facilities(brand: Brand) -> None:
    lotus = add_facility(brand, "Lotus Knit")
    add_facility(brand, "Saigon Stitch", country="VN")
    supplier = supplier_of(lotus)

    response = client_for(supplier).get(reverse("facility_list"))

    assert response.status_code == 200
    assert [f.name for f in response.context["page"].object_list] == ["Lotus Knit"]
    assert "Add a facility" not in text_of(response)


def test_a_partner_has_no_facility_pages(brand: Brand) -> None:
    relationship = add_facility(brand)
    partner = client_for(member("partner", "member"))

    assert partner.get(reverse("facility_list")).status_code == 403
    assert partner.get(reverse("pipeline")).status_code == 403
    assert partner.get(detail_url(relationship)).status_code == 404


# --- Adding a facility ----------------------------------------------------------------


def test_the_add_form_creates_the_facility_and_invites_the_supplier(
    brand: Brand, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(brand.csr)
    form = client.get(reverse("facility_add"))
    assert form.status_code == 200
    owners = [label for _value, label in form.context["form"].fields["sourcing_owner"].choices]
    assert any("Sam Sourcing" in str(label) for label in owners)
    assert not any("Vic Viewer" in str(label) for label in owners)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("facility_add"),
            {
                "name": "Lotus Knit",
                "country": "BD",
                "address": "Plot 7, Gazipur",
                "os_id": "bd2026lotus",
                "supplier_name": "Lotus Knit Ltd",
                "supplier_admin_email": "owner@lotus.example",
                "worker_count": "1200",
                "workers_female": "800",
                "workers_male": "400",
                "processes": "knitting, dyeing, sewing",
                "product_types": "T-shirts",
                "sourcing_owner": str(brand.sourcing.pk),
            },
            follow=True,
        )

    relationship = SourcingRelationship.objects.get(brand=brand.org)
    facility = relationship.facility
    assert response.redirect_chain[-1][0] == detail_url(relationship)
    assert facility.os_id == "BD2026LOTUS"
    assert facility.processes == ["knitting", "dyeing", "sewing"]
    assert facility.supplier.name == "Lotus Knit Ltd"
    assert relationship.status == "prospective"
    assert relationship.sourcing_owner == brand.sourcing
    assert "An invitation was sent to owner@lotus.example" in text_of(response)
    assert [m.to for m in mail.outbox] == [["owner@lotus.example"]]


def test_the_add_form_shows_errors_by_their_fields(brand: Brand) -> None:
    client = client_for(brand.csr)

    response = client.post(
        reverse("facility_add"),
        {"name": "Lotus Knit", "country": "BD", "worker_count": "10", "workers_female": "20"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["workers_female"]

    # The service wants a supplier for a facility not found by its id.
    response = client.post(reverse("facility_add"), {"name": "Lotus Knit", "country": "BD"})
    assert response.status_code == 400
    assert response.context["form"].errors["supplier_name"]

    add_facility(brand, os_id="BD2026LOTUS")
    response = client.post(
        reverse("facility_add"), {"name": "Lotus", "country": "BD", "os_id": "BD2026LOTUS"}
    )
    assert response.status_code == 409
    assert "already in your list" in text_of(response)
    assert Facility.objects.count() == 1


def test_only_admin_and_csr_reach_the_add_form(brand: Brand) -> None:
    for who in (brand.sourcing, brand.viewer):
        assert client_for(who).get(reverse("facility_add")).status_code == 403
        assert client_for(who).post(reverse("facility_add"), {}).status_code == 403
    relationship = add_facility(brand)
    assert client_for(supplier_of(relationship)).get(reverse("facility_add")).status_code == 403


# --- The facility page ----------------------------------------------------------------


def test_another_brands_facility_is_not_found(brand: Brand) -> None:
    relationship = add_facility(brand)
    stranger = client_for(Brand("Other Brand").admin)

    for name in ("facility_detail", "exit_plan", "facility_edit"):
        assert stranger.get(detail_url(relationship, name)).status_code == 404
    for name in ("facility_decide", "facility_send_questionnaire", "facility_refresh_risk"):
        assert stranger.post(detail_url(relationship, name), {}).status_code == 404


def test_the_brand_reads_answers_red_flags_risk_and_timeline(brand: Brand) -> None:
    relationship = in_review(brand, add_facility(brand), red_flag=True)

    response = client_for(brand.viewer).get(detail_url(relationship))

    assert response.status_code == 200
    html = text_of(response)
    flagged = [row for row in response.context["answers"] if row["red_flag"]]
    assert [row["question"].text[:35] for row in flagged] == ["Do any workers pay recruitment fees"]
    assert 'class="red-flag"' in html
    keys = [row["key"] for row in response.context["risk_rows"]]
    assert keys == ["country", "answers", "red_flags", "certifications"]
    assert f"<strong>{relationship.risk_score}</strong>" in html
    labels = [str(row["label"]) for row in response.context["timeline"]]
    assert labels[:3] == [
        "Questionnaire answered and submitted",
        "Questionnaire sent",
        "Added to the brand's list",
    ]


def test_a_viewer_sees_the_page_but_no_action(brand: Brand) -> None:
    relationship = in_review(brand, add_facility(brand))
    viewer = client_for(brand.viewer)

    html = text_of(viewer.get(detail_url(relationship)))
    for url_name in ("facility_decide", "facility_sign_off", "facility_refresh_risk"):
        assert detail_url(relationship, url_name) not in html
    assert "Edit the profile" not in html

    response = viewer.post(
        detail_url(relationship, "facility_decide"),
        {"decide-decision": "approve", "decide-rationale": RATIONALE},
    )
    assert response.status_code == 403
    assert viewer.post(detail_url(relationship, "facility_refresh_risk")).status_code == 403
    assert viewer.get(detail_url(relationship, "facility_edit")).status_code == 403
    relationship.refresh_from_db()
    assert relationship.pending_decision == ""


def test_the_supplier_sees_its_facility_without_brand_internal_content(brand: Brand) -> None:
    relationship = in_review(brand, add_facility(brand))
    SourcingRelationship.objects.filter(pk=relationship.pk).update(risk_notes=RISK_NOTE)
    relationship_decide(
        relationship=relationship, by=brand.csr, decision="approve", rationale=RATIONALE
    )
    supplier = client_for(supplier_of(relationship))

    response = supplier.get(detail_url(relationship))

    assert response.status_code == 200
    html = text_of(response)
    assert "Lotus Knit" in html
    assert brand.org.name in html
    for internal in (RATIONALE, RISK_NOTE, "awaiting sign-off", "Risk"):
        assert internal not in html
    assert "relationship" not in response.context
    # The supplier edits its own profile; brand actions are refused.
    assert "Edit the profile" in html
    response = supplier.post(
        detail_url(relationship, "facility_decide"),
        {"decide-decision": "reject", "decide-rationale": "no"},
    )
    assert response.status_code == 403
    assert supplier.get(detail_url(relationship, "exit_plan")).status_code == 404


def test_the_supplier_edits_its_profile_and_marks_a_move(brand: Brand) -> None:
    relationship = add_facility(brand)
    supplier = client_for(supplier_of(relationship))

    response = supplier.post(
        detail_url(relationship, "facility_edit"),
        {"name": "Lotus Knit Unit 2", "country": "BD", "worker_count": "900", "processes": "a, b"},
    )
    assert response.status_code == 302
    facility = Facility.objects.get(pk=relationship.facility_id)
    assert facility.name == "Lotus Knit Unit 2"
    assert facility.processes == ["a", "b"]

    response = supplier.post(
        detail_url(relationship, "facility_lifecycle"), {"lifecycle-lifecycle": "moved"}
    )
    assert response.status_code == 400
    assert response.context["lifecycle_form"].errors["moved_to"]
    response = supplier.post(
        detail_url(relationship, "facility_lifecycle"),
        {"lifecycle-lifecycle": "moved", "lifecycle-moved_to": "Plot 9, Savar"},
    )
    assert response.status_code == 302
    facility.refresh_from_db()
    assert (facility.lifecycle, facility.moved_to) == ("moved", "Plot 9, Savar")
    brand_view = text_of(client_for(brand.viewer).get(detail_url(relationship)))
    assert "Profile edited" in brand_view
    assert "Plot 9, Savar" in brand_view


def test_csr_sends_the_questionnaire_from_the_page(brand: Brand) -> None:
    relationship = add_facility(brand)
    csr = client_for(brand.csr)
    assert detail_url(relationship, "facility_send_questionnaire") in text_of(
        csr.get(detail_url(relationship))
    )

    response = csr.post(detail_url(relationship, "facility_send_questionnaire"), follow=True)

    assert "The screening questionnaire was sent" in text_of(response)
    relationship.refresh_from_db()
    assert relationship.status == "screening"
    assert Screening.objects.filter(relationship=relationship, status="draft").count() == 1
    # Sent once: the page no longer offers it, and a decision is not possible yet.
    html = text_of(response)
    assert detail_url(relationship, "facility_send_questionnaire") not in html
    assert detail_url(relationship, "facility_decide") not in html
    assert "the supplier has answered 0 of" in html
    response = csr.post(
        detail_url(relationship, "facility_decide"),
        {"decide-decision": "approve", "decide-rationale": RATIONALE},
    )
    assert response.status_code == 409


def test_decide_then_sign_off_through_the_pages_approves(brand: Brand) -> None:
    relationship = in_review(brand, add_facility(brand))
    csr, sourcing = client_for(brand.csr), client_for(brand.sourcing)

    # The page's form posts the names the action reads.
    html = text_of(csr.get(detail_url(relationship)))
    for name in ("decide-decision", "decide-rationale", "decide-conditions"):
        assert f'name="{name}"' in html
    response = csr.post(
        detail_url(relationship, "facility_decide"),
        {"decide-decision": "conditional", "decide-rationale": RATIONALE},
    )
    assert response.status_code == 400
    assert response.context["decide_form"].errors["conditions"]

    response = csr.post(
        detail_url(relationship, "facility_decide"),
        {
            "decide-decision": "conditional",
            "decide-rationale": RATIONALE,
            "decide-conditions": "Fire exits unblocked within 30 days.",
        },
        follow=True,
    )
    assert "another person with sourcing sign-off" in text_of(response)
    relationship.refresh_from_db()
    assert (relationship.status, relationship.pending_decision) == ("in_review", "conditional")

    html = text_of(sourcing.get(detail_url(relationship)))
    assert detail_url(relationship, "facility_sign_off") in html
    assert 'name="signoff-approve"' in html
    assert RATIONALE in html
    response = sourcing.post(
        detail_url(relationship, "facility_sign_off"), {"signoff-approve": "yes"}, follow=True
    )
    assert "is now approved with conditions" in text_of(response)
    relationship.refresh_from_db()
    assert relationship.status == "conditional"
    assert relationship.signed_off_by == brand.sourcing.user


def test_csr_rejects_through_the_page(brand: Brand) -> None:
    relationship = in_review(brand, add_facility(brand))

    response = client_for(brand.csr).post(
        detail_url(relationship, "facility_decide"),
        {"decide-decision": "reject", "decide-rationale": "Recruitment fees found."},
    )

    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.status == "rejected"


def test_the_decider_cannot_sign_off_their_own_decision(brand: Brand) -> None:
    relationship = in_review(brand, add_facility(brand))
    admin = client_for(brand.admin)
    admin.post(
        detail_url(relationship, "facility_decide"),
        {"decide-decision": "approve", "decide-rationale": RATIONALE},
    )

    html = text_of(admin.get(detail_url(relationship)))
    assert "waiting for another person's sign-off" in html
    assert detail_url(relationship, "facility_sign_off") not in html
    assert "Lotus Knit" not in text_of(admin.get(reverse("sign_offs")))

    response = admin.post(detail_url(relationship, "facility_sign_off"), {"signoff-approve": "yes"})
    assert response.status_code == 409
    assert "The person who decided cannot also sign off." in text_of(response)
    response = admin.post(reverse("sign_offs_sign_off", args=[relationship.pk]), {"approve": "yes"})
    assert response.status_code == 409
    relationship.refresh_from_db()
    assert (relationship.status, relationship.pending_decision) == ("in_review", "approve")


def test_csr_may_not_sign_off(brand: Brand) -> None:
    relationship = in_review(brand, add_facility(brand))
    relationship_decide(
        relationship=relationship, by=brand.admin, decision="approve", rationale=RATIONALE
    )
    csr = client_for(brand.csr)

    html = text_of(csr.get(detail_url(relationship)))
    assert "Waiting for the sign-off of a sourcing manager." in html
    assert detail_url(relationship, "facility_sign_off") not in html
    response = csr.post(detail_url(relationship, "facility_sign_off"), {"signoff-approve": "yes"})
    assert response.status_code == 403


def test_suspend_and_reinstate_through_the_page(brand: Brand) -> None:
    relationship = approved(brand, add_facility(brand))
    csr = client_for(brand.csr)

    assert 'name="suspend-reason"' in text_of(csr.get(detail_url(relationship)))
    assert csr.post(detail_url(relationship, "facility_suspend"), {}).status_code == 400
    response = csr.post(
        detail_url(relationship, "facility_suspend"),
        {"suspend-reason": "Unauthorised subcontracting found."},
    )
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.status == "suspended"
    html = text_of(csr.get(detail_url(relationship)))
    assert detail_url(relationship, "facility_reinstate") in html
    assert 'name="reinstate-note"' in html
    assert detail_url(relationship, "facility_suspend") not in html

    csr.post(detail_url(relationship, "facility_reinstate"), {"reinstate-note": "Fixed."})
    relationship.refresh_from_db()
    assert relationship.status == "approved"
    # A stale page posting again meets the state machine.
    response = csr.post(detail_url(relationship, "facility_reinstate"), {})
    assert response.status_code == 409


def test_csr_refreshes_the_risk_score(brand: Brand) -> None:
    relationship = add_facility(brand)
    assert relationship.risk_score is None

    response = client_for(brand.csr).post(
        detail_url(relationship, "facility_refresh_risk"), follow=True
    )

    relationship.refresh_from_db()
    assert relationship.risk_score is not None
    assert f"The risk score was recomputed: {relationship.risk_score}/100." in text_of(response)


# --- Pipeline and sign-offs -----------------------------------------------------------


def test_the_pipeline_has_a_column_per_status_with_counts(brand: Brand) -> None:
    in_review(brand, add_facility(brand, "Lotus Knit", sourcing_owner=brand.sourcing))
    add_facility(brand, "Saigon Stitch", country="VN")
    pending = in_review(brand, add_facility(brand, "Hanoi Denim", country="VN"))
    relationship_decide(relationship=pending, by=brand.csr, decision="approve", rationale=RATIONALE)
    add_facility(Brand("Other Brand"), "Not Ours")
    client = client_for(brand.viewer)

    response = client.get(reverse("pipeline"))

    assert response.status_code == 200
    columns = {c["status"]: c for c in response.context["columns"]}
    assert list(columns) == [
        "prospective",
        "screening",
        "in_review",
        "approved",
        "conditional",
        "suspended",
        "exiting",
        "exited",
        "rejected",
    ]
    assert columns["in_review"]["count"] == 2
    assert [r.facility.name for r in columns["in_review"]["cards"]] == [
        "Hanoi Denim",
        "Lotus Knit",
    ]
    assert columns["prospective"]["count"] == 1
    assert "awaiting sign-off" in text_of(response)
    assert "Not Ours" not in text_of(response)

    filtered = client.get(reverse("pipeline"), {"owner": str(brand.sourcing.pk)})
    columns = {c["status"]: c for c in filtered.context["columns"]}
    assert columns["in_review"]["count"] == 1
    assert columns["prospective"]["count"] == 0
    by_country = client.get(reverse("pipeline"), {"country": "VN"}).context["total"]
    assert by_country == 2


def test_the_sign_off_queue_lists_decisions_of_others_and_signs_off(brand: Brand) -> None:
    relationship = in_review(brand, add_facility(brand))
    relationship_decide(
        relationship=relationship, by=brand.csr, decision="approve", rationale=RATIONALE
    )
    sourcing = client_for(brand.sourcing)

    response = sourcing.get(reverse("sign_offs"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["page"].object_list] == [relationship.pk]
    assert RATIONALE in text_of(response)

    response = sourcing.post(
        reverse("sign_offs_sign_off", args=[relationship.pk]), {"approve": "yes"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("sign_offs")
    assert "Signed off: Lotus Knit is now approved." in text_of(response)
    assert "Nothing is waiting for your sign-off." in text_of(response)
    relationship.refresh_from_db()
    assert relationship.status == "approved"


def test_declining_in_the_queue_keeps_the_status(brand: Brand) -> None:
    relationship = in_review(brand, add_facility(brand))
    relationship_decide(
        relationship=relationship, by=brand.csr, decision="approve", rationale=RATIONALE
    )

    client_for(brand.admin).post(
        reverse("sign_offs_sign_off", args=[relationship.pk]),
        {"approve": "no", "note": "Visit first."},
    )

    relationship.refresh_from_db()
    assert (relationship.status, relationship.pending_decision) == ("in_review", "")


def test_only_sourcing_and_admin_reach_the_sign_off_queue(brand: Brand) -> None:
    relationship = in_review(brand, add_facility(brand))
    relationship_decide(
        relationship=relationship, by=brand.csr, decision="approve", rationale=RATIONALE
    )
    for who in (brand.csr, brand.viewer, supplier_of(relationship)):
        client = client_for(who)
        assert client.get(reverse("sign_offs")).status_code == 403
        url = reverse("sign_offs_sign_off", args=[relationship.pk])
        assert client.post(url, {"approve": "yes"}).status_code == 403
    other = client_for(Brand("Other Brand").sourcing)
    assert other.get(reverse("sign_offs")).status_code == 200
    url = reverse("sign_offs_sign_off", args=[relationship.pk])
    assert other.post(url, {"approve": "yes"}).status_code == 404
    assert client_for(supplier_of(relationship)).get(reverse("pipeline")).status_code == 403


# --- Exit -----------------------------------------------------------------------------


def test_a_responsible_exit_through_the_pages(brand: Brand) -> None:
    relationship = approved(brand, add_facility(brand, worker_count=1200))
    csr, sourcing = client_for(brand.csr), client_for(brand.sourcing)
    today = timezone.localdate()
    exit_url = detail_url(relationship, "exit_plan")
    assert exit_url in text_of(csr.get(detail_url(relationship)))

    plan = {
        "reason": "Repeated forced overtime; the CAP was not sustained.",
        "remediation_attempts": "Two CAPs in 2025, both not sustained.",
        "workers_affected": "1200",
        "outstanding_wages": "15000.50",
        "outstanding_currency": "bdt",
        "worker_impact": "Severance paid before the last order.",
        "notice_period_days": "90",
        "notice_given_on": today.isoformat(),
        "phase-TOTAL_FORMS": "3",
        "phase-INITIAL_FORMS": "0",
        "phase-0-date": (today + timedelta(days=30)).isoformat(),
        "phase-0-percent": "50",
        "phase-1-date": (today + timedelta(days=60)).isoformat(),
        "phase-1-percent": "80",
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-0-description": "Pay outstanding wages",
        "steps-0-owner": "Cora",
        "steps-0-due_on": (today + timedelta(days=14)).isoformat(),
        "steps-1-description": "Inform the workers' committee",
    }
    # Volumes that rise again are refused by the service and shown on the page.
    response = csr.post(exit_url, plan)
    assert response.status_code == 400
    assert "Order volumes only go down during an exit." in text_of(response)

    plan["phase-1-percent"] = "20"
    response = csr.post(exit_url, plan, follow=True)
    assert "The exit plan was proposed." in text_of(response)
    exit_plan = ExitPlan.objects.get(relationship=relationship)
    assert exit_plan.status == "proposed"
    assert exit_plan.outstanding_currency == "BDT"
    assert [row["percent"] for row in exit_plan.phase_down] == [50, 20]
    assert [s.description for s in exit_plan.steps.all()] == [
        "Pay outstanding wages",
        "Inform the workers' committee",
    ]

    queue = sourcing.get(reverse("sign_offs"))
    assert "Repeated forced overtime" in text_of(queue)
    sourcing.post(reverse("sign_offs_sign_off", args=[relationship.pk]), {"approve": "yes"})
    relationship.refresh_from_db()
    assert relationship.status == "exiting"

    response = csr.post(
        detail_url(relationship, "exit_step_add"),
        {"step-description": "Place the last order", "step-due_on": "2026-12-01"},
    )
    assert response.status_code == 302
    page = csr.get(exit_url)
    steps = page.context["steps"]
    assert len(steps) == 3
    assert page.context["can_complete"]
    assert not page.context["all_done"]
    response = csr.post(reverse("exit_complete", args=[relationship.facility_id]), {})
    assert response.status_code == 409
    assert "step(s) of the exit plan are not done yet" in text_of(response)

    for step in steps:
        url = reverse("exit_step_done", args=[relationship.facility_id, step.pk])
        assert csr.post(url).status_code == 302
    response = csr.post(
        reverse("exit_complete", args=[relationship.facility_id]),
        {"complete-note": "All paid."},
        follow=True,
    )
    assert "is complete" in text_of(response)
    relationship.refresh_from_db()
    exit_plan.refresh_from_db()
    assert (relationship.status, exit_plan.status) == ("exited", "completed")


def test_the_exit_page_offers_nothing_before_approval_or_to_a_viewer(brand: Brand) -> None:
    relationship = approved(brand, add_facility(brand))
    prospect = add_facility(brand, "Saigon Stitch", country="VN")

    page = client_for(brand.csr).get(detail_url(prospect, "exit_plan"))
    assert page.status_code == 200
    assert not page.context["can_start"]
    response = client_for(brand.csr).post(
        detail_url(prospect, "exit_plan"),
        {
            "reason": "x",
            "notice_period_days": "90",
            "phase-TOTAL_FORMS": "0",
            "phase-INITIAL_FORMS": "0",
            "steps-TOTAL_FORMS": "0",
            "steps-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 409

    viewer = client_for(brand.viewer)
    page = viewer.get(detail_url(relationship, "exit_plan"))
    assert page.status_code == 200
    assert not page.context["can_start"]
    assert 'action="' + detail_url(relationship, "exit_plan") not in text_of(page)


# --- A fixed number of queries --------------------------------------------------------


def _many_relationships(brand: Brand, count: int, *, pending: bool = False) -> None:
    statuses = [s for s, _label in SourcingRelationship.Status.choices]
    supplier = cast(Organization, OrganizationFactory(kind="supplier"))
    for n in range(count):
        facility = Facility.objects.create(
            supplier=supplier, name=f"Facility {n:03}", country=["BD", "VN", "KH"][n % 3]
        )
        SourcingRelationship.objects.create(
            brand=brand.org,
            facility=facility,
            status="in_review" if pending else statuses[n % len(statuses)],
            sourcing_owner=brand.sourcing if n % 2 else None,
            risk_grade=["low", "medium", "high", ""][n % 4],
            risk_score=n,
            pending_decision="approve" if pending else "",
            decided_by=brand.csr.user if pending else None,
            decided_at=timezone.now() if pending else None,
            rationale="Looks fine." if pending else "",
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url_name", "pending", "expected"),
    [("facility_list", False, 9), ("pipeline", False, 8), ("sign_offs", True, 8)],
)
def test_the_lists_take_the_same_queries_for_3_or_30_rows(
    url_name: str, pending: bool, expected: int
) -> None:
    small, large = Brand("Small"), Brand("Large")
    _many_relationships(small, 3, pending=pending)
    _many_relationships(large, 30, pending=pending)
    url = reverse(url_name)

    counted = [_queries(client_for(b.sourcing), url) for b in (small, large)]

    assert counted == [expected, expected]


def test_the_pipeline_shows_the_first_cards_of_a_long_column() -> None:
    crowded = Brand("Crowded")
    _many_relationships(crowded, 60, pending=True)

    response = client_for(crowded.viewer).get(reverse("pipeline"))

    column = next(c for c in response.context["columns"] if c["status"] == "in_review")
    assert column["count"] == 60
    assert len(column["cards"]) == 50
    assert column["more"] == 10
    assert "and 10 more" in text_of(response)
