"""The audits API as its users meet it: a brand's CSR staff record an audit, its
findings and measured values, finalize it and share it; another brand reads a shared
audit and cannot touch it; the supplier reads the final audits of its facilities.

Personas: brand A (admin, CSR, sourcing, viewer), brand B sourcing from the same
facility, the facility's supplier admin, and a partner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from audits.models import Audit, AuditShare, Finding, Observation
from audits.services.audits import audit_finalize
from audits.services.observations import observation_record
from audits.services.sharing import audit_share_consent, audit_share_offer
from csr_platform.models import Membership, Notification
from laws.models import LegalInstrument, Requirement
from laws.services import code_clause_create
from suppliers.models import Facility
from tests.audits.helpers import (
    add_finding,
    also_sourced_by,
    bd_overtime_rule,
    draft_audit,
    facility_of,
    final_audit,
    resolve_all,
    supplier_admin_of,
)
from tests.conftest import api_error, session_client, token_client
from tests.factories import member

pytestmark = pytest.mark.django_db

API = "/api/v1"
PDF = b"%PDF-1.4\n% audit report\n%%EOF\n"


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content[:500]
    rows: list[dict[str, Any]] = response.json()["results"]
    return rows


def ids(response: Any) -> set[str]:
    return {row["id"] for row in results(response)}


def colleague(of: Membership, role: str) -> Membership:
    return member(of.organization.kind, role, organization=of.organization)


@pytest.fixture
def admin() -> Membership:
    return member("brand", "admin")


@pytest.fixture
def facility(admin: Membership) -> Facility:
    return facility_of(admin)


@pytest.fixture
def client(admin: Membership) -> APIClient:
    return token_client(admin)


def audit_body(facility: Facility, **values: Any) -> dict[str, Any]:
    return {
        "facility": str(facility.pk),
        "audit_type": "periodic",
        "scheme": "smeta",
        "audit_firm": "Fair Audits Ltd",
        "start_date": "2025-03-10",
        "end_date": "2025-03-11",
        **values,
    }


def finding_body(audit: Audit, **values: Any) -> dict[str, Any]:
    return {
        "audit": str(audit.pk),
        "category": "HOURS",
        "severity": "major",
        "description": "Workers worked 72 hours in the peak week.",
        **values,
    }


# --- Recording, finalizing and amending an audit -----------------------------------------


def test_csr_records_a_draft_audit_and_reads_it_back(admin: Membership, facility: Facility) -> None:
    csr = token_client(colleague(admin, "csr"))

    response = csr.post(f"{API}/audits/", audit_body(facility, workers_interviewed=25))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["facility"] == {"id": str(facility.pk), "name": facility.name, "country": "BD"}
    assert body["brand"] == {"id": str(admin.organization_id), "name": admin.organization.name}
    assert (body["status"], body["scheme_label"], body["workers_interviewed"]) == (
        "draft",
        "SMETA",
        25,
    )
    assert (body["findings_count"], body["zero_tolerance_count"], body["repeat_count"]) == (0, 0, 0)
    assert (body["can_edit"], body["is_shared_with_me"], body["report_url"]) == (True, False, None)
    assert csr.get(f"{API}/audits/{body['id']}/").json() == body


def test_a_draft_is_edited_then_finalized_and_then_read_only(
    admin: Membership, facility: Facility, client: APIClient
) -> None:
    audit = draft_audit(admin, facility)
    add_finding(admin, audit, severity="critical")
    url = f"{API}/audits/{audit.pk}/"

    edited = client.patch(url, {"lead_auditor": "R. Das", "end_date": "2025-03-12"})
    assert edited.status_code == 200, edited.json()
    assert (edited.json()["lead_auditor"], edited.json()["end_date"]) == ("R. Das", "2025-03-12")
    assert client.get(f"{url}finalize/").json() == {
        "action": "finalize",
        "allowed": True,
        "status": None,
        "detail": "",
    }

    final = client.post(f"{url}finalize/")

    assert final.status_code == 200, final.json()
    assert (final.json()["status"], final.json()["can_edit"]) == ("final", False)
    # Critical: 30 days from the last day on site (the default severity policy).
    [finding] = results(client.get(f"{API}/findings/", {"audit": str(audit.pk)}))
    assert finding["due_date"] == "2025-04-11"
    refused = api_error(client.patch(url, {"lead_auditor": "Someone else"}), 409, "conflict")
    assert "amendment" in refused["detail"]
    api_error(
        client.put(url, {k: v for k, v in audit_body(facility).items() if k != "facility"}), 409
    )
    api_error(client.delete(url), 409)
    api_error(client.post(f"{url}finalize/"), 409)
    availability = client.get(f"{url}finalize/").json()
    assert (availability["allowed"], availability["status"]) == (False, 409)
    assert Audit.objects.get(pk=audit.pk).lead_auditor == "R. Das"


def test_put_replaces_a_draft_and_delete_removes_it(
    admin: Membership, facility: Facility, client: APIClient
) -> None:
    audit = draft_audit(admin, facility)
    add_finding(admin, audit)
    url = f"{API}/audits/{audit.pk}/"
    body = {k: v for k, v in audit_body(facility, scheme="amfori_bsci").items() if k != "facility"}

    replaced = client.put(url, body)

    assert replaced.status_code == 200, replaced.json()
    assert replaced.json()["scheme"] == "amfori_bsci"
    assert client.delete(url).status_code == 204
    assert not Audit.objects.filter(pk=audit.pk).exists()
    assert not Finding.objects.filter(audit_id=audit.pk).exists()


def test_a_final_audit_is_corrected_by_a_recorded_amendment(
    admin: Membership, facility: Facility, client: APIClient
) -> None:
    audit = final_audit(admin, facility)
    url = f"{API}/audits/{audit.pk}/amend/"
    assert client.get(url).json()["allowed"] is True

    response = client.post(
        url,
        {"reason": "Typo in the firm's name.", "changes": {"audit_firm": "Fair Audit Ltd"}},
    )

    assert response.status_code == 201, response.json()
    assert response.json()["changes"] == {
        "audit_firm": {"from": "Fair Audits Ltd", "to": "Fair Audit Ltd"}
    }
    assert response.json()["by"] == admin.user.email
    assert client.get(f"{API}/audits/{audit.pk}/").json()["audit_firm"] == "Fair Audit Ltd"
    no_reason = api_error(client.post(url, {"changes": {"audit_firm": "X"}}), 400)
    assert "reason" in no_reason["fields"]
    dates = api_error(
        client.post(url, {"reason": "r", "changes": {"start_date": "2025-03-09"}}), 400
    )
    assert "start_date" in dates["fields"]
    wrong_type = api_error(
        client.post(url, {"reason": "r", "changes": {"workers_interviewed": "many"}}), 400
    )
    assert "workers_interviewed" in wrong_type["fields"]["changes"]


def test_a_draft_is_not_amended(admin: Membership, facility: Facility, client: APIClient) -> None:
    audit = draft_audit(admin, facility)
    url = f"{API}/audits/{audit.pk}/amend/"

    assert client.get(url).json()["status"] == 409
    api_error(client.post(url, {"reason": "r", "changes": {"audit_firm": "X"}}), 409)


def test_the_report_is_attached_and_downloaded_through_the_checked_page(
    admin: Membership, facility: Facility, client: APIClient
) -> None:
    audit = draft_audit(admin, facility)
    url = f"{API}/audits/{audit.pk}/report/"
    assert client.get(url).json()["allowed"] is True

    response = client.post(
        url,
        {"file": SimpleUploadedFile("smeta.pdf", PDF, content_type="application/pdf")},
        format="multipart",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["report_url"] == f"http://testserver/audits/{audit.pk}/report/"
    assert response.json()["report_file_name"] == "smeta.pdf"
    not_a_report = client.post(
        url,
        {"file": SimpleUploadedFile("smeta.pdf", b"hello", content_type="application/pdf")},
        format="multipart",
    )
    assert "report_file" in api_error(not_a_report, 400)["fields"]


# --- Bad input: 400 with the field ---------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"start_date": "2025-03-10", "end_date": "2025-03-01"}, "end_date"),
        ({"audit_type": "surprise"}, "audit_type"),
        ({"scheme": "iso9001"}, "scheme"),
        ({"start_date": "tomorrow"}, "start_date"),
        ({"workers_interviewed": -3}, "workers_interviewed"),
    ],
)
def test_an_audit_with_bad_fields_is_400_naming_them(
    facility: Facility, client: APIClient, values: dict[str, Any], field: str
) -> None:
    body = api_error(client.post(f"{API}/audits/", audit_body(facility, **values)), 400, "invalid")

    assert field in body["fields"]
    assert not Audit.objects.exists()


def test_an_audit_that_has_not_happened_yet_is_refused(
    facility: Facility, client: APIClient
) -> None:
    later = (date.today() + timedelta(days=3)).isoformat()

    body = api_error(client.post(f"{API}/audits/", audit_body(facility, end_date=later)), 400)

    assert "end_date" in body["fields"]


def test_a_facility_the_brand_does_not_source_from_is_refused(client: APIClient) -> None:
    elsewhere = facility_of(member("brand", "admin"), name="Somebody Else's Mill")

    body = api_error(client.post(f"{API}/audits/", audit_body(elsewhere)), 400)

    assert "facility" in body["fields"]


@pytest.fixture
def draft(admin: Membership, facility: Facility) -> Audit:
    return draft_audit(admin, facility)


def test_a_finding_of_an_unknown_category_is_400(draft: Audit, client: APIClient) -> None:
    body = api_error(client.post(f"{API}/findings/", finding_body(draft, category="NOISE")), 400)

    assert "category" in body["fields"]


def test_a_requirement_of_another_country_is_400(draft: Audit, client: APIClient) -> None:
    instrument = LegalInstrument.objects.create(country="VN", title="Labour Code 2019", year=2019)
    vietnamese = Requirement.objects.create(
        country="VN",
        topic="overtime",
        instrument=instrument,
        summary="At most 40 h of overtime a month.",
        effective_from=date(2021, 1, 1),
    )

    body = api_error(
        client.post(f"{API}/findings/", finding_body(draft, requirement=str(vietnamese.pk))), 400
    )

    assert "country" in body["fields"]["requirement"][0]


def test_an_unknown_requirement_or_another_brands_clause_is_400(
    draft: Audit, client: APIClient
) -> None:
    others_clause = code_clause_create(
        by=member("brand", "admin"),
        reference="CoC 1",
        title="Hours",
        text="At most 60 hours.",
        category="HOURS",
    )

    unknown = client.post(
        f"{API}/findings/", finding_body(draft, requirement="00000000-0000-4000-8000-000000000000")
    )
    not_ours = client.post(
        f"{API}/findings/", finding_body(draft, code_clause=str(others_clause.pk))
    )

    assert "requirement" in api_error(unknown, 400)["fields"]
    assert "code_clause" in api_error(not_ours, 400)["fields"]
    assert not Finding.objects.exists()


def test_a_finding_on_an_audit_you_cannot_see_is_400_naming_the_audit(client: APIClient) -> None:
    stranger = member("brand", "admin")
    hidden = draft_audit(stranger, facility_of(stranger, name="Hidden Mill"))

    body = api_error(client.post(f"{API}/findings/", finding_body(hidden)), 400)

    assert "audit" in body["fields"]


# --- Findings --------------------------------------------------------------------------


def test_a_finding_keeps_the_law_version_in_force_on_the_audit_date(
    admin: Membership, draft: Audit, client: APIClient
) -> None:
    old = bd_overtime_rule()
    Requirement.objects.filter(pk=old.pk).update(effective_to=date(2025, 5, 31))
    new = bd_overtime_rule(effective_from=date(2025, 6, 1), limit=56)
    clause = code_clause_create(
        by=admin, reference="CoC 4.1", title="Working hours", text="…", category="HOURS"
    )

    response = client.post(
        f"{API}/findings/",
        finding_body(
            draft,
            requirement=str(new.pk),
            code_clause=str(clause.pk),
            scheme_reference="SMETA 6.1",
            workers_affected=40,
            extent="systemic",
        ),
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["requirement"] == {
        "id": str(old.pk),
        "country": "BD",
        "topic": "overtime",
        "reference": "Bangladesh Labour Act 2006 s.102",
        "summary": "At most 60 h a week.",
        "effective_from": "2006-10-11",
        "effective_to": "2025-05-31",
        "source_url": "https://example.org/bla",
    }
    assert body["code_clause"] == {
        "id": str(clause.pk),
        "reference": "CoC 4.1",
        "title": "Working hours",
    }
    assert (body["number"], body["label"], body["category_label"]) == (
        1,
        "F-1",
        "Working hours, overtime, rest days",
    )
    assert body["scheme_references"]["smeta"] == "6"
    assert body["audit"] == {
        "id": str(draft.pk),
        "start_date": "2025-03-10",
        "scheme": "smeta",
        "status": "draft",
    }
    assert body["facility"]["id"] == str(draft.facility_id)
    assert (body["source"], body["repeat_of"], body["due_date"]) == ("manual", None, None)


def test_findings_are_edited_on_a_draft_and_amended_once_final(
    admin: Membership, draft: Audit, client: APIClient
) -> None:
    finding = add_finding(admin, draft)
    url = f"{API}/findings/{finding.pk}/"

    edited = client.patch(url, {"severity": "critical", "workers_affected": 12})
    assert edited.status_code == 200, edited.json()
    assert (edited.json()["severity"], edited.json()["workers_affected"]) == ("critical", 12)
    assert client.get(f"{url}amend/").json()["status"] == 409

    audit_finalize(audit=draft, by=admin)
    api_error(client.patch(url, {"severity": "minor"}), 409)
    api_error(client.delete(url), 409)
    api_error(client.post(f"{API}/findings/", finding_body(draft)), 409)
    amended = client.post(
        f"{url}amend/", {"reason": "Graded too high.", "changes": {"severity": "major"}}
    )

    assert amended.status_code == 201, amended.json()
    after = client.get(url).json()
    # Major: 90 days from the last day on site instead of critical's 30.
    assert (after["severity"], after["due_date"]) == ("major", "2025-06-08")


def test_a_finding_of_a_draft_is_deleted(
    admin: Membership, draft: Audit, client: APIClient
) -> None:
    finding = add_finding(admin, draft)

    assert client.delete(f"{API}/findings/{finding.pk}/").status_code == 204
    assert not Finding.objects.filter(pk=finding.pk).exists()


def test_a_finding_flagged_by_a_law_change_is_marked_reviewed(
    admin: Membership, facility: Facility, client: APIClient
) -> None:
    finding = final_audit(admin, facility).findings.get()
    url = f"{API}/findings/{finding.pk}/law-reviewed/"
    assert client.get(url).json()["status"] == 409
    Finding.objects.filter(pk=finding.pk).update(
        law_review_needed=True, law_review_note="The law changed."
    )

    response = client.post(url, {"note": "The new cap does not change the plan."})

    assert response.status_code == 200, response.json()
    assert response.json()["law_review_needed"] is False
    api_error(client.post(url, {}), 409)


def test_a_zero_tolerance_finding_alerts_the_brands_csr_staff_in_app_and_by_email(
    admin: Membership,
    draft: Audit,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    csr = colleague(admin, "csr")
    viewer = colleague(admin, "viewer")

    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(csr).post(
            f"{API}/findings/",
            finding_body(draft, category="CHILD", severity="zero_tolerance"),
        )

    assert response.status_code == 201, response.json()
    alerted = Notification.objects.filter(kind=Notification.Kind.ZERO_TOLERANCE)
    assert {n.membership_id for n in alerted} == {admin.pk, csr.pk}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([admin.user.email, csr.user.email])
    assert viewer.user.email not in {m.to[0] for m in mailoutbox}
    [listed] = results(token_client(csr).get(f"{API}/notifications/", {"unread": "true"}))
    assert listed["kind"] == "zero_tolerance"
    assert draft.facility.name in listed["title"]


# --- Observations ----------------------------------------------------------------------


def test_a_measured_value_over_the_legal_limit_suggests_a_finding_that_is_accepted(
    draft: Audit, client: APIClient
) -> None:
    rule = bd_overtime_rule()

    recorded = client.post(
        f"{API}/observations/",
        {"audit": str(draft.pk), "metric": "weekly_hours_total", "value": "72"},
    )

    assert recorded.status_code == 201, recorded.json()
    observation = recorded.json()
    assert (observation["suggestion"], observation["suggested_category"]) == ("pending", "HOURS")
    assert observation["requirement"]["id"] == str(rule.pk)
    assert observation["explanation"]
    url = f"{API}/observations/{observation['id']}/"
    assert client.get(f"{url}accept/").json()["allowed"] is True

    accepted = client.post(f"{url}accept/", {"severity": "critical", "workers_affected": 30})

    assert accepted.status_code == 201, accepted.json()
    finding = accepted.json()
    assert (finding["category"], finding["severity"], finding["source"]) == (
        "HOURS",
        "critical",
        "law_check",
    )
    assert finding["requirement"]["id"] == str(rule.pk)
    after = client.get(url).json()
    assert (after["suggestion"], after["finding"]) == ("accepted", finding["id"])
    api_error(client.post(f"{url}accept/"), 409)
    assert client.get(f"{url}dismiss/").json()["status"] == 409


def test_a_suggestion_is_dismissed_with_a_reason_and_a_value_recorded_again(
    draft: Audit, client: APIClient
) -> None:
    bd_overtime_rule()
    body = {"audit": str(draft.pk), "metric": "weekly_hours_total", "value": "72"}
    observation_id = client.post(f"{API}/observations/", body).json()["id"]
    url = f"{API}/observations/{observation_id}/dismiss/"

    assert "reason" in api_error(client.post(url, {}), 400)["fields"]
    dismissed = client.post(url, {"reason": "One worker, an agreed emergency week."})

    assert dismissed.status_code == 200, dismissed.json()
    assert dismissed.json()["suggestion"] == "dismissed"
    again = client.post(f"{API}/observations/", {**body, "value": "58"})
    assert again.status_code == 200, again.json()
    assert (again.json()["id"], again.json()["suggestion"]) == (observation_id, "none")


def test_observations_are_checked_and_deleted_on_drafts_only(
    admin: Membership, draft: Audit, client: APIClient
) -> None:
    unknown = client.post(
        f"{API}/observations/", {"audit": str(draft.pk), "metric": "noise_db", "value": "90"}
    )
    assert "metric" in api_error(unknown, 400)["fields"]
    observation = observation_record(audit=draft, by=admin, metric="daily_hours", value="13")

    assert client.delete(f"{API}/observations/{observation.pk}/").status_code == 204
    audit_finalize(audit=draft, by=admin)
    api_error(
        client.post(
            f"{API}/observations/", {"audit": str(draft.pk), "metric": "daily_hours", "value": "9"}
        ),
        409,
    )


# --- Roles -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "sourcing"])
def test_viewers_and_sourcing_read_audits_but_do_not_write(
    admin: Membership, facility: Facility, role: str
) -> None:
    draft = draft_audit(admin, facility)
    finding = add_finding(admin, draft)
    reader = token_client(colleague(admin, role))

    assert ids(reader.get(f"{API}/audits/")) == {str(draft.pk)}
    assert reader.get(f"{API}/findings/{finding.pk}/").status_code == 200
    assert reader.get(f"{API}/audits/{draft.pk}/").json()["can_edit"] is False
    availability = reader.get(f"{API}/audits/{draft.pk}/finalize/").json()
    assert (availability["allowed"], availability["status"]) == (False, 403)
    for response in (
        reader.post(f"{API}/audits/", audit_body(facility)),
        reader.patch(f"{API}/audits/{draft.pk}/", {"summary": "x"}),
        reader.delete(f"{API}/audits/{draft.pk}/"),
        reader.post(f"{API}/audits/{draft.pk}/finalize/"),
        reader.post(f"{API}/findings/", finding_body(draft)),
        reader.patch(f"{API}/findings/{finding.pk}/", {"severity": "minor"}),
        reader.post(
            f"{API}/observations/", {"audit": str(draft.pk), "metric": "daily_hours", "value": "9"}
        ),
    ):
        api_error(response, 403)
    assert Audit.objects.get(pk=draft.pk).status == "draft"
    assert Finding.objects.get(pk=finding.pk).severity == "major"


def test_the_supplier_sees_the_final_audits_of_its_facilities_only(
    admin: Membership, facility: Facility
) -> None:
    final = final_audit(admin, facility, on=date(2024, 5, 2))
    draft = draft_audit(admin, facility)
    draft_finding = add_finding(admin, draft)
    supplier = session_client(supplier_admin_of(facility))

    assert ids(supplier.get(f"{API}/audits/")) == {str(final.pk)}
    assert supplier.get(f"{API}/audits/{final.pk}/").json()["can_edit"] is False
    api_error(supplier.get(f"{API}/audits/{draft.pk}/"), 404)
    api_error(supplier.get(f"{API}/findings/{draft_finding.pk}/"), 404)
    assert ids(supplier.get(f"{API}/findings/")) == {str(final.findings.get().pk)}
    api_error(supplier.patch(f"{API}/audits/{final.pk}/", {"summary": "x"}), 403)
    api_error(supplier.post(f"{API}/audits/{final.pk}/amend/", {"reason": "r"}), 403)


def test_a_partner_sees_no_audits(admin: Membership, facility: Facility) -> None:
    final = final_audit(admin, facility)
    partner = token_client(member("partner", "member"))

    assert results(partner.get(f"{API}/audits/")) == []
    assert results(partner.get(f"{API}/findings/")) == []
    api_error(partner.get(f"{API}/audits/{final.pk}/"), 404)
    api_error(partner.get(f"{API}/findings/{final.findings.get().pk}/"), 404)


# --- Sharing: every state of a share, as brand B meets it -------------------------------


@dataclass
class Sharing:
    owner: Membership
    audit: Audit
    finding: Finding
    observation: Observation
    other: Membership
    supplier: Membership
    share: AuditShare


@pytest.fixture
def sharing(admin: Membership, facility: Facility) -> Sharing:
    """A's final audit with a finding and a measured value, offered to brand B (which
    sources from the same facility): pending, awaiting the supplier's consent."""
    bd_overtime_rule()
    audit = draft_audit(admin, facility)
    finding = add_finding(admin, audit)
    observation = observation_record(audit=audit, by=admin, metric="weekly_hours_total", value="72")
    audit = audit_finalize(audit=audit, by=admin)
    other = member("brand", "admin")
    also_sourced_by(other, facility)
    share = audit_share_offer(audit=audit, by=admin, brand_slug=other.organization.slug)
    return Sharing(
        owner=admin,
        audit=audit,
        finding=finding,
        observation=observation,
        other=other,
        supplier=supplier_admin_of(facility),
        share=share,
    )


