"""The remediation API as its users meet it: a brand's CSR staff follow a CAP and
invite partners onto it; the supplier works on it, uploads evidence and asks for more
time; partners see only the CAPs they are on; brand-internal comments stay inside the
brand; brands browse the consultant directory and keep private notes.

Personas: brand A (admin, CSR, viewer), its facility's supplier, brand B sourcing from
the same facility, a consultant and a CSO, and strangers of every kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from audits.services.audits import audit_finalize
from audits.services.sharing import audit_share_consent, audit_share_offer
from csr_platform.models import Membership, Organization
from laws.models import Requirement
from remediation.models import CapParticipant, CorrectiveActionPlan, Evidence, ExtensionRequest
from remediation.services.consultants import consultant_note_save, consultant_profile_update
from remediation.services.opening import caps_open_for_audit
from remediation.services.participants import participant_add, participant_remove
from remediation.services.transitions import cap_submit
from remediation.services.work import (
    action_add,
    comment_add,
    evidence_add,
    extension_decide,
    extension_request,
    root_cause_add,
)
from suppliers.models import Facility
from tests.audits.helpers import (
    add_finding,
    also_sourced_by,
    bd_overtime_rule,
    draft_audit,
    facility_of,
)
from tests.conftest import api_error, session_client, token_client
from tests.factories import OrganizationFactory, member
from tests.remediation.helpers import PDF, open_cap, pdf, plan, supplier_admin_of, verified

pytestmark = pytest.mark.django_db

API = "/api/v1"
S = CorrectiveActionPlan.Status


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content[:500]
    rows: list[dict[str, Any]] = response.json()["results"]
    return rows


def ids(response: Any) -> set[str]:
    return {row["id"] for row in results(response)}


def cap_url(cap: CorrectiveActionPlan, rest: str = "") -> str:
    return f"{API}/caps/{cap.pk}/{rest}"


def partner(partner_type: str = "consultant") -> Membership:
    organization = cast(
        Organization, OrganizationFactory(kind="partner", partner_type=partner_type)
    )
    return member("partner", "member", organization=organization)


@dataclass
class Scene:
    owner: Membership  # brand A's admin
    facility: Facility
    supplier: Membership
    cap: CorrectiveActionPlan

    def on_cap(self, who: Membership) -> CapParticipant:
        return participant_add(cap=self.cap, by=self.owner, organization_slug=who.organization.slug)


@pytest.fixture
def scene() -> Scene:
    owner = member("brand", "admin")
    facility = facility_of(owner)
    cap = open_cap(owner, facility=facility)
    return Scene(owner=owner, facility=facility, supplier=supplier_admin_of(facility), cap=cap)


# --- Isolation -------------------------------------------------------------------------

NESTED = ["root-causes/", "actions/", "evidence/", "comments/", "extensions/", "participants/"]


def test_a_partner_sees_only_the_caps_it_is_on(scene: Scene) -> None:
    other_cap = open_cap(scene.owner, facility=scene.facility, on=date(2025, 4, 1))
    consultant = partner()
    scene.on_cap(consultant)
    client = token_client(consultant)

    assert ids(client.get(f"{API}/caps/")) == {str(scene.cap.pk)}
    assert client.get(cap_url(scene.cap)).status_code == 200
    assert client.get(cap_url(other_cap)).status_code == 404
    for nested in [*NESTED, "events/"]:
        assert client.get(cap_url(other_cap, nested)).status_code == 404, nested
        assert client.get(cap_url(scene.cap, nested)).status_code == 200, nested


def test_a_partner_sees_the_finding_and_law_basics_through_the_cap(scene: Scene) -> None:
    rule = bd_overtime_rule()
    Requirement.objects.filter(pk=rule.pk).update(
        remediation_guidance="Cap overtime at 12 hours a week and pay it at double rate."
    )
    audit = draft_audit(scene.owner, scene.facility, on=date(2025, 5, 5))
    add_finding(scene.owner, audit, requirement=rule, scheme_reference="SMETA 6.1")
    audit_finalize(audit=audit, by=scene.owner)
    caps_open_for_audit(audit_id=str(audit.pk))
    cap = CorrectiveActionPlan.objects.get(finding__audit=audit)
    consultant = partner()
    participant_add(cap=cap, by=scene.owner, organization_slug=consultant.organization.slug)

    body = token_client(consultant).get(cap_url(cap)).json()

    assert body["brand"] == {
        "id": str(scene.owner.organization_id),
        "name": scene.owner.organization.name,
    }
    assert body["facility"] == {
        "id": str(scene.facility.pk),
        "name": scene.facility.name,
        "country": "BD",
    }
    finding = body["finding"]
    assert finding["label"] == "F-1"
    assert finding["category"] == "HOURS"
    assert finding["category_label"] == "Working hours, overtime, rest days"
    assert finding["severity"] == "major"
    assert finding["requirement"] == str(rule.pk)
    assert finding["requirement_reference"] == "Bangladesh Labour Act 2006 s.102"
    assert finding["audit"] == {
        "id": str(audit.pk),
        "start_date": "2025-05-05",
        "scheme": "smeta",
        "scheme_label": "SMETA",
    }
    assert body["remediation_guidance"].startswith("Cap overtime at 12 hours")
    assert body["verification_method"] == "follow_up_audit"


def test_a_collaborating_brand_sees_the_joint_cap_and_nothing_else_of_the_owner(
    scene: Scene,
) -> None:
    other_brand = member("brand", "csr")
    also_sourced_by(other_brand, scene.facility)
    share = audit_share_offer(
        audit=scene.cap.finding.audit, by=scene.owner, brand_slug=other_brand.organization.slug
    )
    audit_share_consent(share=share, by=scene.supplier)
    scene.on_cap(other_brand)
    # The owner's other CAP at the same facility, from an audit not shared.
    not_joint = open_cap(scene.owner, facility=scene.facility, on=date(2025, 4, 1))
    client = token_client(other_brand)

    assert ids(client.get(f"{API}/caps/")) == {str(scene.cap.pk)}
    assert client.get(cap_url(not_joint)).status_code == 404
    assert client.get(cap_url(not_joint, "events/")).status_code == 404
    assert client.get(cap_url(scene.cap, "events/")).status_code == 200


def test_another_brand_gets_404_for_the_cap_and_everything_under_it(scene: Scene) -> None:
    stranger = token_client(member("brand", "admin"))

    assert ids(stranger.get(f"{API}/caps/")) == set()
    assert stranger.get(cap_url(scene.cap)).status_code == 404
    api_error(stranger.post(cap_url(scene.cap, "cancel/"), {"reason": "x"}), 404)
    for nested in [*NESTED, "events/"]:
        api_error(stranger.get(cap_url(scene.cap, nested)), 404)
    api_error(stranger.post(cap_url(scene.cap, "comments/"), {"body": "Hello"}), 404)


def test_the_supplier_sees_every_brands_caps_on_its_facilities_and_no_others(
    scene: Scene,
) -> None:
    brand_b = member("brand", "admin")
    also_sourced_by(brand_b, scene.facility)
    cap_b = open_cap(brand_b, facility=scene.facility, on=date(2025, 6, 2))
    elsewhere = open_cap(member("brand", "admin"))

    seen = ids(token_client(scene.supplier).get(f"{API}/caps/"))

    assert seen == {str(scene.cap.pk), str(cap_b.pk)}
    assert str(elsewhere.pk) not in seen
    assert token_client(scene.supplier).get(cap_url(elsewhere)).status_code == 404


# --- Internal comments -------------------------------------------------------------------

SECRET = "Their owner dodges every call; prepare the exit plan."


def test_internal_comments_never_reach_the_supplier_or_a_partner(scene: Scene) -> None:
    consultant = partner()
    scene.on_cap(consultant)
    comment_add(cap=scene.cap, by=scene.owner, body=SECRET, internal=True)
    comment_add(cap=scene.cap, by=scene.owner, body="Please send the shift rota.")
    csr = member("brand", "csr", organization=scene.owner.organization)

    for who in (scene.supplier, consultant):
        client = token_client(who)
        comments = results(client.get(cap_url(scene.cap, "comments/")))
        events = client.get(cap_url(scene.cap, "events/"))
        detail = client.get(cap_url(scene.cap))
        listed = client.get(f"{API}/caps/")
        internal_only = results(client.get(cap_url(scene.cap, "comments/") + "?internal=true"))

        assert [c["body"] for c in comments] == ["Please send the shift rota."]
        for response in (events, detail, listed):
            assert response.status_code == 200
            assert SECRET not in response.content.decode()
        assert "internal_comment" not in {e["action"] for e in results(events)}
        assert internal_only == []

    colleague_view = results(token_client(csr).get(cap_url(scene.cap, "comments/")))
    assert [(c["body"], c["internal"]) for c in colleague_view] == [
        (SECRET, True),
        ("Please send the shift rota.", False),
    ]
    colleague_events = results(token_client(csr).get(cap_url(scene.cap, "events/")))
    assert SECRET in {e["note"] for e in colleague_events}


def test_a_collaborating_brand_does_not_see_the_owners_internal_comments(scene: Scene) -> None:
    other_brand = member("brand", "csr")
    also_sourced_by(other_brand, scene.facility)
    share = audit_share_offer(
        audit=scene.cap.finding.audit, by=scene.owner, brand_slug=other_brand.organization.slug
    )
    audit_share_consent(share=share, by=scene.supplier)
    scene.on_cap(other_brand)
    comment_add(cap=scene.cap, by=scene.owner, body=SECRET, internal=True)
    client = token_client(other_brand)

    assert results(client.get(cap_url(scene.cap, "comments/"))) == []
    assert SECRET not in client.get(cap_url(scene.cap, "events/")).content.decode()


def test_only_a_brand_writes_internal_comments(scene: Scene) -> None:
    response = token_client(scene.supplier).post(
        cap_url(scene.cap, "comments/"), {"body": "Just us?", "internal": True}
    )

    assert "internal" in api_error(response, 400, "invalid")["fields"]


def test_comments_are_written_by_everyone_on_the_cap_but_brand_viewers(scene: Scene) -> None:
    viewer = member("brand", "viewer", organization=scene.owner.organization)
    consultant = partner("cso")
    scene.on_cap(consultant)

    refused = token_client(viewer).post(cap_url(scene.cap, "comments/"), {"body": "Hi"})
    written = token_client(consultant).post(cap_url(scene.cap, "comments/"), {"body": "Hi"})

    api_error(refused, 403, "permission_denied")
    assert written.status_code == 201, written.json()
    assert written.json()["organization"]["id"] == str(consultant.organization_id)
    assert written.json()["internal"] is False


# --- Evidence uploads ----------------------------------------------------------------------


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _upload(scene: Scene, name: str, content: bytes, **fields: Any) -> Any:
    return token_client(scene.supplier).post(
        cap_url(scene.cap, "evidence/"),
        {"file": SimpleUploadedFile(name, content), **fields},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fire-certificate.pdf", PDF + b"\0" * (20 * 1024 * 1024), "larger than 20 MB"),
        ("fire-certificate.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 500, "not a PDF"),
        ("unlocked-exit.png", b"<!DOCTYPE html><html><script>alert(1)</script>", "not a PDF"),
        ("rota.csv", b"<html><body>not a spreadsheet</body></html>", "not a PDF"),
    ],
    ids=["over 20 MB", "executable renamed .pdf", "html renamed .png", "html renamed .csv"],
)
def test_refused_uploads_say_why_and_store_nothing(
    scene: Scene, name: str, content: bytes, message: str
) -> None:
    response = _upload(scene, name, content, description="Fire certificate")

    body = api_error(response, 400, "invalid")
    assert message in body["fields"]["file"][0]
    assert name in body["fields"]["file"][0]
    assert not Evidence.objects.exists()
    assert _stored_files() == []
    scene.cap.refresh_from_db()
    assert scene.cap.status == S.OPEN  # the refused upload did not even start the plan


def test_a_csv_is_accepted_dated_by_validity_and_downloaded_through_the_api(
    scene: Scene,
) -> None:
    rota = b"date,worker,hours\n2025-05-05,A-101,48\n"
    _root_cause, preventive = plan(scene.cap, scene.supplier)

    response = _upload(
        scene,
        "shift-rota.csv",
        rota,
        description="Shift rota, May",
        valid_from="2025-05-01",
        valid_until="2025-05-31",
        action=str(preventive.pk),
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["file_name"] == "shift-rota.csv"
    assert body["content_type"] == "text/csv"
    assert (body["valid_from"], body["valid_until"]) == ("2025-05-01", "2025-05-31")
    assert body["expired"] is True
    assert body["action"] == str(preventive.pk)
    assert body["download_url"].endswith(f"/caps/evidence/{body['id']}/")
    assert len(_stored_files()) == 1
    download = token_client(scene.owner).get(body["api_download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == rota  # type: ignore[attr-defined]
    assert 'filename="shift-rota.csv"' in download["Content-Disposition"]
    stranger = token_client(member("brand", "admin")).get(body["api_download_url"])
    assert stranger.status_code == 404


def test_evidence_validity_must_be_in_order_and_name_an_action_of_this_cap(
    scene: Scene,
) -> None:
    other = open_cap(scene.owner, facility=scene.facility, on=date(2025, 4, 1))
    _cause, foreign_action = plan(other, scene.supplier)

    backwards = _upload(scene, "c.pdf", PDF, valid_from="2025-06-01", valid_until="2025-01-01")
    foreign = _upload(scene, "c.pdf", PDF, action=str(foreign_action.pk))

    assert "valid_until" in api_error(backwards, 400)["fields"]
    assert "action" in api_error(foreign, 400)["fields"]
    assert not Evidence.objects.filter(cap=scene.cap).exists()


def test_the_brand_does_not_upload_evidence_on_the_suppliers_behalf(scene: Scene) -> None:
    response = token_client(scene.owner).post(
        cap_url(scene.cap, "evidence/"),
        {"file": SimpleUploadedFile("c.pdf", PDF)},
        format="multipart",
    )

    api_error(response, 403, "permission_denied")
    assert _stored_files() == []


# --- Requests for more time -----------------------------------------------------------------


def test_an_approved_extension_moves_the_due_date_and_keeps_its_history(scene: Scene) -> None:
    before = scene.cap.due_date
    wanted = timezone.localdate() + timedelta(days=90)
    supplier = token_client(scene.supplier)
    owner = token_client(scene.owner)

    asked = supplier.post(
        cap_url(scene.cap, "extensions/"),
        {"due_date": wanted.isoformat(), "reason": "The new fire doors ship in March."},
    )
    extension_id = asked.json()["id"]
    approve = cap_url(scene.cap, f"extensions/{extension_id}/approve/")
    availability = {
        "supplier": supplier.get(approve).json(),
        "owner": owner.get(approve).json(),
    }
    decided = owner.post(approve, {"note": "Fine, with monthly photos."})

    assert asked.status_code == 201, asked.json()
    assert asked.json()["previous_due_date"] == str(before)
    assert availability["supplier"]["status"] == 403
    assert availability["owner"]["allowed"] is True
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "approved"
    cap = owner.get(cap_url(scene.cap)).json()
    assert cap["due_date"] == wanted.isoformat()
    assert cap["extension_pending"] is False
    timeline = [
        (e["action"], e["from_status"], e["to_status"])
        for e in results(supplier.get(cap_url(scene.cap, "events/")))
    ]
    assert ("extension_requested", str(before), wanted.isoformat()) in timeline
    assert ("extension_approved", str(before), wanted.isoformat()) in timeline
    api_error(owner.post(approve, {}), 409, "conflict")


def test_an_extension_is_declined_with_a_note_and_the_due_date_stays(scene: Scene) -> None:
    extension = extension_request(
        cap=scene.cap,
        by=scene.supplier,
        due_date=timezone.localdate() + timedelta(days=60),
        reason="Peak season.",
    )
    decline = cap_url(scene.cap, f"extensions/{extension.pk}/decline/")
    owner = token_client(scene.owner)

    without_note = owner.post(decline, {})
    declined = owner.post(decline, {"note": "Locked exits cannot wait."})

    assert "note" in api_error(without_note, 400)["fields"]
    assert declined.json()["status"] == "declined"
    scene.cap.refresh_from_db()
    assert scene.cap.due_date == extension.previous_due_date
    api_error(token_client(scene.supplier).post(decline, {"note": "x"}), 403)


def test_one_request_for_more_time_at_a_time(scene: Scene) -> None:
    client = token_client(scene.supplier)
    body = {"due_date": (timezone.localdate() + timedelta(days=30)).isoformat(), "reason": "Rain."}

    assert client.post(cap_url(scene.cap, "extensions/"), body).status_code == 201
    api_error(client.post(cap_url(scene.cap, "extensions/"), body), 409, "conflict")


def test_the_brand_moves_the_due_date_with_a_reason(scene: Scene) -> None:
    new = timezone.localdate() + timedelta(days=45)
    url = cap_url(scene.cap, "due-date/")

    moved = token_client(scene.owner).post(url, {"due_date": new.isoformat(), "reason": "Agreed."})
    refused = token_client(scene.supplier).post(url, {"due_date": new.isoformat()})
    past = token_client(scene.owner).post(url, {"due_date": "2020-01-01"})

    assert moved.status_code == 200, moved.json()
    assert moved.json()["due_date"] == new.isoformat()
    assert moved.json()["overdue"] is False
    api_error(refused, 403, "permission_denied")
    assert "due_date" in api_error(past, 400)["fields"]
    assert token_client(scene.supplier).get(url).json()["status"] == 403


# --- Participants ---------------------------------------------------------------------------


def test_a_partner_invited_sees_the_cap_and_once_removed_gets_404(scene: Scene) -> None:
    consultant = partner()
    owner = token_client(scene.owner)
    client = token_client(consultant)
    assert client.get(cap_url(scene.cap)).status_code == 404

    invited = owner.post(
        cap_url(scene.cap, "participants/"),
        {"organization": consultant.organization.slug, "note": "Fire safety training"},
    )

    assert invited.status_code == 201, invited.json()
    assert invited.json()["role"] == "consultant"
    assert client.get(cap_url(scene.cap)).status_code == 200
    # As consultant it works on the plan.
    assert client.post(cap_url(scene.cap, "start/")).status_code == 200

    removed = owner.delete(cap_url(scene.cap, f"participants/{invited.json()['id']}/"))

    assert removed.status_code == 204
    assert client.get(cap_url(scene.cap)).status_code == 404
    assert ids(client.get(f"{API}/caps/")) == set()
    listed = results(owner.get(cap_url(scene.cap, "participants/")))
    assert listed[0]["removed_at"] is not None
    assert ids(owner.get(cap_url(scene.cap, "participants/") + "?active=true")) == set()
    timeline = {e["action"] for e in results(owner.get(cap_url(scene.cap, "events/")))}
    assert {"participant_added", "participant_removed"} <= timeline


def test_a_cso_follows_and_comments_but_does_not_work_on_the_plan(scene: Scene) -> None:
    cso = partner("cso")
    scene.on_cap(cso)
    client = token_client(cso)

    body = {"kind": "preventive", "description": "x", "owner": "y", "due_date": "2030-01-01"}
    api_error(client.post(cap_url(scene.cap, "actions/"), body), 403)
    assert (
        client.post(cap_url(scene.cap, "comments/"), {"body": "Workers confirm."}).status_code
        == 201
    )


def test_only_the_owner_brand_invites_and_only_known_organizations(scene: Scene) -> None:
    consultant = partner()
    unrelated_brand = member("brand", "admin")

    by_supplier = token_client(scene.supplier).post(
        cap_url(scene.cap, "participants/"), {"organization": consultant.organization.slug}
    )
    unknown = token_client(scene.owner).post(
        cap_url(scene.cap, "participants/"), {"organization": "no-such-org"}
    )
    not_shared = token_client(scene.owner).post(
        cap_url(scene.cap, "participants/"), {"organization": unrelated_brand.organization.slug}
    )

    api_error(by_supplier, 403, "permission_denied")
    assert "organization" in api_error(unknown, 400)["fields"]
    assert api_error(not_shared, 400)["fields"] == api_error(unknown, 400)["fields"]
    assert not CapParticipant.objects.exists()


# --- Work on the plan -----------------------------------------------------------------------


def test_the_supplier_records_the_plan_and_submits_it(scene: Scene) -> None:
    client = token_client(scene.supplier)

    cause = client.post(
        cap_url(scene.cap, "root-causes/"),
        {
            "method": "five_whys",
            "category": "purchasing_practice",
            "purchasing_code": "BP_LATE_CHANGE",
            "cause": "Late style changes pushed work into the night shift.",
            "whys": [
                {"why": "Why were exits locked?", "because": "Night shift had no guard."},
                {"why": "Why a night shift?", "because": "The buyer changed the style late."},
            ],
        },
    )
    action = client.post(
        cap_url(scene.cap, "actions/"),
        {
            "kind": "preventive",
            "description": "Agree a style freeze date with each buyer.",
            "owner": "Merchandising manager",
            "due_date": "2030-03-31",
        },
    )
    done = client.patch(cap_url(scene.cap, f"actions/{action.json()['id']}/"), {"status": "done"})
    evidence_add(cap=scene.cap, by=scene.supplier, file=pdf())
    submitted = client.post(cap_url(scene.cap, "submit/"))

    assert cause.status_code == 201, cause.json()
    assert cause.json()["purchasing_code_label"] == "Late design or order changes"
    assert len(cause.json()["whys"]) == 2
    assert action.status_code == 201, action.json()
    assert done.json()["status"] == "done"
    assert done.json()["completed_on"] == timezone.localdate().isoformat()
    assert submitted.status_code == 200, submitted.json()
    cap = submitted.json()
    assert (cap["status"], cap["root_cause_count"], cap["action_count"], cap["evidence_count"]) == (
        S.SUBMITTED,
        1,
        1,
        1,
    )
    # A submitted plan is frozen: removing a root cause now is a conflict.
    frozen = client.delete(cap_url(scene.cap, f"root-causes/{cause.json()['id']}/"))
    api_error(frozen, 409, "conflict")


def test_root_causes_actions_and_evidence_are_removed_while_the_plan_is_worked_on(
    scene: Scene,
) -> None:
    cause, action = plan(scene.cap, scene.supplier)
    evidence = evidence_add(cap=scene.cap, by=scene.supplier, file=pdf())
    client = token_client(scene.supplier)

    for rest in (
        f"root-causes/{cause.pk}/",
        f"actions/{action.pk}/",
        f"evidence/{evidence.pk}/",
    ):
        assert client.delete(cap_url(scene.cap, rest)).status_code == 204, rest
        assert client.get(cap_url(scene.cap, rest)).status_code == 404, rest


BAD_INPUT: list[tuple[str, str, str, dict[str, Any], str]] = [
    ("supplier", "post", "root-causes/", {"method": "five_whys"}, "category"),
    (
        "supplier",
        "post",
        "root-causes/",
        {"method": "magic", "category": "people", "cause": "x"},
        "method",
    ),
    (
        "supplier",
        "post",
        "root-causes/",
        {
            "method": "five_whys",
            "category": "people",
            "cause": "No training.",
            "whys": [{"why": "Why?", "because": "Because."}],
        },
        "whys",
    ),
    (
        "supplier",
        "post",
        "root-causes/",
        {"method": "fishbone", "category": "purchasing_practice", "cause": "Prices."},
        "purchasing_code",
    ),
    (
        "supplier",
        "post",
        "actions/",
        {"kind": "preventive", "description": "x", "owner": "y", "due_date": "soon"},
        "due_date",
    ),
    ("supplier", "post", "actions/", {"kind": "fix", "description": "x"}, "kind"),
    ("supplier", "post", "extensions/", {"due_date": "2020-01-01", "reason": "x"}, "due_date"),
    ("supplier", "post", "extensions/", {"due_date": "2099-01-01", "reason": " "}, "reason"),
    ("supplier", "post", "comments/", {"body": "   "}, "body"),
    ("supplier", "post", "evidence/", {}, "file"),
    ("owner", "post", "participants/", {}, "organization"),
    ("owner", "post", "due-date/", {"due_date": "next week"}, "due_date"),
    ("owner", "post", "cancel/", {}, "reason"),
]


@pytest.mark.parametrize(
    ("who", "method", "rest", "body", "field"),
    BAD_INPUT,
    ids=[f"{row[2]}{row[4]}" for row in BAD_INPUT],
)
def test_bad_input_is_a_400_naming_the_field(
    scene: Scene, who: str, method: str, rest: str, body: dict[str, Any], field: str
) -> None:
    client = token_client(scene.supplier if who == "supplier" else scene.owner)
    fmt = "multipart" if rest == "evidence/" else "json"

    response = getattr(client, method)(cap_url(scene.cap, rest), body, format=fmt)

    assert field in api_error(response, 400, "invalid")["fields"]


def test_a_verify_with_a_follow_up_audit_that_is_not_an_id_is_a_400(scene: Scene) -> None:
    cap = scene.cap
    plan(cap, scene.supplier)
    evidence_add(cap=cap, by=scene.supplier, file=pdf())
    cap_submit(cap=cap, by=scene.supplier)

    response = token_client(scene.owner).post(
        cap_url(cap, "verify/"), {"follow_up_audit": "the-last-one"}
    )

    assert "follow_up_audit" in api_error(response, 400)["fields"]


# --- Filters ------------------------------------------------------------------------------


def _caps_seen(scene: Scene, query: str) -> set[str]:
    return ids(token_client(scene.owner).get(f"{API}/caps/?{query}"))


def test_filter_overdue_and_due_before(scene: Scene) -> None:
    today = timezone.localdate()
    late = scene.cap
    due_soon = open_cap(scene.owner, facility=scene.facility, on=date(2025, 4, 1))
    late_but_cancelled = open_cap(scene.owner, facility=scene.facility, on=date(2025, 4, 8))
    CorrectiveActionPlan.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=1))
    CorrectiveActionPlan.objects.filter(pk=due_soon.pk).update(due_date=today + timedelta(days=5))
    CorrectiveActionPlan.objects.filter(pk=late_but_cancelled.pk).update(
        due_date=today - timedelta(days=30), status=S.CANCELLED
    )

    assert _caps_seen(scene, "overdue=true") == {str(late.pk)}
    assert _caps_seen(scene, "overdue=false") == {str(due_soon.pk), str(late_but_cancelled.pk)}
    rows = {r["id"]: r["overdue"] for r in results(token_client(scene.owner).get(f"{API}/caps/"))}
    assert rows == {str(late.pk): True, str(due_soon.pk): False, str(late_but_cancelled.pk): False}
    before = (today + timedelta(days=5)).isoformat()
    assert _caps_seen(scene, f"due_before={before}") == {
        str(late.pk),
        str(due_soon.pk),
        str(late_but_cancelled.pk),
    }
    assert _caps_seen(scene, f"due_before={today.isoformat()}") == {
        str(late.pk),
        str(late_but_cancelled.pk),
    }


def test_filter_severity_and_category(scene: Scene) -> None:
    critical_wages = open_cap(
        scene.owner, facility=scene.facility, category="WAGE", severity="critical"
    )

    assert _caps_seen(scene, "severity=critical") == {str(critical_wages.pk)}
    assert _caps_seen(scene, "severity=major") == {str(scene.cap.pk)}
    assert _caps_seen(scene, "category=WAGE") == {str(critical_wages.pk)}
    assert _caps_seen(scene, "category=OSH") == {str(scene.cap.pk)}
    assert _caps_seen(scene, "verification_method=follow_up_audit") == {str(critical_wages.pk)}
    api_error(token_client(scene.owner).get(f"{API}/caps/?severity=awful"), 400)


def test_filter_participant(scene: Scene) -> None:
    consultant = partner()
    other = open_cap(scene.owner, facility=scene.facility, on=date(2025, 4, 1))
    participant = scene.on_cap(consultant)
    org = consultant.organization_id

    assert _caps_seen(scene, f"participant={org}") == {str(scene.cap.pk)}
    participant_remove(participant=participant, by=scene.owner)
    assert _caps_seen(scene, f"participant={org}") == set()
    assert str(other.pk) in _caps_seen(scene, "")


def test_filter_not_sustained(scene: Scene) -> None:
    verified(scene.cap, scene.supplier, scene.owner)
    # A later audit finds the same problem again: the verified fix did not hold.
    again = open_cap(scene.owner, facility=scene.facility, on=date(2025, 10, 6))

    rows = {r["id"]: r for r in results(token_client(scene.owner).get(f"{API}/caps/"))}
    assert _caps_seen(scene, "not_sustained=true") == {str(scene.cap.pk)}
    assert _caps_seen(scene, "not_sustained=false") == {str(again.pk)}
    assert rows[str(scene.cap.pk)]["not_sustained_at"] is not None


def test_filter_status_facility_owner_and_audit(scene: Scene) -> None:
    brand_b = member("brand", "admin")
    also_sourced_by(brand_b, scene.facility)
    cap_b = open_cap(brand_b, facility=scene.facility, on=date(2025, 6, 2))
    client = token_client(scene.supplier)
    owner_a = scene.owner.organization_id

    assert ids(client.get(f"{API}/caps/?owner={owner_a}")) == {str(scene.cap.pk)}
    assert ids(client.get(f"{API}/caps/?brand={brand_b.organization_id}")) == {str(cap_b.pk)}
    assert ids(client.get(f"{API}/caps/?audit={cap_b.finding.audit_id}")) == {str(cap_b.pk)}
    assert ids(client.get(f"{API}/caps/?facility={scene.facility.pk}")) == {
        str(scene.cap.pk),
        str(cap_b.pk),
    }
    assert ids(client.get(f"{API}/caps/?status=open")) == {str(scene.cap.pk), str(cap_b.pk)}
    assert ids(client.get(f"{API}/caps/?status=submitted")) == set()


# --- Query counts -------------------------------------------------------------------------


def _grow_caps(scene: Scene, n: int) -> None:
    start = CorrectiveActionPlan.objects.count()
    for i in range(n):
        cap = open_cap(
            scene.owner, facility=scene.facility, on=date(2024, 1, 1) + timedelta(days=start + i)
        )
        root_cause_add(
            cap=cap, by=scene.supplier, method="fishbone", category="people", cause="Training."
        )
        extension_request(
            cap=cap,
            by=scene.supplier,
            due_date=timezone.localdate() + timedelta(days=30),
            reason="Rain.",
        )


def _grow(scene: Scene, resource: str, n: int) -> None:
    cap, supplier, owner = scene.cap, scene.supplier, scene.owner
    for _ in range(n):
        if resource == "root-causes":
            root_cause_add(cap=cap, by=supplier, method="fishbone", category="people", cause="x")
        elif resource == "actions":
            action_add(
                cap=cap,
                by=supplier,
                kind="corrective",
                description="Unlock the exits.",
                owner="Admin",
                due_date=date(2030, 1, 1),
            )
        elif resource == "evidence":
            evidence_add(cap=cap, by=supplier, file=pdf())
        elif resource == "comments":
            comment_add(cap=cap, by=owner, body="Noted.")
            comment_add(cap=cap, by=owner, body="Internal.", internal=True)
        elif resource == "extensions":
            extension = extension_request(
                cap=cap, by=supplier, due_date=date(2031, 1, 1), reason="Rain."
            )
            extension_decide(extension=extension, by=owner, approve=False, note="No.")
        elif resource == "participants":
            scene.on_cap(partner())
        elif resource == "events":
            comment_add(cap=cap, by=supplier, body="Update.")


@pytest.mark.parametrize(
    ("resource", "queries"),
    [
        ("", 3),
        ("root-causes/", 4),
        ("actions/", 4),
        ("evidence/", 4),
        ("comments/", 4),
        ("extensions/", 4),
        ("participants/", 4),
        ("events/", 4),
    ],
    ids=[
        "caps",
        "root-causes",
        "actions",
        "evidence",
        "comments",
        "extensions",
        "participants",
        "events",
    ],
)
def test_lists_cost_the_same_queries_for_2_rows_as_for_20(
    scene: Scene,
    django_assert_num_queries: Callable[[int], Any],
    resource: str,
    queries: int,
) -> None:
    for who in (scene.owner, scene.supplier):
        client = token_client(who)
        url = f"{API}/caps/" if not resource else cap_url(scene.cap, resource)
        for rows in (2, 20):
            have = len(results(client.get(url + "?page_size=500")))
            if resource == "":
                _grow_caps(scene, rows - have)
            else:
                _grow(scene, resource.rstrip("/"), max(rows - have, 0))

            with django_assert_num_queries(queries):
                response = client.get(url)

            assert response.json()["count"] >= rows


def test_the_partners_cap_list_costs_the_same_queries_too(
    scene: Scene, django_assert_num_queries: Callable[[int], Any]
) -> None:
    consultant = partner()
    client = token_client(consultant)
    for rows in (2, 20):
        for i in range(rows - CapParticipant.objects.count()):
            cap = open_cap(
                scene.owner, facility=scene.facility, on=date(2023, 1, 2) + timedelta(days=i)
            )
            participant_add(cap=cap, by=scene.owner, organization_slug=consultant.organization.slug)
        client.get(f"{API}/caps/")

        with django_assert_num_queries(3):
            response = client.get(f"{API}/caps/")

        assert response.json()["count"] == rows


# --- Consultant directory -----------------------------------------------------------------


@dataclass
class Directory:
    fire_safety: Membership  # a consultant in Bangladesh, speaks Bengali
    wages: Membership  # a consultant in Vietnam, speaks Vietnamese


@pytest.fixture
def directory() -> Directory:
    fire_safety = partner()
    consultant_profile_update(
        by=fire_safety,
        summary="Fire and building safety trainers.",
        specialties=["OSH", "FACIL"],
        countries=["BD"],
        languages=["Bengali", "English"],
    )
    wages = partner()
    consultant_profile_update(
        by=wages, specialties=["WAGE", "HOURS"], countries=["VN"], languages=["Vietnamese"]
    )
    return Directory(fire_safety=fire_safety, wages=wages)


def _consultant_ids(client: APIClient, query: str = "") -> set[str]:
    return ids(client.get(f"{API}/consultants/?{query}"))


def test_brands_browse_and_filter_the_directory(directory: Directory) -> None:
    brand = token_client(member("brand", "viewer"))
    fire = str(directory.fire_safety.organization_id)
    wages = str(directory.wages.organization_id)

    assert _consultant_ids(brand) == {fire, wages}
    assert _consultant_ids(brand, "specialty=OSH") == {fire}
    assert _consultant_ids(brand, "specialty=HOURS") == {wages}
    assert _consultant_ids(brand, "specialty=CHILD") == set()
    assert _consultant_ids(brand, "country=VN") == {wages}
    assert _consultant_ids(brand, "language=bengali") == {fire}
    name = directory.wages.organization.name
    assert _consultant_ids(brand, f"search={name.upper()}") == {wages}
    entry = brand.get(f"{API}/consultants/{fire}/").json()
    assert entry["specialty_labels"] == [
        "Dormitories, canteens, sanitation, childcare",
        "Workplace health and safety",
    ]
    assert entry["my_note"] is None


def test_a_partner_sees_and_edits_only_its_own_entry(directory: Directory) -> None:
    client = token_client(directory.fire_safety)
    own = f"{API}/consultants/{directory.fire_safety.organization_id}/"
    other = f"{API}/consultants/{directory.wages.organization_id}/"

    edited = client.patch(own, {"languages": ["Bengali"], "website": "https://example.org"})

    assert _consultant_ids(client) == {str(directory.fire_safety.organization_id)}
    assert edited.status_code == 200, edited.json()
    assert edited.json()["languages"] == ["Bengali"]
    api_error(client.get(other), 404)
    api_error(client.patch(other, {"summary": "Mine now"}), 404)
    api_error(token_client(member("brand", "admin")).patch(own, {"summary": "x"}), 403)
    assert "specialties" in api_error(client.patch(own, {"specialties": ["MAGIC"]}), 400)["fields"]


def test_a_partner_without_an_entry_starts_it_with_its_own_id() -> None:
    newcomer = partner("cso")
    own = f"{API}/consultants/{newcomer.organization_id}/"
    client = token_client(newcomer)
    api_error(client.get(own), 404)

    started = client.patch(own, {"summary": "Worker voice in Cambodia.", "countries": ["KH"]})

    assert started.status_code == 200, started.json()
    assert started.json()["countries"] == ["KH"]
    assert client.get(own).status_code == 200


def test_suppliers_do_not_see_the_directory(directory: Directory) -> None:
    client = session_client(member("supplier", "admin"))

    assert _consultant_ids(client) == set()
    api_error(client.get(f"{API}/consultants/{directory.wages.organization_id}/"), 404)


def test_a_brands_note_on_a_consultant_is_its_own(directory: Directory) -> None:
    brand_a = member("brand", "csr")
    brand_b = member("brand", "admin")
    note_url = f"{API}/consultants/{directory.wages.organization_id}/note/"
    entry_url = f"{API}/consultants/{directory.wages.organization_id}/"

    saved = token_client(brand_a).put(
        note_url, {"rating": 4, "vetted": True, "notes": "Strong on piece-rate wage audits."}
    )

    assert saved.status_code == 200, saved.json()
    assert token_client(brand_a).get(note_url).json()["notes"].startswith("Strong on")
    assert token_client(brand_a).get(entry_url).json()["my_note"]["rating"] == 4
    assert token_client(brand_b).get(note_url).json() == {
        "rating": None,
        "vetted": False,
        "notes": "",
        "updated_at": None,
    }
    assert token_client(brand_b).get(entry_url).json()["my_note"] is None
    for who in (directory.wages, directory.fire_safety):
        client = token_client(who)
        api_error(client.get(note_url), 404)
        assert "Strong on" not in client.get(f"{API}/consultants/").content.decode()
    viewer = member("brand", "viewer", organization=brand_a.organization)
    api_error(token_client(viewer).put(note_url, {"rating": 1}), 403)
    assert "rating" in api_error(token_client(brand_a).put(note_url, {"rating": 9}), 400)["fields"]


def test_the_directory_costs_the_same_queries_for_2_entries_as_for_20(
    django_assert_num_queries: Callable[[int], Any],
) -> None:
    brand = member("brand", "csr")
    client = token_client(brand)
    for rows in (2, 20):
        for _ in range(rows - len(_consultant_ids(client, "page_size=500"))):
            consultant = partner()
            profile = consultant_profile_update(by=consultant, specialties=["OSH"])
            consultant_note_save(by=brand, consultant=profile, rating=3)

        with django_assert_num_queries(4):
            response = client.get(f"{API}/consultants/")

        assert response.json()["count"] == rows
        assert all(row["my_note"]["rating"] == 3 for row in response.json()["results"])


def test_extension_requests_list_shows_history(scene: Scene) -> None:
    first = extension_request(
        cap=scene.cap, by=scene.supplier, due_date=date(2031, 1, 1), reason="Rain."
    )
    extension_decide(extension=first, by=scene.owner, approve=False, note="No.")
    second = extension_request(
        cap=scene.cap, by=scene.supplier, due_date=date(2031, 2, 1), reason="Floods."
    )

    rows = results(token_client(scene.owner).get(cap_url(scene.cap, "extensions/")))
    pending = ids(token_client(scene.owner).get(cap_url(scene.cap, "extensions/?status=pending")))

    assert [r["id"] for r in rows] == [str(second.pk), str(first.pk)]
    assert pending == {str(second.pk)}
    assert rows[1]["status"] == "declined"
    assert rows[1]["decision_note"] == "No."
    assert ExtensionRequest.objects.count() == 2
