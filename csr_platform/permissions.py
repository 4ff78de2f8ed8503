"""What each role may do: the permission matrix of DESIGN.md §2 as data.

A capability is granted to (organization kind, role) pairs. Views, viewsets and
services ask ``membership.can(Capability.X)``; nothing else compares role names.
Each domain app adds the rows it needs here, so the matrix stays in one place.
"""

from __future__ import annotations

from enum import StrEnum

from csr_platform.roles import OrganizationKind as Kind
from csr_platform.roles import Role


class Capability(StrEnum):
    MANAGE_MEMBERS = "manage_members"
    MANAGE_API_TOKENS = "manage_api_tokens"
    VIEW_SECURITY_EVENTS = "view_security_events"
    MANAGE_CODE_OF_CONDUCT = "manage_code_of_conduct"
    ADD_FACILITY = "add_facility"
    EDIT_FACILITY = "edit_facility"
    ANSWER_SCREENING = "answer_screening"
    DECIDE_VETTING = "decide_vetting"
    SIGN_OFF_SOURCING = "sign_off_sourcing"
    RECORD_AUDIT = "record_audit"
    SHARE_AUDIT = "share_audit"
    CONSENT_AUDIT_SHARE = "consent_audit_share"
    MANAGE_SEVERITY_POLICY = "manage_severity_policy"
    MANAGE_CAP = "manage_cap"
    WORK_ON_CAP = "work_on_cap"
    COMMENT_ON_CAP = "comment_on_cap"
    MANAGE_CONSULTANT_PROFILE = "manage_consultant_profile"
    REQUEST_REPORT = "request_report"
    MANAGE_REPORT_BRANDING = "manage_report_branding"


GRANTS: dict[Capability, frozenset[tuple[str, str]]] = {
    # "manage members, invitations": brand admin, and a supplier admin for its own org.
    Capability.MANAGE_MEMBERS: frozenset({(Kind.BRAND, Role.ADMIN), (Kind.SUPPLIER, Role.ADMIN)}),
    # "manage API tokens": brand admin only (every member may still hold and revoke
    # tokens for their own membership; see ApiTokenQuerySet.visible_to).
    Capability.MANAGE_API_TOKENS: frozenset({(Kind.BRAND, Role.ADMIN)}),
    # Whoever manages the members sees the security events that concern them.
    Capability.VIEW_SECURITY_EVENTS: frozenset(
        {(Kind.BRAND, Role.ADMIN), (Kind.SUPPLIER, Role.ADMIN)}
    ),
    # A brand's own code-of-conduct clauses: written by those who record audits.
    Capability.MANAGE_CODE_OF_CONDUCT: frozenset(
        {(Kind.BRAND, Role.ADMIN), (Kind.BRAND, Role.CSR)}
    ),
    # "add facility / relationship, send questionnaire"; also facility imports.
    Capability.ADD_FACILITY: frozenset({(Kind.BRAND, Role.ADMIN), (Kind.BRAND, Role.CSR)}),
    # "edit facility profile"
    Capability.EDIT_FACILITY: frozenset(
        {
            (Kind.BRAND, Role.ADMIN),
            (Kind.BRAND, Role.CSR),
            (Kind.SUPPLIER, Role.ADMIN),
            (Kind.SUPPLIER, Role.MEMBER),
        }
    ),
    # "answer screening questionnaire"
    Capability.ANSWER_SCREENING: frozenset(
        {(Kind.SUPPLIER, Role.ADMIN), (Kind.SUPPLIER, Role.MEMBER)}
    ),
    # "vetting decision / start exit plan"
    Capability.DECIDE_VETTING: frozenset({(Kind.BRAND, Role.ADMIN), (Kind.BRAND, Role.CSR)}),
    # "sourcing sign-off of approval or exit"
    Capability.SIGN_OFF_SOURCING: frozenset(
        {(Kind.BRAND, Role.ADMIN), (Kind.BRAND, Role.SOURCING)}
    ),
    # "record audit, findings, import; finalize audit" (also observations, amendments,
    # accepting law-check suggestions and reviewing findings after a law change).
    Capability.RECORD_AUDIT: frozenset({(Kind.BRAND, Role.ADMIN), (Kind.BRAND, Role.CSR)}),
    # "share an audit with another brand": offered by the commissioning brand…
    Capability.SHARE_AUDIT: frozenset({(Kind.BRAND, Role.ADMIN), (Kind.BRAND, Role.CSR)}),
    # …and consented to (or declined, or later revoked) by the supplier's admin.
    Capability.CONSENT_AUDIT_SHARE: frozenset({(Kind.SUPPLIER, Role.ADMIN)}),
    # "severity policy": the due dates findings get when an audit is finalized.
    Capability.MANAGE_SEVERITY_POLICY: frozenset({(Kind.BRAND, Role.ADMIN)}),
    # "set CAP due date, approve extension, verify, return, cancel" (also inviting
    # participants and keeping the brand's notes on consultants).
    Capability.MANAGE_CAP: frozenset({(Kind.BRAND, Role.ADMIN), (Kind.BRAND, Role.CSR)}),
    # "edit CAP root causes, actions, evidence; submit; ask extension": the supplier,
    # and a partner — only as consultant on that CAP (checked on the CAP).
    Capability.WORK_ON_CAP: frozenset(
        {(Kind.SUPPLIER, Role.ADMIN), (Kind.SUPPLIER, Role.MEMBER), (Kind.PARTNER, Role.MEMBER)}
    ),
    # "comment on a CAP": everyone but brand viewers.
    Capability.COMMENT_ON_CAP: frozenset(
        {
            (Kind.BRAND, Role.ADMIN),
            (Kind.BRAND, Role.CSR),
            (Kind.BRAND, Role.SOURCING),
            (Kind.SUPPLIER, Role.ADMIN),
            (Kind.SUPPLIER, Role.MEMBER),
            (Kind.PARTNER, Role.MEMBER),
        }
    ),
    # A partner keeps its own entry in the consultant directory.
    Capability.MANAGE_CONSULTANT_PROFILE: frozenset({(Kind.PARTNER, Role.MEMBER)}),
    # "scorecards, dashboards, reports": every brand role; a supplier's admin asks for
    # the progress report of its own facilities (checked on the report's kind).
    Capability.REQUEST_REPORT: frozenset(
        {
            (Kind.BRAND, Role.ADMIN),
            (Kind.BRAND, Role.CSR),
            (Kind.BRAND, Role.SOURCING),
            (Kind.BRAND, Role.VIEWER),
            (Kind.SUPPLIER, Role.ADMIN),
        }
    ),
    # The logo and colour the brand's PDF reports carry: an organization setting.
    Capability.MANAGE_REPORT_BRANDING: frozenset({(Kind.BRAND, Role.ADMIN)}),
}


def is_granted(capability: Capability, *, kind: str, role: str) -> bool:
    return (kind, role) in GRANTS[capability]