def assert_invisible(client: APIClient, sharing: Sharing) -> None:
    for url in (
        f"{API}/audits/{sharing.audit.pk}/",
        f"{API}/findings/{sharing.finding.pk}/",
        f"{API}/observations/{sharing.observation.pk}/",
        f"{API}/audits/{sharing.audit.pk}/finalize/",
        f"{API}/findings/{sharing.finding.pk}/amend/",
    ):
        api_error(client.get(url), 404)
    for resource in ("audits", "findings", "observations", "audit-shares"):
        assert results(client.get(f"{API}/{resource}/")) == [], resource


def test_a_pending_share_is_invisible_to_the_other_brand(sharing: Sharing) -> None:
    assert_invisible(token_client(sharing.other), sharing)


def test_an_active_share_is_readable_by_the_other_brand(sharing: Sharing) -> None:
    audit_share_consent(share=sharing.share, by=sharing.supplier)
    reader = token_client(sharing.other)

    audit = reader.get(f"{API}/audits/{sharing.audit.pk}/").json()

    assert (audit["is_shared_with_me"], audit["can_edit"], audit["findings_count"]) == (
        True,
        False,
        1,
    )
    assert ids(reader.get(f"{API}/audits/")) == {str(sharing.audit.pk)}
    assert ids(reader.get(f"{API}/findings/")) == {str(sharing.finding.pk)}
    assert ids(reader.get(f"{API}/observations/")) == {str(sharing.observation.pk)}
    assert ids(reader.get(f"{API}/audit-shares/")) == {str(sharing.share.pk)}
    assert reader.get(f"{API}/findings/{sharing.finding.pk}/").status_code == 200
    assert reader.get(f"{API}/observations/{sharing.observation.pk}/").status_code == 200
    availability = reader.get(f"{API}/audits/{sharing.audit.pk}/amend/").json()
    assert (availability["allowed"], availability["status"]) == (False, 403)


