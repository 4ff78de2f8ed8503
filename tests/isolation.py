"""Builders for the isolation harness: one per API resource (router basename).

Each builder makes an object owned by the tenant of ``owner`` (a brand admin) and
returns the URL kwargs that address it. A new API resource without a builder makes
the harness fail, so no route escapes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.files.base import ContentFile

from audits.models import Audit, Observation
from audits.services.observations import observation_record
from audits.services.sharing import audit_share_offer
from csr_platform.models import Membership, Notification, SecurityEvent
from csr_platform.services.invitations import invitation_create
from csr_platform.services.notifications import notify
from csr_platform.services.security import security_event_record
from csr_platform.services.tokens import api_token_issue
from laws.models import LegalInstrument, Requirement
from laws.services import code_clause_create
from remediation.models import CapEvent
from remediation.services.participants import participant_add
from remediation.services.work import comment_add, evidence_add, extension_request
from reports.models import ReportRequest
from reports.services.branding import report_branding_update
from suppliers.models import ExitPlan, Question, SourcingRelationship
from suppliers.services.exits import exit_plan_start
from suppliers.services.facilities import certification_add, facility_add
from suppliers.services.questionnaires import questionnaire_create
from suppliers.services.screenings import screening_send
from suppliers.services.screenings_evidence import screening_evidence_add
from tests.audits.helpers import (
    also_sourced_by,
    bd_overtime_rule,
    draft_audit,
    facility_of,
    final_audit,
)
from tests.factories import member
from tests.remediation.helpers import PDF, open_cap, pdf, plan, supplier_admin_of
from tests.reports.helpers import PNG

Builder = Callable[[Membership], dict[str, Any]]


def _membership(owner: Membership) -> dict[str, Any]:
    colleague = member(role="csr", organization=owner.organization)
    return {"pk": colleague.pk}


def _invitation(owner: Membership) -> dict[str, Any]:
    invitation, _secret = invitation_create(by=owner, email="new.person@example.com", role="csr")
    return {"pk": invitation.pk}


def _api_token(owner: Membership) -> dict[str, Any]:
    token, _key = api_token_issue(membership=owner, name="BI export", by=owner)
    return {"pk": token.pk}


def _security_event(owner: Membership) -> dict[str, Any]:
    event = security_event_record(
        kind=SecurityEvent.Kind.ROLE_CHANGED,
        organization=owner.organization,
        actor=owner.user,
        subject=owner.user,
    )
    return {"pk": event.pk}


def _code_clause(owner: Membership) -> dict[str, Any]:
    clause = code_clause_create(
        by=owner,
        reference="CoC 4.1",
        title="Working hours",
        text="At most 60 hours a week.",
        category="HOURS",
        topic="overtime",
        parameters={"max_total_hours_per_week": 60},
    )
    return {"pk": clause.pk}


def _prospect(owner: Membership) -> SourcingRelationship:
    # Through the service, as a brand adds it: only the owner's brand sources from it.
    return facility_add(
        by=owner,
        name="Isolation Knitwear Ltd",
        country="BD",
        supplier_name="Isolation Knitwear Group",
    )


def _facility(owner: Membership) -> dict[str, Any]:
    facility = _prospect(owner).facility
    certification = certification_add(facility=facility, by=owner, name="SA8000")
    return {"pk": facility.pk, "certification_id": certification.pk}


def _facility_status_count(owner: Membership) -> dict[str, Any]:
    _prospect(owner)
    return {"pk": SourcingRelationship.Status.PROSPECTIVE}


def _exiting(owner: Membership) -> ExitPlan:
    """An approved relationship with a proposed exit plan of one step."""
    relationship = _prospect(owner)
    SourcingRelationship.objects.filter(pk=relationship.pk).update(
        status=SourcingRelationship.Status.APPROVED
    )
    relationship.refresh_from_db()
    return exit_plan_start(
        relationship=relationship,
        by=owner,
        reason="Repeated unpaid overtime.",
        steps=[{"description": "Tell the workers' committee"}],
    )


def _relationship(owner: Membership) -> dict[str, Any]:
    return {"pk": _exiting(owner).relationship_id}


def _exit_plan(owner: Membership) -> dict[str, Any]:
    plan = _exiting(owner)
    return {"pk": plan.pk, "step_id": plan.steps.get().pk}


def _questionnaire(owner: Membership) -> dict[str, Any]:
    return {"pk": questionnaire_create(by=owner, document={"from_template": True}).pk}


def _screening(owner: Membership) -> dict[str, Any]:
    relationship = _prospect(owner)
    screening = screening_send(relationship=relationship, by=owner)
    supplier_admin = member("supplier", "admin", organization=relationship.facility.supplier)
    question = Question.objects.filter(
        section__questionnaire=screening.questionnaire, evidence_allowed=True
    ).first()
    assert question is not None
    evidence = screening_evidence_add(
        screening=screening,
        by=supplier_admin,
        question=question,
        file=ContentFile(b"%PDF-1.4\n% age records\n%%EOF\n", name="age-records.pdf"),
    )
    return {"pk": screening.pk, "evidence_id": evidence.pk}


def _final_audit(owner: Membership) -> Audit:
    """A final audit with one finding, so every audit and finding route resolves."""
    return final_audit(owner, facility_of(owner, name="Isolation Garments Ltd"))


def _audit(owner: Membership) -> dict[str, Any]:
    return {"pk": _final_audit(owner).pk}


def _finding(owner: Membership) -> dict[str, Any]:
    return {"pk": _final_audit(owner).findings.get().pk}


def _observation(owner: Membership) -> dict[str, Any]:
    # A breach of the law on a draft audit: a suggested finding waiting for a decision.
    bd_overtime_rule()
    audit = draft_audit(owner, facility_of(owner, name="Isolation Sweaters Ltd"))
    observation = observation_record(audit=audit, by=owner, metric="weekly_hours_total", value="72")
    assert observation.suggestion == Observation.Suggestion.PENDING
    return {"pk": observation.pk}


def _audit_share(owner: Membership) -> dict[str, Any]:
    """An offer to another brand sourcing from the facility, awaiting consent."""
    audit = _final_audit(owner)
    other_brand = member("brand", "admin")
    also_sourced_by(other_brand, audit.facility)
    share = audit_share_offer(
        audit=audit, by=owner, brand_slug=other_brand.organization.slug, message="Saves a visit."
    )
    return {"pk": share.pk}


def _notification(owner: Membership) -> dict[str, Any]:
    [notification] = notify(
        memberships=[owner],
        kind=Notification.Kind.ZERO_TOLERANCE,
        title="Zero-tolerance finding at Isolation Garments Ltd",
        email=False,
    )
    return {"pk": notification.pk}


def _scorecard(owner: Membership) -> dict[str, Any]:
    """A facility the owner's brand sources from, audited once: its scorecard is
    addressed by the facility's id."""
    audit = _final_audit(owner)
    return {"pk": audit.facility_id}


