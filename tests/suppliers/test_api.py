"""The suppliers API as its users meet it: a brand adds and vets facilities, a supplier
answers screenings and attaches evidence — and nobody sees what is not theirs.

Personas: brand A (admin, CSR, sourcing, viewer), brand B sourcing from the same
facility, the facility's supplier, and an unrelated supplier Y.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from csr_platform.models import Invitation, Membership
from suppliers.models import (
    Certification,
    Facility,
    FacilityEvent,
    Question,
    Questionnaire,
    Screening,
    ScreeningEvidence,
    SourcingRelationship,
)
from suppliers.services.exits import exit_plan_start
from suppliers.services.facilities import facility_add, facility_merge
from suppliers.services.screenings import screening_send
from tests.conftest import api_error, session_client, token_client
from tests.factories import member

pytestmark = pytest.mark.django_db

S = SourcingRelationship.Status
API = "/api/v1"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def add(by: Membership, **extra: Any) -> SourcingRelationship:
    values = {"name": "Lotus Knit", "country": "BD", "supplier_name": "Lotus Knit Ltd", **extra}
    return facility_add(by=by, **values)


def supplier_of(relationship: SourcingRelationship, role: str = "admin") -> Membership:
    return member("supplier", role, organization=relationship.facility.supplier)


def set_status(relationship: SourcingRelationship, status: str, **fields: Any) -> None:
    SourcingRelationship.objects.filter(pk=relationship.pk).update(status=status, **fields)
    relationship.refresh_from_db()


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content[:500]
    rows: list[dict[str, Any]] = response.json()["results"]
    return rows


def ids(response: Any) -> set[str]:
    return {row["id"] for row in results(response)}


def complete_answers(questionnaire_id: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in Question.objects.filter(section__questionnaire_id=questionnaire_id):
        value: Any = {
            Question.Kind.YES_NO: question.expected or "yes",
            Question.Kind.CHOICE: question.expected or (question.choices or [""])[0],
            Question.Kind.NUMBER: 20,
            Question.Kind.DATE: "2025-11-03",
            Question.Kind.TEXT: "Kept for three years.",
        }[Question.Kind(question.kind)]
        answers[str(question.pk)] = value
    return answers


# --- Adding facilities -------------------------------------------------------------------


def test_a_brand_adds_a_facility_its_supplier_is_created_and_the_admin_invited(
    django_capture_on_commit_callbacks: Any,
) -> None:
    csr = member("brand", "csr")
    sourcing = member("brand", "sourcing", organization=csr.organization)

    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(csr).post(
            f"{API}/facilities/",
            {
                "name": "Lotus Knit Unit 2",
                "country": "BD",
                "address": "Plot 12, Ashulia, Dhaka",
                "os_id": "bd2026lotus2",
                "supplier_name": "Lotus Knit Ltd",
                "supplier_admin_email": "Owner@Lotus.example",
                "worker_count": 900,
                "workers_female": 600,
                "workers_male": 300,
                "processes": ["knitting", "dyeing"],
                "product_types": ["t-shirts"],
                "sourcing_owner": str(sourcing.pk),
            },
        )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["os_id"] == "BD2026LOTUS2"
    assert body["supplier"]["name"] == "Lotus Knit Ltd"
    assert (body["workers_female"], body["workers_male"]) == (600, 300)
    assert body["processes"] == ["knitting", "dyeing"]
    assert body["relationship"]["status"] == S.PROSPECTIVE
    assert body["relationship"]["sourcing_owner"]["id"] == str(sourcing.pk)
    facility = Facility.objects.get(pk=body["id"])
    assert facility.supplier.kind == "supplier"
    invitation = Invitation.objects.get(organization=facility.supplier)
    assert (invitation.email, invitation.role) == ("owner@lotus.example", "admin")
    assert mail.outbox[0].to == ["owner@lotus.example"]


def test_adding_a_facility_names_each_invalid_field() -> None:
    admin = member("brand", "admin")
    viewer = member("brand", "viewer", organization=admin.organization)
    stranger = member("brand", "sourcing")
    client = token_client(admin)

    no_supplier = client.post(f"{API}/facilities/", {"name": "X", "country": "BD"})
    bad_owner = client.post(
        f"{API}/facilities/",
        {"name": "X", "country": "BD", "supplier_name": "Y", "sourcing_owner": str(viewer.pk)},
    )
    foreign_owner = client.post(
        f"{API}/facilities/",
        {"name": "X", "country": "BD", "supplier_name": "Y", "sourcing_owner": str(stranger.pk)},
    )
    too_many_women = client.post(
        f"{API}/facilities/",
        {
            "name": "X",
            "country": "BD",
            "supplier_name": "Y",
            "worker_count": 10,
            "workers_female": 8,
            "workers_male": 5,
        },
    )

    assert "supplier_name" in api_error(no_supplier, 400)["fields"]
    assert "sourcing_owner" in api_error(bad_owner, 400)["fields"]
    assert "sourcing_owner" in api_error(foreign_owner, 400)["fields"]
    assert "workers_female" in api_error(too_many_women, 400)["fields"]
    assert not Facility.objects.exists()


@pytest.mark.parametrize(
    ("kind", "role"), [("brand", "viewer"), ("brand", "sourcing"), ("supplier", "admin")]
)
def test_only_brand_admins_and_csr_add_facilities(kind: str, role: str) -> None:
    response = token_client(member(kind, role)).post(
        f"{API}/facilities/", {"name": "X", "country": "BD", "supplier_name": "Y"}
    )

    api_error(response, 403)
    assert not Facility.objects.exists()


# --- Two brands, one facility: brand B never sees brand A -----------------------------------


@pytest.fixture
def shared_facility(django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """Brand A vets the facility in depth; brand B then adds it by its OS id."""
    a_admin = member("brand", "admin")
    a_admin.organization.name = "Brand Alpha"
    a_admin.organization.save()
    with django_capture_on_commit_callbacks(execute=True):
        a_rel = add(a_admin, os_id="BD2026SHARED", supplier_admin_email="owner@lotus.example")
    a_screening = screening_send(relationship=a_rel, by=a_admin)
    SourcingRelationship.objects.filter(pk=a_rel.pk).update(
        risk_notes="Owner's cousin runs the subcontractor.", risk_score=71, risk_grade="high"
    )
    b_admin = member("brand", "admin")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(b_admin).post(
            f"{API}/facilities/",
            {
                "name": "Another name",
                "country": "BD",
                "os_id": "bd2026shared",
                "supplier_name": "Whoever",
                "supplier_admin_email": "someone@else.example",
            },
        )
    assert response.status_code == 201, response.json()
    return {
        "a_admin": a_admin,
        "a_rel": a_rel,
        "a_screening": a_screening,
        "b_admin": b_admin,
        "b_body": response.json(),
    }


def test_a_second_brand_gets_its_own_relationship_on_the_same_facility(
    shared_facility: dict[str, Any],
) -> None:
    a_rel: SourcingRelationship = shared_facility["a_rel"]
    body = shared_facility["b_body"]

    assert body["id"] == str(a_rel.facility_id)
    assert body["name"] == "Lotus Knit"  # the record on file, not what B typed
    assert body["relationship"]["status"] == S.PROSPECTIVE
    assert body["relationship"]["id"] != str(a_rel.pk)
    assert body["relationship"]["brand"]["id"] == str(shared_facility["b_admin"].organization_id)
    assert Facility.objects.count() == 1
    # B invites nobody into a supplier organization it did not create.
    assert Invitation.objects.count() == 1
    assert mail.outbox == []


def test_brand_b_never_sees_brand_a_relationship_screening_risk_notes_or_events(
    shared_facility: dict[str, Any],
) -> None:
    a_rel: SourcingRelationship = shared_facility["a_rel"]
    a_screening: Screening = shared_facility["a_screening"]
    b = token_client(shared_facility["b_admin"])
    facility_id = a_rel.facility_id

    reads = {
        "facility": b.get(f"{API}/facilities/{facility_id}/"),
        "facilities": b.get(f"{API}/facilities/"),
        "events": b.get(f"{API}/facilities/{facility_id}/events/"),
        "relationships": b.get(f"{API}/relationships/"),
        "screenings": b.get(f"{API}/screenings/"),
        "exit plans": b.get(f"{API}/exit-plans/"),
        "questionnaires": b.get(f"{API}/questionnaires/"),
        "counts": b.get(f"{API}/facilities/status-counts/"),
    }

    for what, response in reads.items():
        assert response.status_code == 200, what
        text = response.content.decode()
        for secret in ("Brand Alpha", "cousin", str(a_rel.pk), str(a_screening.pk)):
            assert secret not in text, f"{what} shows {secret!r}"
    assert shared_facility["a_admin"].user.email not in reads["events"].content.decode()
    assert {row["count"] for row in reads["counts"].json() if row["status"] == "screening"} == {0}
    for url in (
        f"{API}/relationships/{a_rel.pk}/",
        f"{API}/relationships/{a_rel.pk}/decide/",
        f"{API}/screenings/{a_screening.pk}/",
        f"{API}/questionnaires/{a_screening.questionnaire_id}/",
    ):
        api_error(b.get(url), 404)


def test_brand_b_sees_shared_facility_events_without_brand_a_people(
    shared_facility: dict[str, Any],
) -> None:
    b_admin: Membership = shared_facility["b_admin"]
    events = results(
        token_client(b_admin).get(
            f"{API}/facilities/{shared_facility['a_rel'].facility_id}/events/"
        )
    )

    by_action = {event["action"]: event for event in events}
    assert set(by_action) == {"facility_added", "relationship_added"}
    assert by_action["facility_added"]["actor"] is None  # added by someone of brand A
    assert by_action["relationship_added"]["actor"]["email"] == b_admin.user.email


# --- Suppliers see their own facilities, never the brand's internal view ----------------------


def test_supplier_x_never_sees_supplier_y() -> None:
    admin = member("brand", "admin")
    x_rel = add(admin, name="X Knit", supplier_name="X Ltd")
    y_rel = add(admin, name="Y Denim", supplier_name="Y Ltd")
    screening_send(relationship=y_rel, by=admin)
    x = session_client(supplier_of(x_rel, "member"))

    assert ids(x.get(f"{API}/facilities/")) == {str(x_rel.facility_id)}
    assert ids(x.get(f"{API}/relationships/")) == {str(x_rel.pk)}
    assert ids(x.get(f"{API}/screenings/")) == set()
    for url in (
        f"{API}/facilities/{y_rel.facility_id}/",
        f"{API}/facilities/{y_rel.facility_id}/events/",
        f"{API}/relationships/{y_rel.pk}/",
    ):
        api_error(x.get(url), 404)
    api_error(x.patch(f"{API}/facilities/{y_rel.facility_id}/", {"name": "Mine now"}), 404)
    assert Facility.objects.get(pk=y_rel.facility_id).name == "Y Denim"


def test_a_supplier_never_sees_risk_notes_rationale_or_pending_decisions() -> None:
    admin = member("brand", "admin")
    relationship = add(admin)
    set_status(
        relationship,
        S.IN_REVIEW,
        risk_notes="Owner's cousin runs the subcontractor.",
        risk_score=71,
        risk_grade="high",
    )
    token_client(admin).post(
        f"{API}/relationships/{relationship.pk}/decide/",
        {
            "decision": "conditional",
            "rationale": "Blocked exits seen.",
            "conditions": "Clear exits",
        },
    )
    supplier = token_client(supplier_of(relationship))

    reads = [
        supplier.get(f"{API}/relationships/"),
        supplier.get(f"{API}/relationships/{relationship.pk}/"),
        supplier.get(f"{API}/facilities/"),
        supplier.get(f"{API}/facilities/{relationship.facility_id}/"),
        supplier.get(f"{API}/facilities/{relationship.facility_id}/events/"),
    ]

    for response in reads:
        assert response.status_code == 200
        text = response.content.decode()
        for secret in ("cousin", "Blocked exits", "risk_notes", "risk_score", "rationale"):
            assert secret not in text
        assert "Clear exits" not in text  # conditions of a decision not yet signed off
    detail = reads[1].json()
    assert (detail["status"], detail["conditions"]) == (S.IN_REVIEW, "")
    assert "pending_decision" not in detail
    assert results(supplier.get(f"{API}/relationships/?risk_grade=high")) == []
    assert results(supplier.get(f"{API}/facilities/?risk_grade=high")) == []


def test_a_supplier_sees_the_conditions_once_approved_with_conditions() -> None:
    admin = member("brand", "admin")
    relationship = add(admin)
    set_status(relationship, S.CONDITIONAL, conditions="Clear fire exits by March.")

    detail = token_client(supplier_of(relationship)).get(f"{API}/relationships/{relationship.pk}/")

    assert (detail.json()["status"], detail.json()["conditions"]) == (
        S.CONDITIONAL,
        "Clear fire exits by March.",
    )


def test_a_supplier_edits_its_facility_profile_and_the_timeline_says_who() -> None:
    admin = member("brand", "admin")
    relationship = add(admin)
    supplier = supplier_of(relationship, "member")
    client = token_client(supplier)

    edited = client.patch(
        f"{API}/facilities/{relationship.facility_id}/", {"worker_count": 1200, "name": "Lotus 2"}
    )
    refused = client.patch(
        f"{API}/facilities/{relationship.facility_id}/",
        {"workers_female": 1000, "workers_male": 300},
    )

    assert edited.status_code == 200
    assert (edited.json()["worker_count"], edited.json()["name"]) == (1200, "Lotus 2")
    assert "workers_female" in api_error(refused, 400)["fields"]
    event = FacilityEvent.objects.filter(action="profile_updated").get()
    assert event.actor == supplier.user
    viewer = member("brand", "viewer", organization=admin.organization)
    api_error(token_client(viewer).patch(f"{API}/facilities/{relationship.facility_id}/", {}), 403)


def test_lifecycle_moved_needs_the_new_address() -> None:
    admin = member("brand", "admin")
    relationship = add(admin)
    url = f"{API}/facilities/{relationship.facility_id}/lifecycle/"
    client = token_client(admin)

    missing = client.post(url, {"lifecycle": "moved"})
    moved = client.post(url, {"lifecycle": "moved", "moved_to": "Plot 4, Gazipur"})
    merged = client.post(url, {"lifecycle": "merged"})

    assert "moved_to" in api_error(missing, 400)["fields"]
    assert (moved.json()["lifecycle"], moved.json()["moved_to"]) == ("moved", "Plot 4, Gazipur")
    api_error(merged, 400)


def test_the_supplier_merges_a_duplicate_and_the_brand_keeps_its_history() -> None:
    admin = member("brand", "admin")
    real = add(admin, name="Lotus Knit")
    supplier = supplier_of(real)
    duplicate = add(member("brand", "csr"), name="Lotus Knitting", supplier_name="Lotus")
    # The duplicate record was created under its own supplier organization; the
    # supplier's members find and claim it.
    Facility.objects.filter(pk=duplicate.facility_id).update(supplier=supplier.organization)
    Certification.objects.create(facility_id=duplicate.facility_id, name="SA8000")

    brand_try = token_client(admin).post(
        f"{API}/facilities/{real.facility_id}/merge/", {"into": str(duplicate.facility_id)}
    )
    merged = token_client(supplier).post(
        f"{API}/facilities/{duplicate.facility_id}/merge/", {"into": str(real.facility_id)}
    )

    api_error(brand_try, 403)
    assert merged.status_code == 200, merged.json()
    assert merged.json()["id"] == str(real.facility_id)
    assert [c["name"] for c in merged.json()["certifications"]] == ["SA8000"]
    duplicate.refresh_from_db()
    assert duplicate.facility_id == real.facility_id
    assert Facility.objects.get(pk=merged.json()["id"]).merged_duplicates.count() == 1


def test_adding_by_the_os_id_of_a_merged_duplicate_finds_the_kept_facility() -> None:
    first = add(member("brand", "admin"), os_id="BD2026KEEP")
    supplier = supplier_of(first)
    duplicate = add(member("brand", "admin"), name="Dup", os_id="BD2026DUP")
    Facility.objects.filter(pk=duplicate.facility_id).update(supplier=supplier.organization)
    facility_merge(
        duplicate=Facility.objects.get(pk=duplicate.facility_id), into=first.facility, by=supplier
    )
    assert Facility.objects.get(pk=duplicate.facility_id).lifecycle == "merged"

    later = add(member("brand", "admin"), os_id="BD2026DUP")

    assert later.facility_id == first.facility_id


def test_merging_when_the_brand_has_an_open_screening_on_both_records() -> None:
    admin = member("brand", "admin")
    real = add(admin, name="Lotus Knit")
    duplicate = add(admin, name="Lotus Knitting", supplier_name="Lotus")
    supplier = supplier_of(real)
    Facility.objects.filter(pk=duplicate.facility_id).update(supplier=supplier.organization)
    for relationship in (real, duplicate):
        screening_send(relationship=relationship, by=admin)

    merged = token_client(supplier).post(
        f"{API}/facilities/{duplicate.facility_id}/merge/", {"into": str(real.facility_id)}
    )

    assert merged.status_code == 200
    assert Screening.objects.filter(relationship=real, status="draft").count() == 1


# --- Filters and counts ------------------------------------------------------------------


def test_facility_filters_use_the_callers_own_relationship() -> None:
    admin = member("brand", "admin")
    sourcing = member("brand", "sourcing", organization=admin.organization)
    dhaka = add(admin, name="Dhaka Denim", address="Tejgaon", os_id="BD1", sourcing_owner=sourcing)
    hanoi = add(admin, name="Hanoi Sewing", country="VN", supplier_name="HS", os_id="VN1")
    closed = add(admin, name="Old Mill", supplier_name="OM")
    set_status(dhaka, S.APPROVED, risk_grade="low")
    set_status(hanoi, S.IN_REVIEW, risk_grade="high")
    Facility.objects.filter(pk=closed.facility_id).update(lifecycle="closed")
    # Another brand's relationship with the Hanoi facility is approved: it must not count.
    other = member("brand", "admin")
    set_status(add(other, os_id="VN1"), S.APPROVED, risk_grade="low")
    client = token_client(admin)

    def found(query: str) -> set[str]:
        return {row["name"] for row in results(client.get(f"{API}/facilities/?{query}"))}

    assert found("country=VN") == {"Hanoi Sewing"}
    assert found("status=approved") == {"Dhaka Denim"}
    assert found("status=in_review") == {"Hanoi Sewing"}
    assert found("risk_grade=low") == {"Dhaka Denim"}
    assert found(f"sourcing_owner={sourcing.pk}") == {"Dhaka Denim"}
    assert found("lifecycle=closed") == {"Old Mill"}
    assert found("search=tejgaon") == {"Dhaka Denim"}
    assert found("search=vn1") == {"Hanoi Sewing"}
    assert found("ordering=-name") == {"Dhaka Denim", "Hanoi Sewing", "Old Mill"}
    api_error(client.get(f"{API}/facilities/?status=nonsense"), 400)


def test_relationship_filters_find_what_awaits_my_sign_off() -> None:
    admin = member("brand", "admin")
    csr = member("brand", "csr", organization=admin.organization)
    mine = add(admin, name="Mine")
    theirs = add(admin, name="Theirs", supplier_name="T")
    quiet = add(admin, name="Quiet", supplier_name="Q")
    for relationship in (mine, theirs):
        set_status(relationship, S.IN_REVIEW)
    token_client(admin).post(
        f"{API}/relationships/{mine.pk}/decide/", {"decision": "approve", "rationale": "Fine."}
    )
    token_client(csr).post(
        f"{API}/relationships/{theirs.pk}/decide/", {"decision": "approve", "rationale": "Fine."}
    )
    client = token_client(admin)

    assert ids(client.get(f"{API}/relationships/?awaiting_my_sign_off=true")) == {str(theirs.pk)}
    assert ids(client.get(f"{API}/relationships/?awaiting_my_sign_off=false")) == {
        str(mine.pk),
        str(quiet.pk),
    }
    assert ids(client.get(f"{API}/relationships/?pending_decision=approve")) == {
        str(mine.pk),
        str(theirs.pk),
    }
    assert ids(client.get(f"{API}/relationships/?status=prospective")) == {str(quiet.pk)}
    assert ids(client.get(f"{API}/relationships/?facility={quiet.facility_id}")) == {str(quiet.pk)}
    # CSR staff sign nothing off, so nothing awaits them.
    assert ids(token_client(csr).get(f"{API}/relationships/?awaiting_my_sign_off=true")) == set()


def test_status_counts_cover_every_status_of_the_callers_relationships() -> None:
    admin = member("brand", "admin")
    for n, status in enumerate([S.APPROVED, S.APPROVED, S.IN_REVIEW, S.PROSPECTIVE]):
        set_status(add(admin, name=f"F{n}", supplier_name=f"S{n}"), status)
    set_status(add(member("brand", "admin"), name="Elsewhere", supplier_name="E"), S.APPROVED)

    response = token_client(admin).get(f"{API}/facilities/status-counts/")

    counts = {row["status"]: row["count"] for row in response.json()}
    assert counts == {status.value: 0 for status in S} | {
        "approved": 2,
        "in_review": 1,
        "prospective": 1,
    }
    labels = {row["status"]: row["status_label"] for row in response.json()}
    assert labels["in_review"] == "In review"


# --- Questionnaires ----------------------------------------------------------------------


def _document(**question: Any) -> dict[str, Any]:
    base = {
        "text": "Do workers pay recruitment fees?",
        "kind": "yes_no",
        "category": "FORCED",
        "weight": 5,
        "expected": "no",
        "red_flags": ["yes"],
    }
    return {
        "name": "Denim screening",
        "sections": [
            {
                "title": "Recruitment",
                "questions": [
                    {**base, **question},
                    {
                        "text": "Subcontracting?",
                        "kind": "choice",
                        "choices": ["No", "Declared", "Undeclared"],
                        "category": "SUBCON",
                        "expected": "No",
                        "red_flags": ["Undeclared"],
                        "evidence_allowed": True,
                    },
                ],
            }
        ],
    }


def test_a_questionnaire_from_the_template_is_a_draft_with_every_section() -> None:
    csr = member("brand", "csr")

    response = token_client(csr).post(f"{API}/questionnaires/", {"from_template": True})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["version"]) == ("draft", 1)
    assert len(body["sections"]) >= 8
    first = body["sections"][0]["questions"][0]
    assert {"weight", "expected", "red_flags", "evidence_allowed"} <= set(first)


def test_a_questionnaire_document_is_checked_with_each_error_at_its_place() -> None:
    client = token_client(member("brand", "admin"))
    document = _document(weight=11, red_flags=["maybe"])
    document["sections"][0]["questions"][1]["choices"] = ["Only one"]
    document["sections"].append({"title": "", "questions": []})

    response = client.post(f"{API}/questionnaires/", document)

    fields = api_error(response, 400)["fields"]
    assert set(fields) == {
        "sections.0.questions.0.weight",
        "sections.0.questions.0.red_flags",
        "sections.0.questions.1.choices",
        "sections.0.questions.1.expected",
        "sections.0.questions.1.red_flags",
        "sections.1.title",
        "sections.1.questions",
    }
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ({"kind": "essay"}, "kind"),
        ({"category": "NOPE"}, "category"),
        ({"weight": -1}, "weight"),
        ({"weight": True}, "weight"),
        ({"expected": "yes", "red_flags": ["yes"]}, "red_flags"),
        ({"kind": "number", "expected": {"min": 18}, "red_flags": ["yes"]}, "red_flags"),
        ({"kind": "number", "expected": {"min": 20, "max": 10}, "red_flags": []}, "expected"),
        ({"kind": "text", "expected": "anything", "red_flags": []}, "expected"),
        ({"choices": ["a", "b"]}, "choices"),
        ({"text": "  "}, "text"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_each_question_rule(question: dict[str, Any], field: str) -> None:
    response = token_client(member("brand", "csr")).post(
        f"{API}/questionnaires/", _document(**question)
    )

    assert f"sections.0.questions.0.{field}" in api_error(response, 400)["fields"]


def test_draft_edit_publish_freeze_and_new_version() -> None:
    admin = member("brand", "admin")
    client = token_client(admin)
    created = client.post(f"{API}/questionnaires/", _document()).json()
    url = f"{API}/questionnaires/{created['id']}/"

    edited = client.put(url, _document(text="Did any worker pay a fee to get hired?"))
    published = client.post(f"{url}publish/")
    frozen = client.put(url, _document(text="Changed after publishing"))
    again = client.post(f"{url}publish/")
    new = client.post(f"{url}new-version/")
    second_draft = client.post(f"{url}new-version/")

    assert edited.status_code == 200
    assert edited.json()["sections"][0]["questions"][0]["text"].startswith("Did any worker")
    assert published.json()["status"] == "published"
    assert "new version" in api_error(frozen, 409)["detail"]
    api_error(again, 409)
    assert new.status_code == 201
    v2 = new.json()
    assert (v2["name"], v2["version"], v2["status"], v2["previous"]) == (
        "Denim screening",
        2,
        "draft",
        created["id"],
    )
    assert [q["text"] for q in v2["sections"][0]["questions"]] == [
        q["text"] for q in published.json()["sections"][0]["questions"]
    ]
    assert "already a draft" in api_error(second_draft, 409)["detail"]

    client.post(f"{API}/questionnaires/{v2['id']}/publish/")

    statuses = dict(Questionnaire.objects.values_list("version", "status"))
    assert statuses == {1: "retired", 2: "published"}
    # The published version went out unchanged; its questions are those screenings use.
    assert client.get(url).json()["sections"][0]["questions"][0]["text"].startswith("Did any")


def test_questionnaire_names_are_unique_per_brand_and_writes_need_the_role() -> None:
    admin = member("brand", "admin")
    token_client(admin).post(f"{API}/questionnaires/", _document())
    viewer = member("brand", "viewer", organization=admin.organization)
    supplier = member("supplier", "admin")

    duplicate = token_client(admin).post(f"{API}/questionnaires/", _document())
    elsewhere = token_client(member("brand", "csr")).post(f"{API}/questionnaires/", _document())

    assert "name" in api_error(duplicate, 400)["fields"]
    assert elsewhere.status_code == 201
    api_error(token_client(viewer).post(f"{API}/questionnaires/", _document()), 403)
    api_error(token_client(supplier).post(f"{API}/questionnaires/", _document()), 403)


# --- Screenings --------------------------------------------------------------------------


@pytest.fixture
def screening_world() -> dict[str, Any]:
    """Brand A sent its default questionnaire to a facility; its supplier answers."""
    admin = member("brand", "admin")
    relationship = add(admin)
    sent = token_client(admin).post(f"{API}/relationships/{relationship.pk}/send-questionnaire/")
    assert sent.status_code == 201, sent.json()
    return {
        "admin": admin,
        "relationship": relationship,
        "screening": Screening.objects.get(pk=sent.json()["id"]),
        "supplier": supplier_of(relationship, "member"),
    }


def test_sending_again_returns_the_open_screening(screening_world: dict[str, Any]) -> None:
    relationship = screening_world["relationship"]

    again = token_client(screening_world["admin"]).post(
        f"{API}/relationships/{relationship.pk}/send-questionnaire/"
    )

    assert again.status_code == 200
    assert again.json()["id"] == str(screening_world["screening"].pk)
    relationship.refresh_from_db()
    assert relationship.status == S.SCREENING


def test_sending_a_draft_or_foreign_questionnaire_is_refused() -> None:
    admin = member("brand", "admin")
    relationship = add(admin)
    draft = token_client(admin).post(f"{API}/questionnaires/", _document()).json()
    foreign = token_client(member("brand", "admin")).post(f"{API}/questionnaires/", _document())
    url = f"{API}/relationships/{relationship.pk}/send-questionnaire/"

    api_error(token_client(admin).post(url, {"questionnaire": draft["id"]}), 409)
    refused = token_client(admin).post(url, {"questionnaire": foreign.json()["id"]})

    assert "questionnaire" in api_error(refused, 400)["fields"]
    relationship.refresh_from_db()
    assert relationship.status == S.PROSPECTIVE


def test_the_supplier_saves_a_draft_then_submits_and_the_brand_gets_a_risk_score(
    screening_world: dict[str, Any],
) -> None:
    screening: Screening = screening_world["screening"]
    client = token_client(screening_world["supplier"])
    url = f"{API}/screenings/{screening.pk}/"
    answers = complete_answers(screening.questionnaire_id)
    keys = list(answers)
    first, missing = keys[0], keys[1]

    shown = client.get(url).json()
    draft = client.patch(url, {"answers": {first: answers[first]}})
    wrong = client.patch(url, {"answers": {first: "perhaps"}})
    incomplete = client.post(
        f"{url}submit/", {"answers": {k: v for k, v in answers.items() if k != missing}}
    )

    assert shown["status"] == "draft"
    question = shown["sections"][0]["questions"][0]
    assert not {"weight", "red_flags", "expected"} & set(question)  # the brand's scoring key
    assert draft.status_code == 200
    assert draft.json()["answers"][first] == answers[first]
    assert first in api_error(wrong, 400)["fields"]
    fields = api_error(incomplete, 400)["fields"]
    assert list(fields) == [missing]
    # A refused submit saves nothing: the draft still holds the one answer saved.
    assert Screening.objects.get(pk=screening.pk).answers == {first: answers[first]}

    submitted = client.post(f"{url}submit/", {"answers": answers})

    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    relationship = screening_world["relationship"]
    brand_view = token_client(screening_world["admin"]).get(
        f"{API}/relationships/{relationship.pk}/"
    )
    body = brand_view.json()
    assert body["status"] == S.IN_REVIEW
    assert body["risk_score"] is not None
    assert body["risk_grade"] in ("low", "medium", "high", "critical")
    breakdown = {component["key"]: component for component in body["risk_breakdown"]}
    assert set(breakdown) == {"country", "answers", "red_flags", "certifications"}
    assert sum(c["points"] for c in breakdown.values()) == body["risk_score"]
    assert all(c["detail"] for c in breakdown.values())
    api_error(client.patch(url, {"answers": {first: "no"}}), 409)


def test_a_number_question_refuses_true(screening_world: dict[str, Any]) -> None:
    screening: Screening = screening_world["screening"]
    question = Question.objects.filter(
        section__questionnaire_id=screening.questionnaire_id, kind="number"
    ).first()
    assert question is not None

    response = token_client(screening_world["supplier"]).patch(
        f"{API}/screenings/{screening.pk}/", {"answers": {str(question.pk): True}}
    )

    assert str(question.pk) in api_error(response, 400)["fields"]


def test_only_the_supplier_answers(screening_world: dict[str, Any]) -> None:
    url = f"{API}/screenings/{screening_world['screening'].pk}/"

    api_error(token_client(screening_world["admin"]).patch(url, {"answers": {}}), 403)
    api_error(token_client(member("supplier", "admin")).patch(url, {"answers": {}}), 404)
    brand_view = token_client(screening_world["admin"]).get(url).json()
    assert "weight" in brand_view["sections"][0]["questions"][0]


# --- Evidence ------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    return buffer.getvalue()


def _evidence_question(screening: Screening, allowed: bool = True) -> Question:
    question = Question.objects.filter(
        section__questionnaire_id=screening.questionnaire_id, evidence_allowed=allowed
    ).first()
    assert question is not None
    return question


def _upload(
    client: APIClient, screening: Screening, name: str, content: bytes, **extra: Any
) -> Any:
    question = extra.pop("question", None) or _evidence_question(screening)
    return client.post(
        f"{API}/screenings/{screening.pk}/evidence/",
        {"question": str(question.pk), "file": SimpleUploadedFile(name, content, **extra)},
        format="multipart",
    )


def _stored_files(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("big.pdf", PDF + b"0" * (10 * 1024 * 1024)),
        ("policy.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("photo.png", b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"),
        ("records.docx", _plain_zip()),
        ("empty.pdf", b""),
    ],
    ids=["over 10 MB", "executable named .pdf", "html named .png", "zip named .docx", "empty"],
)
def test_a_refused_file_is_a_400_and_nothing_is_stored(
    screening_world: dict[str, Any], media_root: Path, name: str, content: bytes
) -> None:
    response = _upload(
        token_client(screening_world["supplier"]), screening_world["screening"], name, content
    )

    assert "file" in api_error(response, 400)["fields"]
    assert not ScreeningEvidence.objects.exists()
    assert _stored_files(media_root) == []


def test_a_question_without_evidence_takes_no_file(screening_world: dict[str, Any]) -> None:
    screening = screening_world["screening"]

    response = _upload(
        token_client(screening_world["supplier"]),
        screening,
        "policy.pdf",
        PDF,
        question=_evidence_question(screening, allowed=False),
    )

    assert "question" in api_error(response, 400)["fields"]


def test_valid_evidence_is_stored_and_downloaded_only_by_those_who_see_the_screening(
    screening_world: dict[str, Any], media_root: Path
) -> None:
    screening: Screening = screening_world["screening"]
    supplier = screening_world["supplier"]

    uploaded = _upload(token_client(supplier), screening, "Age records 2025.pdf", PDF)
    photo = _upload(token_client(supplier), screening, "exit.pdf", PNG)  # a PNG, misnamed
    docx = _upload(token_client(supplier), screening, "policy.docx", _docx())

    assert uploaded.status_code == 201, uploaded.json()
    assert (photo.status_code, photo.json()["content_type"]) == (201, "image/png")
    assert docx.json()["content_type"].endswith("wordprocessingml.document")
    assert len(_stored_files(media_root)) == 3
    evidence = uploaded.json()
    assert evidence["original_name"] == "Age records 2025.pdf"
    assert evidence["size"] == len(PDF)
    detail = token_client(screening_world["admin"]).get(f"{API}/screenings/{screening.pk}/")
    assert evidence["id"] in {row["id"] for row in detail.json()["evidence"]}
    download_url = evidence["download_url"]

    def fetch(who: Membership, url: str = download_url) -> Any:
        response = token_client(who).get(url)
        # Reading the stream to its end closes the file, as a WSGI server would.
        content = response.getvalue() if response.status_code == 200 else b""
        return response, content

    for who in (supplier, screening_world["admin"]):
        response, content = fetch(who)
        assert response.status_code == 200
        assert content == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
    photo_response, photo_content = fetch(supplier, photo.json()["download_url"])
    assert photo_content == PNG
    assert 'filename="exit.png"' in photo_response["Content-Disposition"]
    for stranger in (member("brand", "admin"), member("supplier", "admin")):
        response, _content = fetch(stranger)
        api_error(response, 404)


def test_a_submitted_screening_takes_no_more_evidence(screening_world: dict[str, Any]) -> None:
    screening: Screening = screening_world["screening"]
    client = token_client(screening_world["supplier"])
    client.post(
        f"{API}/screenings/{screening.pk}/submit/",
        {"answers": complete_answers(screening.questionnaire_id)},
    )

    api_error(_upload(client, screening, "late.pdf", PDF), 409)
    api_error(_upload(token_client(screening_world["admin"]), screening, "x.pdf", PDF), 403)


# --- Exit plans ------------------------------------------------------------------------------


def test_exit_plans_are_the_brands_only() -> None:
    admin = member("brand", "admin")
    relationship = add(admin)
    set_status(relationship, S.APPROVED)
    plan = exit_plan_start(relationship=relationship, by=admin, reason="Wages unpaid.")
    supplier = token_client(supplier_of(relationship))

    assert ids(token_client(admin).get(f"{API}/exit-plans/")) == {str(plan.pk)}
    assert token_client(admin).get(f"{API}/relationships/{relationship.pk}/exit-plan/").json()[
        "id"
    ] == str(plan.pk)
    assert ids(supplier.get(f"{API}/exit-plans/")) == set()
    api_error(supplier.get(f"{API}/relationships/{relationship.pk}/exit-plan/"), 404)
    api_error(supplier.get(f"{API}/exit-plans/{plan.pk}/"), 404)


def test_an_open_exit_plan_is_edited_and_gets_steps() -> None:
    admin = member("brand", "admin")
    relationship = add(admin)
    set_status(relationship, S.APPROVED)
    plan = exit_plan_start(relationship=relationship, by=admin, reason="Wages unpaid.")
    client = token_client(admin)

    edited = client.patch(
        f"{API}/exit-plans/{plan.pk}/",
        {"outstanding_wages": "12500.00", "outstanding_currency": "BDT", "workers_affected": 300},
    )
    no_currency = client.patch(
        f"{API}/exit-plans/{plan.pk}/", {"outstanding_wages": "10.00", "outstanding_currency": ""}
    )
    rising = client.patch(
        f"{API}/exit-plans/{plan.pk}/",
        {
            "phase_down": [
                {"date": "2026-01-01", "percent": 20},
                {"date": "2026-02-01", "percent": 60},
            ]
        },
    )
    step = client.post(f"{API}/exit-plans/{plan.pk}/steps/", {"description": "Pay severance"})

    assert edited.status_code == 200, edited.json()
    assert (edited.json()["outstanding_wages"], edited.json()["workers_affected"]) == (
        "12500.00",
        300,
    )
    assert "outstanding_currency" in api_error(no_currency, 400)["fields"]
    assert "phase_down" in api_error(rising, 400)["fields"]
    assert step.status_code == 201
    assert [
        s["description"] for s in client.get(f"{API}/exit-plans/{plan.pk}/").json()["steps"]
    ] == ["Pay severance"]
    viewer = member("brand", "viewer", organization=admin.organization)
    api_error(
        token_client(viewer).post(f"{API}/exit-plans/{plan.pk}/steps/", {"description": "x"}), 403
    )


# --- Query counts do not grow with the rows ---------------------------------------------------


def _count(client: APIClient, url: str) -> tuple[int, Any]:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response


def _grow_facilities(admin: Membership, n: int) -> None:
    colleague = member("brand", "sourcing", organization=admin.organization)
    for _ in range(n):
        relationship = add(admin, supplier_name="S", sourcing_owner=colleague)
        Certification.objects.create(facility=relationship.facility, name="WRAP")
        set_status(relationship, S.APPROVED, decided_by=admin.user, signed_off_by=colleague.user)


def _grow_questionnaires(admin: Membership, n: int) -> None:
    client = token_client(admin)
    for i in range(n):
        document = _document()
        document["name"] = f"Questionnaire {i} {Questionnaire.objects.count()}"
        assert client.post(f"{API}/questionnaires/", document).status_code == 201


def _grow_screenings(admin: Membership, n: int) -> None:
    for _ in range(n):
        screening_send(relationship=add(admin, supplier_name="S"), by=admin)


def _grow_exit_plans(admin: Membership, n: int) -> None:
    for _ in range(n):
        relationship = add(admin, supplier_name="S")
        set_status(relationship, S.APPROVED)
        exit_plan_start(
            relationship=relationship,
            by=admin,
            reason="Unpaid wages.",
            steps=[{"description": "Pay"}, {"description": "Tell workers"}],
        )


@pytest.mark.parametrize(
    ("url", "grow"),
    [
        (f"{API}/facilities/", _grow_facilities),
        (f"{API}/relationships/", _grow_facilities),
        (f"{API}/facilities/status-counts/", _grow_facilities),
        (f"{API}/questionnaires/", _grow_questionnaires),
        (f"{API}/screenings/", _grow_screenings),
        (f"{API}/exit-plans/", _grow_exit_plans),
    ],
    ids=[
        "facilities",
        "relationships",
        "status-counts",
        "questionnaires",
        "screenings",
        "exit-plans",
    ],
)
def test_lists_use_as_many_queries_for_30_rows_as_for_3(
    url: str, grow: Callable[[Membership, int], None]
) -> None:
    admin = member("brand", "admin")
    client = token_client(admin)
    grow(admin, 3)
    few, response = _count(client, url)

    grow(admin, 27)
    many, response = _count(client, url)

    assert many == few
    body = response.json()
    if isinstance(body, dict):
        assert body["count"] == 30


def test_the_supplier_lists_also_use_a_fixed_number_of_queries() -> None:
    admin = member("brand", "admin")
    first = add(admin, supplier_name="Mine")
    supplier = supplier_of(first)
    client = session_client(supplier)

    def grow(n: int) -> None:
        for _ in range(n):
            brand_admin = member("brand", "admin")
            relationship = add(brand_admin, supplier_name="x")
            Facility.objects.filter(pk=relationship.facility_id).update(
                supplier=supplier.organization
            )
            screening_send(relationship=relationship, by=brand_admin)

    grow(3)
    counts = [_count(client, url)[0] for url in ("/api/v1/facilities/", "/api/v1/screenings/")]
    grow(27)
    assert [
        _count(client, url)[0] for url in ("/api/v1/facilities/", "/api/v1/screenings/")
    ] == counts


# --- The schema documents the new resources ----------------------------------------------


def test_the_schema_lists_the_suppliers_paths() -> None:
    schema = token_client(member("brand", "admin")).get(f"{API}/schema/", {"format": "json"}).json()

    for path in (
        "/api/v1/facilities/",
        "/api/v1/facilities/status-counts/",
        "/api/v1/facilities/{id}/events/",
        "/api/v1/relationships/{id}/decide/",
        "/api/v1/relationships/{id}/sign-off/",
        "/api/v1/relationships/{id}/suspend/",
        "/api/v1/relationships/{id}/exit-plan/",
        "/api/v1/exit-plans/{id}/steps/{step_id}/done/",
        "/api/v1/questionnaires/",
        "/api/v1/questionnaires/{id}/new-version/",
        "/api/v1/screenings/{id}/submit/",
        "/api/v1/screenings/{id}/evidence/{evidence_id}/",
    ):
        assert path in schema["paths"], path