def test_every_write_by_the_brand_an_audit_is_shared_with_answers_403(sharing: Sharing) -> None:
    audit_share_consent(share=sharing.share, by=sharing.supplier)
    reader = token_client(sharing.other)
    audit_url = f"{API}/audits/{sharing.audit.pk}/"
    finding_url = f"{API}/findings/{sharing.finding.pk}/"
    observation_url = f"{API}/observations/{sharing.observation.pk}/"
    third = member("brand", "admin")
    also_sourced_by(third, sharing.audit.facility)
    pdf = SimpleUploadedFile("theirs.pdf", PDF, content_type="application/pdf")
    fields = {k: v for k, v in audit_body(sharing.audit.facility).items() if k != "facility"}

    for response in (
        reader.patch(audit_url, {"summary": "Ours now"}),
        reader.put(audit_url, fields),
        reader.delete(audit_url),
        reader.post(f"{audit_url}finalize/"),
        reader.post(f"{audit_url}amend/", {"reason": "r", "changes": {"summary": "x"}}),
        reader.post(f"{audit_url}share/", {"brand": third.organization.slug}),
        reader.post(f"{audit_url}report/", {"file": pdf}, format="multipart"),
        reader.post(f"{API}/findings/", finding_body(sharing.audit)),
        reader.patch(finding_url, {"description": "Changed"}),
        reader.delete(finding_url),
        reader.post(f"{finding_url}amend/", {"reason": "r", "changes": {"severity": "minor"}}),
        reader.post(f"{finding_url}law-reviewed/", {}),
        reader.post(
            f"{API}/observations/",
            {"audit": str(sharing.audit.pk), "metric": "daily_hours", "value": "14"},
        ),
        reader.post(f"{observation_url}accept/"),
        reader.post(f"{observation_url}dismiss/", {"reason": "r"}),
        reader.delete(observation_url),
        reader.post(f"{API}/audit-shares/{sharing.share.pk}/revoke/", {"reason": "r"}),
    ):
        api_error(response, 403)
    audit = Audit.objects.get(pk=sharing.audit.pk)
    assert (audit.summary, audit.amendments.count(), audit.findings.count()) == ("", 0, 1)
    assert AuditShare.objects.filter(audit=audit).count() == 1