def _report_request(owner: Membership) -> dict[str, Any]:
    """A finished programme report of the owner's brand, so its download resolves."""
    report = ReportRequest(
        organization=owner.organization,
        requested_by=owner,
        kind=ReportRequest.Kind.PROGRAM_SUMMARY,
        language="en",
        status=ReportRequest.Status.DONE,
        progress=100,
    )
    report.file.save("summary.pdf", ContentFile(PDF), save=False)
    report.save()
    return {"pk": report.pk}


def _report_branding(owner: Membership) -> dict[str, Any]:
    """The owner brand's report colour and logo, so the logo route resolves."""
    report_branding_update(by=owner, colour="#aa3300", logo=ContentFile(PNG, name="logo.png"))
    return {"pk": owner.organization_id}


def _cap_with_one_of_each(owner: Membership) -> dict[str, Any]:
    """A CAP of the owner's brand with one row in each of its lists, worked on by the
    facility's supplier and with a consultant on it, so every nested route resolves."""
    cap = open_cap(owner, facility=facility_of(owner, name="Isolation Denim Ltd"))
    supplier = supplier_admin_of(cap.facility)
    root_cause, action = plan(cap, supplier)
    evidence = evidence_add(cap=cap, by=supplier, file=pdf(), action=action)
    extension = extension_request(
        cap=cap, by=supplier, due_date=date(2031, 6, 30), reason="The new exit doors ship late."
    )
    comment = comment_add(cap=cap, by=owner, body="Please add the shift rota.")
    consultant = member("partner", "member")
    participant = participant_add(cap=cap, by=owner, organization_slug=consultant.organization.slug)
    opened = CapEvent.objects.filter(cap=cap, action="opened").get()
    return {
        "cap_pk": cap.pk,
        "rootcause": root_cause.pk,
        "capaction": action.pk,
        "evidence": evidence.pk,
        "extensionrequest": extension.pk,
        "comment": comment.pk,
        "capparticipant": participant.pk,
        "capevent": opened.pk,
    }


