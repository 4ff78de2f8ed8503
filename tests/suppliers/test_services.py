"""Suppliers services: matching facilities, merging duplicates, the explainable risk
score, screening answers and responsible exits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Invitation, Membership
from suppliers.models import (
    Certification,
    CountryRisk,
    Facility,
    FacilityEvent,
    Question,
    SourcingRelationship,
)
from suppliers.services.exits import exit_plan_start
from suppliers.services.facilities import (
    certification_add,
    facility_add,
    facility_merge,
    facility_update,
)
from suppliers.services.relationships import relationship_decide, relationship_sign_off
from suppliers.services.risk import grade_for, risk_components
from suppliers.services.screenings import screening_answer, screening_send
from tests.conftest import token_client
from tests.factories import member

pytestmark = pytest.mark.django_db


def _add(csr: Membership, **extra: Any) -> SourcingRelationship:
    values = {"name": "Lotus Knit", "country": "BD", "supplier_name": "Lotus Knit Ltd", **extra}
    return facility_add(by=csr, **values)


def _supplier_member(relationship: SourcingRelationship, role: str = "admin") -> Membership:
    return member("supplier", role, organization=relationship.facility.supplier)


def test_a_new_facility_creates_its_supplier_and_invites_its_admin(
    django_capture_on_commit_callbacks: Any,
) -> None:
    csr = member("brand", "csr")

    with django_capture_on_commit_callbacks(execute=True):
        relationship = _add(csr, supplier_admin_email="Owner@Lotus.example", os_id="bd2026abc")

    facility = relationship.facility
    assert facility.supplier.kind == "supplier"
    assert facility.os_id == "BD2026ABC"
    assert relationship.status == "prospective"
    assert Invitation.objects.get(organization=facility.supplier).email == "owner@lotus.example"
    assert mail.outbox[0].to == ["owner@lotus.example"]
    assert list(FacilityEvent.objects.filter(facility=facility).values_list("action", flat=True))


def test_a_second_brand_matches_by_open_supply_hub_id_without_a_new_supplier() -> None:
    first = _add(member("brand", "csr"), os_id="BD2026ABC", supplier_admin_email="a@lotus.example")
    other_csr = member("brand", "csr")

    second = _add(other_csr, os_id="BD2026ABC", supplier_name="Whatever")

    assert second.facility_id == first.facility_id
    assert Facility.objects.count() == 1
    # The second brand invites nobody into an organization it did not create.
    assert Invitation.objects.count() == 1
    with pytest.raises(StateConflict):
        _add(other_csr, os_id="BD2026ABC")


def test_only_brand_csr_and_admin_add_facilities() -> None:
    with pytest.raises(ActionForbidden):
        _add(member("brand", "viewer"))
    with pytest.raises(ActionForbidden):
        _add(member("supplier", "admin"))


def test_profile_checks_the_gender_split() -> None:
    relationship = _add(member("brand", "csr"), worker_count=100)
    with pytest.raises(ValidationError):
        facility_update(
            facility=relationship.facility,
            by=_supplier_member(relationship),
            workers_female=80,
            workers_male=30,
        )
    with pytest.raises(ValidationError):  # one count alone can exceed the total too
        facility_update(
            facility=relationship.facility, by=_supplier_member(relationship), workers_female=120
        )


def test_merging_a_duplicate_keeps_every_brands_history() -> None:
    brand_a, brand_b = member("brand", "csr"), member("brand", "csr")
    real = _add(brand_a, os_id="BD1")
    supplier = real.facility.supplier
    duplicate = facility_add(
        by=brand_b, name="Lotus Knitting", country="BD", supplier_name="x", os_id="BD2"
    )
    Facility.objects.filter(pk=duplicate.facility_id).update(supplier=supplier)
    duplicate.facility.refresh_from_db()
    shared = facility_add(by=brand_a, name="x", country="BD", os_id="BD2")  # A has both
    events_before = FacilityEvent.objects.count()

    facility_merge(
        duplicate=duplicate.facility,
        into=real.facility,
        by=member("supplier", "admin", organization=supplier),
    )

    duplicate.facility.refresh_from_db()
    assert duplicate.facility.lifecycle == "merged"
    assert duplicate.facility.merged_into_id == real.facility_id
    assert set(real.facility.relationships.values_list("brand_id", flat=True)) == {
        brand_a.organization_id,
        brand_b.organization_id,
    }
    assert not SourcingRelationship.objects.filter(pk=shared.pk).exists()
    # Nothing of the timeline is lost; one event records the merge.
    assert FacilityEvent.objects.count() == events_before + 1
    assert FacilityEvent.objects.filter(facility=duplicate.facility).count() == 0


def test_only_the_supplier_merges_its_own_duplicates() -> None:
    relationship = _add(member("brand", "csr"), os_id="BD1")
    other = _add(member("brand", "csr"), os_id="BD2")
    with pytest.raises(ActionForbidden):
        facility_merge(
            duplicate=other.facility,
            into=relationship.facility,
            by=_supplier_member(relationship),
        )


def _answer_all(relationship: SourcingRelationship, csr: Membership, **overrides: Any) -> Any:
    screening = screening_send(relationship=relationship, by=csr)
    answers = {}
    for question in Question.objects.filter(section__questionnaire=screening.questionnaire):
        expected = question.expected
        if isinstance(expected, dict):
            value: Any = expected.get("min", expected.get("max", 1))
        elif expected is not None:
            value = expected
        else:
            value = {"date": "2026-01-05", "text": "SA8000", "number": 1}.get(question.kind, "yes")
        answers[str(question.pk)] = overrides.get(question.text[:20], value)
    return screening_answer(
        screening=screening, by=_supplier_member(relationship), answers=answers, submit=True
    )


def test_the_risk_score_explains_each_component() -> None:
    csr = member("brand", "csr")
    relationship = _add(csr)
    CountryRisk.objects.create(country="BD", rating=60)
    Certification.objects.create(
        facility=relationship.facility,
        name="SA8000",
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    Certification.objects.create(
        facility=relationship.facility,
        name="WRAP",
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    _answer_all(relationship, csr, **{"Do any workers pay r": "yes"})

    relationship.refresh_from_db()
    points = {c["key"]: c["points"] for c in relationship.risk_breakdown}

    recruitment = Question.objects.get(text__startswith="Do any workers pay r")
    total_weight = sum(
        q.weight
        for q in Question.objects.filter(section__questionnaire=recruitment.section.questionnaire)
    )
    assert points == {
        "country": 18,  # 30 × 60/100
        "answers": round(40 * recruitment.weight / total_weight),
        "red_flags": 15,  # one red flag
        "certifications": -5,  # one valid certificate; the expired one does not count
    }
    assert relationship.risk_score == sum(points.values())
    assert relationship.risk_grade == grade_for(sum(points.values()))
    assert relationship.status == "in_review"


def test_an_unrated_country_and_no_screening_say_so() -> None:
    relationship = _add(member("brand", "csr"), country="MX")

    components = {c.key: c for c in risk_components(relationship)}

    assert components["country"].points == 15
    assert "not rated" in components["country"].detail
    assert "No screening" in components["answers"].detail


def test_answers_are_checked_per_question_and_nothing_is_saved_on_error() -> None:
    csr = member("brand", "csr")
    relationship = _add(csr)
    screening = screening_send(relationship=relationship, by=csr)
    yes_no = Question.objects.filter(
        section__questionnaire=screening.questionnaire, kind="yes_no"
    ).first()
    number = Question.objects.filter(
        section__questionnaire=screening.questionnaire, kind="number"
    ).first()
    assert yes_no is not None
    assert number is not None

    with pytest.raises(ValidationError) as error:
        screening_answer(
            screening=screening,
            by=_supplier_member(relationship, "member"),
            answers={str(yes_no.pk): "maybe", str(number.pk): "12"},
        )

    assert set(error.value.message_dict) == {str(yes_no.pk)}
    screening.refresh_from_db()
    assert screening.answers == {}


def test_the_two_person_rule_for_exit() -> None:
    admin = member("brand", "admin")
    relationship = _add(admin)
    SourcingRelationship.objects.filter(pk=relationship.pk).update(status="approved")
    relationship.refresh_from_db()

    plan = exit_plan_start(
        relationship=relationship,
        by=admin,
        reason="Repeated unpaid overtime after two CAPs",
        workers_affected=420,
        phase_down=[{"date": "2027-03-01", "percent": 0}, {"date": "2027-01-01", "percent": 50}],
    )

    assert plan.phase_down == [
        {"date": "2027-01-01", "percent": 50},
        {"date": "2027-03-01", "percent": 0},
    ]
    with pytest.raises(StateConflict):
        relationship_sign_off(relationship=relationship, by=admin)
    signed = relationship_sign_off(
        relationship=relationship, by=member("brand", "sourcing", organization=admin.organization)
    )
    assert signed.status == "exiting"
    plan.refresh_from_db()
    assert plan.status == "in_progress"


def test_a_phase_down_never_raises_volumes() -> None:
    admin = member("brand", "admin")
    relationship = _add(admin)
    SourcingRelationship.objects.filter(pk=relationship.pk).update(status="approved")
    with pytest.raises(ValidationError):
        exit_plan_start(
            relationship=relationship,
            by=admin,
            reason="x",
            phase_down=[
                {"date": "2027-01-01", "percent": 20},
                {"date": "2027-02-01", "percent": 60},
            ],
        )


def test_a_decision_needs_a_rationale_and_conditions_need_listing() -> None:
    csr = member("brand", "csr")
    relationship = _add(csr)
    SourcingRelationship.objects.filter(pk=relationship.pk).update(status="in_review")
    relationship.refresh_from_db()
    with pytest.raises(ValidationError):
        relationship_decide(relationship=relationship, by=csr, decision="approve", rationale=" ")
    with pytest.raises(ValidationError):
        relationship_decide(
            relationship=relationship, by=csr, decision="conditional", rationale="ok"
        )


def test_certificates_are_recorded_with_their_validity_by_those_who_edit_the_profile(
    client: Any,
) -> None:
    csr = member("brand", "csr")
    relationship = _add(csr)
    supplier = _supplier_member(relationship, "member")
    facility = relationship.facility

    with pytest.raises(ValidationError):
        certification_add(
            facility=facility,
            by=supplier,
            name="SA8000",
            issued_on=timezone.localdate(),
            expires_on=timezone.localdate() - timedelta(days=1),
        )
    with pytest.raises(ActionForbidden):
        certification_add(facility=facility, by=member("brand", "viewer"), name="WRAP")

    client.force_login(supplier.user)
    response = client.post(
        f"/suppliers/{facility.pk}/certifications/",
        {"certification-name": "SA8000", "certification-expires_on": "2030-01-31"},
    )

    assert response.status_code == 302
    certificate = Certification.objects.get(facility=facility)
    assert certificate.is_valid
    assert FacilityEvent.objects.filter(facility=facility, action="certification_added").exists()
    api = token_client(csr).get(f"/api/v1/facilities/{facility.pk}/certifications/").json()
    assert [c["name"] for c in api] == ["SA8000"]
    removed = client.post(f"/suppliers/{facility.pk}/certifications/{certificate.pk}/remove/")
    assert removed.status_code == 302
    assert not Certification.objects.exists()