def test_a_revoked_share_hides_the_audit_again(sharing: Sharing) -> None:
    audit_share_consent(share=sharing.share, by=sharing.supplier)
    owner = token_client(sharing.owner)
    url = f"{API}/audit-shares/{sharing.share.pk}/revoke/"
    assert owner.get(url).json()["allowed"] is True

    revoked = owner.post(url, {"reason": "Our contract with the auditor ended."})

    assert revoked.status_code == 200, revoked.json()
    assert revoked.json()["status"] == "revoked"
    assert_invisible(token_client(sharing.other), sharing)
    api_error(owner.post(url, {}), 409)


def test_a_declined_share_is_invisible(sharing: Sharing) -> None:
    supplier = session_client(sharing.supplier)

    declined = supplier.post(
        f"{API}/audit-shares/{sharing.share.pk}/decline/", {"reason": "Ask us first."}
    )

    assert declined.status_code == 200, declined.json()
    assert declined.json()["status"] == "declined"
    assert_invisible(token_client(sharing.other), sharing)


def test_the_supplier_consents_and_only_the_supplier_admin_may(sharing: Sharing) -> None:
    url = f"{API}/audit-shares/{sharing.share.pk}/consent/"
    owner = token_client(sharing.owner)
    member_of_supplier = token_client(colleague(sharing.supplier, "member"))
    supplier = token_client(sharing.supplier)
    assert (owner.get(url).json()["status"], supplier.get(url).json()["allowed"]) == (403, True)

    api_error(owner.post(url), 403)
    api_error(member_of_supplier.post(url), 403)
    consented = supplier.post(url)

    assert consented.status_code == 200, consented.json()
    body = consented.json()
    assert (body["status"], body["brand"]["id"]) == ("active", str(sharing.other.organization_id))
    assert body["audit"]["brand"]["id"] == str(sharing.owner.organization_id)
    api_error(supplier.post(url), 409)