def _cap(owner: Membership) -> dict[str, Any]:
    return {"pk": _cap_with_one_of_each(owner)["cap_pk"]}


def _cap_child(basename: str) -> Builder:
    def build(owner: Membership) -> dict[str, Any]:
        built = _cap_with_one_of_each(owner)
        return {"cap_pk": built["cap_pk"], "pk": built[basename]}

    return build


BUILDERS: dict[str, Builder] = {
    "cap": _cap,
    **{
        basename: _cap_child(basename)
        for basename in (
            "rootcause",
            "capaction",
            "evidence",
            "comment",
            "extensionrequest",
            "capparticipant",
            "capevent",
        )
    },
    "audit": _audit,
    "auditshare": _audit_share,
    "finding": _finding,
    "observation": _observation,
    "notification": _notification,
    "codeclause": _code_clause,
    "facility": _facility,
    "facilitystatuscount": _facility_status_count,
    "sourcingrelationship": _relationship,
    "exitplan": _exit_plan,
    "questionnaire": _questionnaire,
    "screening": _screening,
    "membership": _membership,
    "invitation": _invitation,
    "apitoken": _api_token,
    "securityevent": _security_event,
    "scorecard": _scorecard,
    "reportrequest": _report_request,
    "reportbranding": _report_branding,
}

# Platform-wide reference data: every member reads it (so strangers see it too),
# only platform staff write it. The harness checks reads need sign-in and that members
# cannot write.
REFERENCE_DATA: dict[str, Builder] = {
    "legalinstrument": lambda owner: {"pk": _requirement().instrument_id},
    "requirement": lambda owner: {"pk": _requirement().pk},
}


def _requirement() -> Requirement:
    instrument = LegalInstrument.objects.create(
        country="BD", title="Bangladesh Labour Act 2006", year=2006
    )
    return Requirement.objects.create(
        country="BD",
        topic="overtime",
        instrument=instrument,
        citation="s.102",
        summary="At most 60 h a week.",
        parameters={"max_total_hours_per_week": 60},
        effective_from=date(2006, 10, 11),
        source_url="https://example.org/bla",
    )


# API routes that serve no tenant rows, each with the reason it is safe.
NOT_TENANT_DATA: dict[str, str] = {
    "api-facility-import": "writes into the caller's own brand only; reads nothing back",
    "api-facility-export": "a file, not a list: test_exports_hold_no_rows_of_other_tenants",
    "laws-check": "reads reference law and the caller's own code clauses through visible_to",
    "laws-compare": "reference law only, identical for every member",
    "api-severity-policy": (
        "the caller's own brand's policy only (no id in the URL); suppliers and partners "
        "get 404: tests/audits/test_api.py"
    ),
    "api-token-obtain": "exchanges the caller's own credentials; tested in test_tokens",
    "api-whoami": "describes only the caller's own account and memberships",
    "api-schema": "the OpenAPI document, identical for everyone",
    "api-docs": "Swagger UI for the schema",
    # The consultant directory is shared on purpose: every brand browses every
    # partner's entry (DESIGN.md §3), so another brand seeing it is not a leak.
    "consultantprofile-list": (
        "the directory every brand browses; a partner sees only its own entry and a "
        "supplier none: tests/remediation/test_api.py"
    ),
    "consultantprofile-detail": (
        "one directory entry (as the list); only the partner itself edits it: "
        "tests/remediation/test_api.py"
    ),
    "consultantprofile-note": (
        "the caller's own brand's note only, whatever the URL names; never another "
        "brand's nor shown to the consultant: tests/remediation/test_api.py"
    ),
}