def test_the_owner_offers_a_final_audit_to_a_brand_by_its_slug(
    admin: Membership, facility: Facility, client: APIClient
) -> None:
    audit = final_audit(admin, facility)
    draft = draft_audit(admin, facility, on=date(2025, 6, 2))
    other = member("brand", "admin")
    also_sourced_by(other, facility)
    stranger = member("brand", "admin")
    url = f"{API}/audits/{audit.pk}/share/"
    assert client.get(url).json()["allowed"] is True
    assert client.get(f"{API}/audits/{draft.pk}/share/").json()["status"] == 409

    offered = client.post(url, {"brand": other.organization.slug, "message": "Saves a visit."})

    assert offered.status_code == 201, offered.json()
    assert (offered.json()["status"], offered.json()["message"]) == ("pending", "Saves a visit.")
    api_error(client.post(url, {"brand": other.organization.slug}), 409)
    assert (
        "brand" in api_error(client.post(url, {"brand": stranger.organization.slug}), 400)["fields"]
    )
    api_error(
        client.post(f"{API}/audits/{draft.pk}/share/", {"brand": other.organization.slug}), 409
    )


# --- Filters ---------------------------------------------------------------------------


def test_audit_filters(admin: Membership, facility: Facility, client: APIClient) -> None:
    vietnam = facility_of(admin, name="Saigon Shoes", country="VN")
    bd_smeta = final_audit(admin, facility, on=date(2024, 5, 2), severity="zero_tolerance")
    vn_amfori = draft_audit(
        admin, vietnam, on=date(2025, 2, 3), scheme="amfori_bsci", audit_type="initial"
    )
    add_finding(admin, vn_amfori, severity="minor")

    def found(**params: Any) -> set[str]:
        return ids(client.get(f"{API}/audits/", params))

    bd, vn = str(bd_smeta.pk), str(vn_amfori.pk)
    assert found() == {bd, vn}
    assert found(facility=vietnam.pk) == {vn}
    assert found(country="BD") == {bd}
    assert found(scheme="amfori_bsci") == {vn}
    assert found(audit_type="periodic") == {bd}
    assert found(status="final") == {bd}
    assert found(has_zero_tolerance="true") == {bd}
    assert found(has_zero_tolerance="false") == {vn}
    assert found(start_date_after="2025-01-01") == {vn}
    assert found(start_date_before="2024-12-31") == {bd}
    assert found(start_date_after="2024-05-02", start_date_before="2024-05-02") == {bd}
    assert found(brand=admin.organization_id) == {bd, vn}
    assert found(brand=member("brand", "admin").organization_id) == set()
    counts = client.get(f"{API}/audits/{bd}/").json()
    assert (counts["findings_count"], counts["zero_tolerance_count"]) == (1, 1)
    assert "scheme" in api_error(client.get(f"{API}/audits/", {"scheme": "iso"}), 400)["fields"]


@pytest.fixture
def history(admin: Membership, facility: Facility) -> dict[str, Finding]:
    """Three years at one facility: a fixed overtime problem that came back, plus an
    unrelated wage finding; and a Vietnamese facility with a child-labour finding."""
    rule = bd_overtime_rule()
    first = draft_audit(admin, facility, on=date(2023, 4, 3))
    fixed = add_finding(admin, first, requirement=rule)
    audit_finalize(audit=first, by=admin)
    resolve_all(first)
    second = draft_audit(admin, facility, on=date(2025, 3, 10))
    repeat = add_finding(admin, second, requirement=rule, severity="critical")
    wage = add_finding(admin, second, category="WAGE", severity="minor")
    audit_finalize(audit=second, by=admin)
    vietnam = draft_audit(admin, facility_of(admin, name="Saigon Shoes", country="VN"))
    child = add_finding(admin, vietnam, category="CHILD", severity="zero_tolerance")
    Finding.objects.filter(pk=wage.pk).update(law_review_needed=True)
    return {"fixed": fixed, "repeat": repeat, "wage": wage, "child": child}


def test_finding_filters(admin: Membership, client: APIClient, history: dict[str, Finding]) -> None:
    def found(**params: Any) -> set[str]:
        return {
            name
            for name, finding in history.items()
            if str(finding.pk) in ids(client.get(f"{API}/findings/", params))
        }

    assert found() == {"fixed", "repeat", "wage", "child"}
    assert found(repeat="true") == {"repeat"}
    assert found(repeat="false") == {"fixed", "wage", "child"}
    assert found(country="VN") == {"child"}
    assert found(severity="critical") == {"repeat"}
    assert found(category="WAGE") == {"wage"}
    assert found(status="resolved") == {"fixed"}
    assert found(audited_before="2024-12-31") == {"fixed"}
    assert found(audited_after="2025-01-01", audited_before="2025-03-10") == {
        "repeat",
        "wage",
        "child",
    }
    assert found(audit=history["repeat"].audit_id) == {"repeat", "wage"}
    assert found(facility=history["child"].audit.facility_id) == {"child"}
    assert found(requirement=history["fixed"].requirement_id) == {"fixed", "repeat"}
    assert found(law_review="true") == {"wage"}
    assert found(brand=admin.organization_id) == {"fixed", "repeat", "wage", "child"}
    repeat = client.get(f"{API}/findings/{history['repeat'].pk}/").json()
    assert repeat["repeat_of"] == str(history["fixed"].pk)
    fixed = client.get(f"{API}/findings/{history['fixed'].pk}/").json()
    assert fixed["not_sustained_at"] is not None
    assert client.get(f"{API}/audits/{history['repeat'].audit_id}/").json()["repeat_count"] == 1


def test_observation_and_share_filters(sharing: Sharing) -> None:
    owner = token_client(sharing.owner)
    second = draft_audit(sharing.owner, sharing.audit.facility, on=date(2025, 6, 2))
    daily = observation_record(audit=second, by=sharing.owner, metric="daily_hours", value="9")

    def observations(**params: Any) -> set[str]:
        return ids(owner.get(f"{API}/observations/", params))

    assert observations(audit=second.pk) == {str(daily.pk)}
    assert observations(suggestion="pending") == {str(sharing.observation.pk)}
    assert observations(metric="daily_hours") == {str(daily.pk)}

    def shares(**params: Any) -> set[str]:
        return ids(owner.get(f"{API}/audit-shares/", params))

    assert shares(status="pending") == {str(sharing.share.pk)}
    assert shares(status="active") == set()
    assert shares(audit=sharing.audit.pk, brand=sharing.other.organization_id) == {
        str(sharing.share.pk)
    }
    assert shares(audit=second.pk) == set()


# --- Severity policy -------------------------------------------------------------------


def test_the_admin_sets_the_severity_policy_and_finalizing_uses_it(
    admin: Membership, facility: Facility, client: APIClient
) -> None:
    url = f"{API}/severity-policy/"
    assert client.get(url).json() == {
        "zero_tolerance_days": 7,
        "critical_days": 30,
        "major_days": 90,
        "minor_days": 180,
        "escalation_grace_days": 14,
        "updated_at": None,
    }

    changed = client.patch(url, {"major_days": 60})
    assert changed.status_code == 200, changed.json()
    full = {
        "zero_tolerance_days": 5,
        "critical_days": 20,
        "major_days": 45,
        "minor_days": 120,
        "escalation_grace_days": 10,
    }
    replaced = client.put(url, full)

    assert replaced.status_code == 200, replaced.json()
    assert {k: replaced.json()[k] for k in full} == full
    api_error(client.put(url, {"major_days": 50}), 400)
    api_error(client.patch(url, {"minor_days": 10}), 400)
    api_error(client.patch(url, {"critical_days": 0}), 400)
    audit = final_audit(admin, facility, severity="major")
    assert audit.findings.get().due_date == audit.end_date + timedelta(days=45)


def test_the_severity_policy_is_read_by_brand_members_and_absent_for_others(
    admin: Membership,
) -> None:
    url = f"{API}/severity-policy/"
    csr = token_client(colleague(admin, "csr"))
    supplier = token_client(member("supplier", "admin"))
    partner = token_client(member("partner", "member"))

    assert csr.get(url).status_code == 200
    api_error(csr.patch(url, {"major_days": 60}), 403)
    for outsider in (supplier, partner):
        api_error(outsider.get(url), 404)
        api_error(outsider.patch(url, {"major_days": 60}), 404)
    api_error(APIClient().get(url), 401)


# --- Query counts ----------------------------------------------------------------------


def _grow_audits(admin: Membership, facility: Facility, n: int) -> None:
    for i in range(n):
        audit = draft_audit(admin, facility, on=date(2024, 1, 1) + timedelta(days=i))
        add_finding(admin, audit, severity="zero_tolerance")
        add_finding(admin, audit, severity="minor")


def _grow_findings(admin: Membership, facility: Facility, n: int) -> None:
    rule = Requirement.objects.first() or bd_overtime_rule()
    clause = code_clause_create(
        by=admin, reference=f"CoC {n}", title="Hours", text="…", category="HOURS"
    )
    audit = draft_audit(admin, facility)
    for _ in range(n):
        add_finding(admin, audit, requirement=rule, code_clause=clause)


def _grow_observations(admin: Membership, facility: Facility, n: int) -> None:
    if not Requirement.objects.exists():
        bd_overtime_rule()
    for i in range(n):
        audit = draft_audit(admin, facility, on=date(2024, 1, 1) + timedelta(days=i))
        observation_record(audit=audit, by=admin, metric="weekly_hours_total", value="72")


def _grow_shares(admin: Membership, facility: Facility, n: int) -> None:
    for i in range(n):
        other = member("brand", "admin")
        also_sourced_by(other, facility)
        audit = final_audit(admin, facility, on=date(2024, 1, 1) + timedelta(days=i), findings=0)
        audit_share_offer(audit=audit, by=admin, brand_slug=other.organization.slug)


@pytest.mark.parametrize(
    ("resource", "grow", "queries"),
    [
        ("audits", _grow_audits, 3),
        ("findings", _grow_findings, 3),
        ("observations", _grow_observations, 3),
        ("audit-shares", _grow_shares, 3),
    ],
)
def test_lists_cost_the_same_queries_for_2_rows_as_for_20(
    admin: Membership,
    facility: Facility,
    client: APIClient,
    django_assert_num_queries: Callable[[int], Any],
    resource: str,
    grow: Callable[[Membership, Facility, int], None],
    queries: int,
) -> None:
    url = f"{API}/{resource}/"
    for rows in (2, 20):
        grow(admin, facility, rows - len(results(client.get(url))))

        with django_assert_num_queries(queries):
            response = client.get(url)

        assert response.json()["count"] == rows


def test_the_supplier_and_shared_brand_lists_cost_the_same_queries_too(
    sharing: Sharing, django_assert_num_queries: Callable[[int], Any]
) -> None:
    audit_share_consent(share=sharing.share, by=sharing.supplier)
    clients = {
        "supplier": token_client(sharing.supplier),
        "other brand": token_client(sharing.other),
    }

    def grow(n: int) -> None:
        for i in range(n):
            on = date(2023, 1, 2) + timedelta(days=i)
            audit = final_audit(sharing.owner, sharing.audit.facility, on=on)
            share = audit_share_offer(
                audit=audit, by=sharing.owner, brand_slug=sharing.other.organization.slug
            )
            audit_share_consent(share=share, by=sharing.supplier)

    for rows in (1, 20):
        grow(rows - Audit.objects.count())
        for who, client in clients.items():
            for resource in ("audits", "findings"):
                client.get(f"{API}/{resource}/")  # the key's first use is recorded once
                with django_assert_num_queries(3):
                    response = client.get(f"{API}/{resource}/")
                assert response.json()["count"] == rows, (who, resource)
