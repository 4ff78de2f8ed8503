"""Demo data of audits and findings: three years of audits of the demo facilities
across schemes, with findings a CSR team recognises, law-checked observations, fixes
that did not hold (repeats), a zero-tolerance finding, a shared audit, a draft in
progress, a customised severity policy and a finding flagged by a change of law.

Everything is made through the services of ``audits.services`` in date order, so
finalizing a later audit links the repeats of fixes verified after an earlier one,
exactly as it happens in use. Dates count back from today, so the demo stays recent.

Idempotent: an audit is looked up by its brand, facility and report number and left
as it is when it exists; a share by audit and brand; the severity policy is set only
when the brand never set one; a law change is announced only to findings not yet
flagged for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TextIO

from django.utils import timezone

from audits.models import Audit, AuditShare, Finding, Observation, SeverityPolicy
from audits.services.audits import audit_amend, audit_create, audit_finalize
from audits.services.findings import finding_create, finding_resolve
from audits.services.law_changes import findings_flag_law_change
from audits.services.observations import (
    observation_accept,
    observation_dismiss,
    observation_record,
)
from audits.services.policy import severity_policy_update
from audits.services.sharing import audit_share_consent, audit_share_offer
from csr_platform.models import Membership, Organization
from laws.models import CodeClause, Requirement
from laws.parameters import Topic
from laws.selectors import in_force
from laws.taxonomy import FindingCategory as Category
from laws.taxonomy import Severity
from suppliers.models import Facility

Type = Audit.Type
Scheme = Audit.Scheme
Announcement = Audit.Announcement
Extent = Finding.Extent

# Which recorded finding categories had their corrective action verified before the
# next audit. Resolved here, at finalizing, so the next audit links its repeats;
# remediation's demo then verifies those CAPs through the real flow (desk review, or
# the follow-up audits below), which resolves them again, harmlessly.
ALL = frozenset(Category.values)

# Demo brand slugs and the logins (csr_platform.demo) that act for them.
NORTHWIND, BLUEFJORD = "northwind", "bluefjord"
BRAND_RECORDERS = {NORTHWIND: "csr@northwind.example", BLUEFJORD: "csr@bluefjord.example"}
POLICY_ADMIN = "admin@northwind.example"
# Northwind gives its suppliers less time than the platform ladder (7/30/90/180 days).
NORTHWIND_POLICY = {
    "zero_tolerance_days": 5,
    "critical_days": 21,
    "major_days": 60,
    "minor_days": 120,
    "escalation_grace_days": 7,
}


@dataclass(frozen=True)
class DemoObservation:
    metric: str
    value: str
    # "accept" makes the suggested finding, "dismiss" declines it with ``reason``,
    # "pending" leaves it for a person to decide; "" for a value within the law.
    decision: str = ""
    wage_scope: str = ""
    note: str = ""
    reason: str = ""
    # What the person accepting the suggestion adds to it.
    workers_affected: int | None = None
    extent: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class DemoFinding:
    category: str
    severity: str
    description: str
    scheme_reference: str = ""
    # The law topic (and scope) the finding cites; the version in force on the audit
    # date is looked up with ``laws.selectors.in_force``.
    topic: str = ""
    scope: str = ""
    workers_affected: int | None = None
    extent: str = Extent.ISOLATED
    evidence: str = ""


@dataclass(frozen=True)
class DemoAudit:
    reference: str
    os_id: str
    brand: str
    days_ago: int
    audit_type: str
    scheme: str
    audit_firm: str
    lead_auditor: str
    workers_interviewed: int
    summary: str
    days_on_site: int = 1
    announcement: str = Announcement.ANNOUNCED
    observations: tuple[DemoObservation, ...] = ()
    findings: tuple[DemoFinding, ...] = ()
    final: bool = True
    verified: frozenset[str] = frozenset()
    # (topic, scope) of a law that changed later: the audit falls in the period of
    # the superseded version, whatever today's date, so its finding gets flagged.
    before_law_change: tuple[str, str] | None = None
    # (reason, changes) of an amendment recorded after finalizing.
    amendment: tuple[str, dict[str, Any]] | None = None
    # Brand slugs this audit is offered to; the supplier consents when ``True``.
    shares: tuple[tuple[str, bool], ...] = field(default_factory=tuple)


THU_DUC, BINH_DUONG = "VN2024DEMO00005", "VN2024DEMO00007"
GAZIPUR, NARAYANGANJ = "BD2024DEMO00004", "BD2024DEMO00006"
BURSA, PHNOM_PENH, BANDUNG = "TR2024DEMO00008", "KH2024DEMO00003", "ID2024DEMO00011"
NORTHWIND_TEAM = "Northwind Apparel CSR team"

AUDITS: tuple[DemoAudit, ...] = (
    # --- Anatolia Tekstil, Bursa: overtime and premiums, fixed, then back (the exit) --
    DemoAudit(
        "ASD-BSCI-24-0207",
        BURSA,
        NORTHWIND,
        days_ago=1000,
        audit_type=Type.PERIODIC,
        scheme=Scheme.AMFORI_BSCI,
        audit_firm="Anadolu Sosyal Denetim",
        lead_auditor="Ayşe Demir",
        workers_interviewed=18,
        days_on_site=2,
        announcement=Announcement.SEMI_ANNOUNCED,
        summary="Rating D. Excessive daily hours in the sewing section before shipments, "
        "overtime premium underpaid, and embroidery subcontracted without approval.",
        observations=(
            DemoObservation(
                "daily_hours",
                "13",
                "accept",
                workers_affected=150,
                extent=Extent.SYSTEMIC,
                evidence="Gate log and time cards of 20 sampled workers, January.",
            ),
            DemoObservation(
                "overtime_premium_paid_percent",
                "125",
                "accept",
                workers_affected=190,
                extent=Extent.SYSTEMIC,
                evidence="December and January payroll; overtime hours paid at 1.25 times.",
            ),
        ),
        findings=(
            DemoFinding(
                Category.SUBCON,
                Severity.MAJOR,
                "Embroidery sent to an undeclared home-based workshop in Yıldırım; no "
                "subcontracting approval and no record of any visit to the workshop.",
                "amfori PA 1",
                evidence="Delivery notes to 'Yıldız Nakış' found in the dispatch office.",
            ),
        ),
        verified=frozenset({Category.HOURS, Category.WAGE, Category.SUBCON}),
    ),
    # A follow-up audit without findings: the fixes it saw verify the CAPs of the
    # audit before (remediation's demo cites it); the next audit found them undone.
    DemoAudit(
        "ASD-BSCI-24-0588",
        BURSA,
        NORTHWIND,
        days_ago=880,
        audit_type=Type.FOLLOW_UP,
        scheme=Scheme.AMFORI_BSCI,
        audit_firm="Anadolu Sosyal Denetim",
        lead_auditor="Ayşe Demir",
        workers_interviewed=10,
        summary="Follow-up of the February audit. Time records within 11 hours a day, "
        "overtime paid at 150 %, embroidery done in-house. No new findings.",
        observations=(
            DemoObservation("daily_hours", "10.5"),
            DemoObservation("overtime_premium_paid_percent", "150"),
        ),
    ),
    # --- Saigon Stitch, Thu Duc: the repeat, the shared audit and the pending share ---
    DemoAudit(
        "LAS-VN-240311",
        THU_DUC,
        NORTHWIND,
        days_ago=985,
        audit_type=Type.PERIODIC,
        scheme=Scheme.SMETA,
        audit_firm="Lotus Assurance Services",
        lead_auditor="Nguyen Thi Lan",
        workers_interviewed=30,
        days_on_site=2,
        summary="SMETA 4-pillar. Overtime above the monthly cap in the peak season, "
        "blocked exits on the sewing floor, rest-day overtime underpaid and gaps in "
        "age records.",
        observations=(
            DemoObservation(
                "monthly_overtime_hours",
                "62",
                "accept",
                workers_affected=410,
                extent=Extent.SYSTEMIC,
                evidence="Time cards of 25 sampled workers and the March payroll.",
            ),
            DemoObservation("daily_hours", "11"),
            DemoObservation("youngest_worker_age", "18"),
        ),
        findings=(
            DemoFinding(
                Category.OSH,
                Severity.MAJOR,
                "Two of the four emergency exits of the second-floor sewing hall were "
                "blocked by cartons of finished goods; one exit sign was not lit.",
                "SMETA 3",
                workers_affected=260,
                evidence="Floor walk on day 1, photos 12–15.",
            ),
            DemoFinding(
                Category.WAGE,
                Severity.MAJOR,
                "Sunday overtime in January and February paid at 150 % instead of the "
                "200 % rest-day rate; 118 workers were short-paid.",
                "SMETA 5",
                topic=Topic.OVERTIME_PREMIUM,
                workers_affected=118,
                extent=Extent.SYSTEMIC,
                evidence="Payroll of January and February; interviews.",
            ),
            DemoFinding(
                Category.CHILD,
                Severity.MINOR,
                "Copies of identity cards missing from 4 of 25 sampled personnel files; "
                "no written age-verification procedure at hiring.",
                "SMETA 4",
                topic=Topic.MINIMUM_AGE,
                evidence="Personnel file review.",
            ),
        ),
        verified=ALL,
        amendment=(
            "The auditor's final report counts 32 workers interviewed (two supervisors "
            "were missing from the draft).",
            {"workers_interviewed": 32},
        ),
    ),
    DemoAudit(
        "LAS-VN-240719",
        THU_DUC,
        NORTHWIND,
        days_ago=860,
        audit_type=Type.FOLLOW_UP,
        scheme=Scheme.SMETA,
        audit_firm="Lotus Assurance Services",
        lead_auditor="Nguyen Thi Lan",
        workers_interviewed=12,
        summary="Follow-up of the March audit. Overtime within 40 hours a month in May "
        "and June; Sunday overtime back pay seen for the 118 workers; exits clear. No "
        "new findings.",
        observations=(DemoObservation("monthly_overtime_hours", "36"),),
    ),
    DemoAudit(
        "LAS-VN-240622",
        BINH_DUONG,
        NORTHWIND,
        days_ago=900,
        audit_type=Type.INITIAL,
        scheme=Scheme.SMETA,
        audit_firm="Lotus Assurance Services",
        lead_auditor="Pham Quoc Bao",
        workers_interviewed=20,
        summary="SMETA 2-pillar before the first order. Short annual leave and no "
        "internal social-compliance checks.",
        observations=(
            DemoObservation(
                "annual_leave_days",
                "10",
                "accept",
                workers_affected=540,
                extent=Extent.SYSTEMIC,
                evidence="Leave policy and leave register.",
            ),
        ),
        findings=(
            DemoFinding(
                Category.MGMT,
                Severity.MINOR,
                "No internal social-compliance check in the last 12 months; the code of "
                "conduct is posted in English only.",
                "SMETA 0.A",
            ),
        ),
        verified=ALL,
    ),
    DemoAudit(
        "BCA-BSCI-24-3318",
        GAZIPUR,
        NORTHWIND,
        days_ago=720,
        audit_type=Type.INITIAL,
        scheme=Scheme.AMFORI_BSCI,
        audit_firm="Bengal Compliance Associates",
        lead_auditor="Farhana Rahman",
        workers_interviewed=35,
        days_on_site=3,
        summary="Rating E. Recruitment fees paid to brokers, untreated wastewater, "
        "13 days worked in a row before shipment, missing age records and an "
        "appointed worker committee.",
        observations=(
            DemoObservation("youngest_worker_age", "16"),
            DemoObservation(
                "consecutive_days_worked",
                "13",
                "accept",
                workers_affected=640,
                extent=Extent.SYSTEMIC,
                evidence="November attendance records of the knitting section.",
            ),
        ),
        findings=(
            DemoFinding(
                Category.FORCED,
                Severity.CRITICAL,
                "Recruitment fees: 9 of 20 workers interviewed paid 8,000–15,000 BDT to "
                "labour brokers to get their jobs; the factory does not reimburse them.",
                "amfori PA 11",
                workers_affected=9,
                extent=Extent.SYSTEMIC,
                evidence="Worker interviews; broker receipts shown by two workers.",
            ),
            DemoFinding(
                Category.ENV,
                Severity.CRITICAL,
                "Untreated wastewater from the dyeing unit discharged to the canal at "
                "night: the effluent treatment plant log shows 9 hours of operation a "
                "day against 22 hours of dyeing.",
                "amfori PA 12",
                extent=Extent.SYSTEMIC,
                evidence="ETP log and electricity meter readings; night visit.",
            ),
            DemoFinding(
                Category.CHILD,
                Severity.MAJOR,
                "Age records missing for 14 of 40 sampled workers; no register of young "
                "workers (under 18) as the Labour Act requires.",
                "amfori PA 8",
                topic=Topic.MINIMUM_AGE,
                workers_affected=14,
            ),
            DemoFinding(
                Category.FOA,
                Severity.MAJOR,
                "Members of the worker participation committee were appointed by "
                "management; no election records.",
                "amfori PA 3",
                extent=Extent.SYSTEMIC,
            ),
        ),
        verified=frozenset({Category.FORCED, Category.ENV, Category.CHILD}),
    ),
    DemoAudit(
        "BCA-FU-25-0216",
        GAZIPUR,
        NORTHWIND,
        days_ago=640,
        audit_type=Type.FOLLOW_UP,
        scheme=Scheme.AMFORI_BSCI,
        audit_firm="Bengal Compliance Associates",
        lead_auditor="Farhana Rahman",
        workers_interviewed=15,
        summary="Follow-up of the critical findings. Recruitment fees reimbursed to the "
        "workers (receipts seen); effluent treatment plant running 22 hours a day "
        "against the meter; age records complete. No new findings.",
        observations=(DemoObservation("youngest_worker_age", "18"),),
    ),
    DemoAudit(
        "SLCP-BD-25-77310",
        NARAYANGANJ,
        NORTHWIND,
        days_ago=420,
        audit_type=Type.INITIAL,
        scheme=Scheme.SLCP,
        audit_firm="Bengal Compliance Associates",
        lead_auditor="Shahnaz Akter",
        workers_interviewed=25,
        days_on_site=2,
        summary="SLCP verified assessment. Expired fire licence, wages below the "
        "garment minimum for helpers, service books not kept up to date.",
        observations=(
            DemoObservation(
                "lowest_monthly_wage",
                "12000",
                "accept",
                wage_scope="rmg",
                workers_affected=46,
                evidence="Payroll of August: helpers in the finishing section.",
            ),
        ),
        findings=(
            DemoFinding(
                Category.OSH,
                Severity.MAJOR,
                "Fire licence expired in July (renewal applied for); the last evacuation "
                "drill was seven months ago.",
                "SLCP Health & Safety",
                extent=Extent.SYSTEMIC,
            ),
            DemoFinding(
                Category.EMPLOY,
                Severity.MINOR,
                "Service books not kept up to date for about 30 % of workers; "
                "appointment letters do not state the overtime rate.",
                "SLCP Recruitment & Hiring",
            ),
        ),
        verified=frozenset({Category.OSH, Category.WAGE}),
    ),
    DemoAudit(
        "BCA-FU-25-0874",
        NARAYANGANJ,
        NORTHWIND,
        days_ago=340,
        audit_type=Type.FOLLOW_UP,
        scheme=Scheme.INTERNAL,
        audit_firm=NORTHWIND_TEAM,
        lead_auditor="Rezaul Karim",
        workers_interviewed=10,
        summary="Wage follow-up. Helpers in finishing paid at least Tk 12,500 since "
        "November, with arrears from August. No new findings.",
        observations=(DemoObservation("lowest_monthly_wage", "12500", wage_scope="rmg"),),
    ),
    DemoAudit(
        "ACP-BSCI-2025-1187",
        THU_DUC,
        NORTHWIND,
        days_ago=610,
        audit_type=Type.PERIODIC,
        scheme=Scheme.AMFORI_BSCI,
        audit_firm="Asia Compliance Partners",
        lead_auditor="Tran Van Minh",
        workers_interviewed=28,
        days_on_site=2,
        announcement=Announcement.SEMI_ANNOUNCED,
        summary="Rating C. Monthly overtime above the legal cap again despite last "
        "year's verified corrective action; pregnancy questions at hiring.",
        observations=(
            DemoObservation(
                "monthly_overtime_hours",
                "58",
                "accept",
                workers_affected=380,
                extent=Extent.SYSTEMIC,
                evidence="Time records of February and March; two production lines.",
            ),
            DemoObservation("lowest_monthly_wage", "5600000", wage_scope="region_i"),
        ),
        findings=(
            DemoFinding(
                Category.DISC,
                Severity.CRITICAL,
                "Women applicants were asked whether they were pregnant or planned to "
                "marry in hiring interviews (3 of 12 women interviewed; confirmed by the "
                "HR assistant).",
                "amfori PA 4",
                workers_affected=3,
                extent=Extent.SYSTEMIC,
            ),
            DemoFinding(
                Category.VOICE,
                Severity.MINOR,
                "Workers do not know the anonymous hotline; the suggestion box is opened "
                "by the HR manager alone.",
                "amfori PA 2",
            ),
        ),
        verified=frozenset({Category.VOICE}),
        shares=((BLUEFJORD, True),),
    ),
    # --- Angkor Garments: a wage finding of 2025 that the 2026 wage supersedes -------
    DemoAudit(
        "MAS-KH-25-0519",
        PHNOM_PENH,
        NORTHWIND,
        days_ago=330,
        audit_type=Type.PRE_SOURCING,
        scheme=Scheme.INTERNAL,
        audit_firm="Mekong Audit Services",
        lead_auditor="Sok Chanthy",
        workers_interviewed=20,
        days_on_site=2,
        summary="Pre-sourcing visit. Probationary sewers paid below the garment "
        "minimum wage; most contracts renewed every three months.",
        before_law_change=(Topic.MINIMUM_WAGE, "garment_footwear_travel_goods"),
        observations=(
            DemoObservation(
                "lowest_monthly_wage",
                "204",
                "accept",
                wage_scope="garment_footwear_travel_goods",
                workers_affected=85,
                evidence="Payroll of the last month: probationary sewers.",
            ),
            DemoObservation("youngest_worker_age", "17"),
        ),
        findings=(
            DemoFinding(
                Category.EMPLOY,
                Severity.MAJOR,
                "62 % of workers are on fixed-duration contracts renewed every three "
                "months, some for more than two years.",
                workers_affected=630,
                extent=Extent.SYSTEMIC,
            ),
        ),
    ),
    DemoAudit(
        "ASD-BSCI-25-1964",
        BURSA,
        NORTHWIND,
        days_ago=330,
        audit_type=Type.FOLLOW_UP,
        scheme=Scheme.AMFORI_BSCI,
        audit_firm="Anadolu Sosyal Denetim",
        lead_auditor="Mehmet Kaya",
        workers_interviewed=16,
        summary="Follow-up. The daily-hours and premium fixes did not hold; a second "
        "set of time records was kept for auditors.",
        observations=(
            DemoObservation(
                "daily_hours",
                "12.5",
                "accept",
                workers_affected=140,
                extent=Extent.SYSTEMIC,
                evidence="Gate log compared with the time records shown.",
            ),
            DemoObservation(
                "overtime_premium_paid_percent",
                "100",
                "accept",
                workers_affected=190,
                extent=Extent.SYSTEMIC,
                evidence="Payroll of the last three months.",
            ),
        ),
        findings=(
            DemoFinding(
                Category.ETHICS,
                Severity.CRITICAL,
                "Two sets of time records: the records shown to the auditor end at 18:00 "
                "while the gate log shows workers leaving at 21:30.",
                "amfori PA 13",
                extent=Extent.SYSTEMIC,
                evidence="Gate log of 10 days; worker interviews.",
            ),
        ),
    ),
    DemoAudit(
        "BF-PRE-2026-02",
        BANDUNG,
        BLUEFJORD,
        days_ago=300,
        audit_type=Type.PRE_SOURCING,
        scheme=Scheme.INTERNAL,
        audit_firm="Bluefjord Outdoor sourcing team",
        lead_auditor="Jonas Berg",
        workers_interviewed=10,
        summary="Pre-sourcing visit. Weekly overtime above the legal cap in the tent "
        "section; fumes on the seam-taping line.",
        observations=(
            DemoObservation(
                "weekly_overtime_hours",
                "22",
                "accept",
                workers_affected=210,
                extent=Extent.SYSTEMIC,
                evidence="Overtime register of the tent section.",
            ),
        ),
        findings=(
            DemoFinding(
                Category.OSH,
                Severity.MAJOR,
                "Seam-taping machines without local exhaust ventilation; workers report "
                "headaches and there is no air monitoring.",
                workers_affected=60,
            ),
        ),
        verified=frozenset({Category.OSH}),
    ),
    DemoAudit(
        "BCA-SMETA-26-0912",
        GAZIPUR,
        NORTHWIND,
        days_ago=255,
        audit_type=Type.PERIODIC,
        scheme=Scheme.SMETA,
        audit_firm="Bengal Compliance Associates",
        lead_auditor="Md. Arif Hossain",
        workers_interviewed=32,
        days_on_site=2,
        summary="SMETA 4-pillar. ETP sludge in an open pit a year after the wastewater "
        "fix; weekly hours above 60; unlicensed boiler operator.",
        observations=(
            DemoObservation(
                "weekly_hours_total",
                "74",
                "accept",
                workers_affected=520,
                extent=Extent.SYSTEMIC,
                evidence="Time records of the four weeks before the audit.",
            ),
            DemoObservation(
                "overtime_premium_paid_percent",
                "150",
                "dismiss",
                reason="Payroll re-checked with the auditor: the 150 % lines are the "
                "night-shift allowance; overtime itself was paid at 200 %.",
            ),
        ),
        findings=(
            DemoFinding(
                Category.ENV,
                Severity.MAJOR,
                "Sludge from the effluent treatment plant stored in an unlined open pit "
                "next to the canal; no contract with a licensed disposal company.",
                "SMETA 10B",
                evidence="Site walk; photos 21–24.",
            ),
            DemoFinding(
                Category.OSH,
                Severity.MAJOR,
                "The boiler operator has no valid licence and the boiler certificate "
                "expired two months ago.",
                "SMETA 3",
            ),
        ),
    ),
    DemoAudit(
        "NW-INT-2026-07",
        BINH_DUONG,
        NORTHWIND,
        days_ago=160,
        audit_type=Type.UNANNOUNCED,
        scheme=Scheme.INTERNAL,
        audit_firm=NORTHWIND_TEAM,
        lead_auditor="Sofia Lindqvist",
        workers_interviewed=15,
        announcement=Announcement.UNANNOUNCED,
        summary="Unannounced visit. A padlocked emergency exit with 180 workers on the "
        "floor; supervisors shouting at workers over hourly targets.",
        findings=(
            DemoFinding(
                Category.OSH,
                Severity.ZERO_TOLERANCE,
                "The emergency exit of the ground-floor finishing section was padlocked "
                "during working hours; the key was with a security guard outside the "
                "building. 180 workers were on the floor.",
                workers_affected=180,
                evidence="Seen at 10:40 on arrival; photos 3–5. The padlock was removed "
                "in the auditor's presence.",
            ),
            DemoFinding(
                Category.TREAT,
                Severity.MAJOR,
                "Line supervisors shout at and insult workers who miss hourly targets "
                "(5 of 15 workers interviewed); no written disciplinary procedure.",
                extent=Extent.SYSTEMIC,
            ),
        ),
    ),
    DemoAudit(
        "MAS-SMETA-26-0831",
        PHNOM_PENH,
        NORTHWIND,
        days_ago=75,
        audit_type=Type.INITIAL,
        scheme=Scheme.SMETA,
        audit_firm="Mekong Audit Services",
        lead_auditor="Chea Sopheap",
        workers_interviewed=22,
        days_on_site=2,
        summary="SMETA 2-pillar. Wages now at the 2026 minimum; too few toilets for "
        "the women on the sewing floor.",
        observations=(
            DemoObservation(
                "lowest_monthly_wage", "212", wage_scope="garment_footwear_travel_goods"
            ),
        ),
        findings=(
            DemoFinding(
                Category.FACIL,
                Severity.MINOR,
                "One toilet for every 70 women on the sewing floor (the factory's own "
                "standard is one for 50); no soap in two blocks.",
                "SMETA 3",
            ),
        ),
    ),
    DemoAudit(
        "MSA-SA8-26-0442",
        THU_DUC,
        NORTHWIND,
        days_ago=50,
        audit_type=Type.PERIODIC,
        scheme=Scheme.SA8000,
        audit_firm="Meridian Social Accountability",
        lead_auditor="Le Hoang Phuc",
        workers_interviewed=24,
        days_on_site=3,
        summary="SA8000 surveillance audit. Minor gaps in drinking water maintenance "
        "and probation periods.",
        observations=(DemoObservation("annual_leave_days", "12"),),
        findings=(
            DemoFinding(
                Category.FACIL,
                Severity.MINOR,
                "Drinking-water filters on the third floor last serviced nine months "
                "ago; no water test report for this year.",
                "SA8000 3",
            ),
            DemoFinding(
                Category.EMPLOY,
                Severity.MINOR,
                "Probation extended to four months for 6 workers; the Labour Code allows "
                "at most 60 days for skilled jobs.",
                "SA8000 8",
                workers_affected=6,
            ),
        ),
        shares=((BLUEFJORD, False),),
    ),
    DemoAudit(
        "PCG-WRAP-26-2207",
        BANDUNG,
        BLUEFJORD,
        days_ago=35,
        audit_type=Type.INITIAL,
        scheme=Scheme.WRAP,
        audit_firm="Pacific Compliance Group",
        lead_auditor="Dewi Lestari",
        workers_interviewed=26,
        days_on_site=2,
        summary="WRAP certification audit. An undeclared printing subcontractor and a "
        "canteen far too small for the shift.",
        findings=(
            DemoFinding(
                Category.SUBCON,
                Severity.MINOR,
                "The screen-printing subcontractor in Cimahi is missing from the "
                "subcontractor list given to buyers.",
                "WRAP 12",
            ),
            DemoFinding(
                Category.FACIL,
                Severity.MINOR,
                "The canteen seats 300 for 1,150 workers a shift; lunch breaks were cut "
                "to 30 minutes to rotate.",
                "WRAP 9",
                extent=Extent.SYSTEMIC,
            ),
        ),
    ),
    # --- In progress: Northwind's follow-up of the conditional approval -------------
    DemoAudit(
        "NW-INT-2026-11",
        NARAYANGANJ,
        NORTHWIND,
        days_ago=12,
        audit_type=Type.FOLLOW_UP,
        scheme=Scheme.INTERNAL,
        audit_firm=NORTHWIND_TEAM,
        lead_auditor="Sofia Lindqvist",
        workers_interviewed=12,
        summary="Follow-up of the conditional approval: fire licence renewed; hours to "
        "be checked against the October records.",
        final=False,
        observations=(
            DemoObservation(
                "weekly_hours_total",
                "66",
                "pending",
                note="Longest week in October, finishing section (time cards of 12 workers).",
            ),
            DemoObservation("youngest_worker_age", "17"),
            DemoObservation("lowest_monthly_wage", "12800", wage_scope="rmg"),
        ),
        findings=(
            DemoFinding(
                Category.OSH,
                Severity.MINOR,
                "The October evacuation drill took six minutes; two assembly-point signs "
                "are missing.",
            ),
        ),
    ),
)


@dataclass
class Tally:
    audits: int = 0
    drafts: int = 0
    findings: int = 0
    repeats: int = 0
    shares: int = 0
    flagged: int = 0
    lines: list[str] = field(default_factory=list)


def _membership(email: str, slug: str) -> Membership | None:
    return (
        Membership.objects.select_related("user", "organization")
        .filter(user__email=email, organization__slug=slug, is_active=True)
        .first()
    )


def _audit_day(spec: DemoAudit, facility: Facility, today: date) -> date:
    """``days_ago`` before today, moved back into the period of the superseded
    version when the audit has to predate a change of law."""
    day = today - timedelta(days=spec.days_ago)
    if spec.before_law_change is None:
        return day
    topic, scope = spec.before_law_change
    superseded = (
        Requirement.objects.live()
        .filter(
            country=facility.country,
            topic=topic,
            scope=scope,
            superseded_by__isnull=False,
            effective_to__isnull=False,
        )
        .order_by("-effective_from")
        .first()
    )
    if superseded is None or superseded.effective_to is None:
        return day
    # Well inside the old version's period, whichever way today has moved.
    latest = superseded.effective_to - timedelta(days=45)
    return max(min(day, latest), superseded.effective_from)


def _record_observations(audit: Audit, spec: DemoAudit, by: Membership) -> None:
    for item in spec.observations:
        observation = observation_record(
            audit=audit,
            by=by,
            metric=item.metric,
            value=item.value,
            wage_scope=item.wage_scope,
            note=item.note,
        )
        if observation.suggestion != Observation.Suggestion.PENDING:
            continue
        if item.decision == "accept":
            observation_accept(
                observation=observation,
                by=by,
                workers_affected=item.workers_affected,
                extent=item.extent,
                evidence=item.evidence,
            )
        elif item.decision == "dismiss":
            observation_dismiss(observation=observation, by=by, reason=item.reason)


def _record_findings(audit: Audit, spec: DemoAudit, facility: Facility, by: Membership) -> None:
    code_clauses = {c.category: c for c in CodeClause.objects.filter(brand_id=audit.brand_id)}
    for item in spec.findings:
        requirement = (
            in_force(
                country=str(facility.country),
                topic=item.topic,
                on=audit.start_date,
                scope=item.scope,
            )
            if item.topic
            else None
        )
        finding_create(
            audit=audit,
            by=by,
            category=item.category,
            severity=item.severity,
            description=item.description,
            scheme_reference=item.scheme_reference,
            workers_affected=item.workers_affected,
            extent=item.extent,
            evidence=item.evidence,
            requirement=requirement,
            # The brand's own clause on the subject, as its CSR team would cite it.
            code_clause=code_clauses.get(item.category),
        )


def _add_audit(spec: DemoAudit, facility: Facility, by: Membership, tally: Tally) -> Audit:
    start = _audit_day(spec, facility, timezone.localdate())
    audit = audit_create(
        by=by,
        facility=facility,
        audit_type=spec.audit_type,
        scheme=spec.scheme,
        reference=spec.reference,
        audit_firm=spec.audit_firm,
        lead_auditor=spec.lead_auditor,
        start_date=start,
        end_date=start + timedelta(days=spec.days_on_site - 1),
        announcement=spec.announcement,
        workers_interviewed=spec.workers_interviewed,
        summary=spec.summary,
    )
    _record_observations(audit, spec, by)
    _record_findings(audit, spec, facility, by)
    tally.audits += 1
    tally.findings += audit.findings.count()
    if not spec.final:
        tally.drafts += 1
        tally.lines.append(f"{audit} (draft)")
        return audit
    audit = audit_finalize(audit=audit, by=by)
    if spec.amendment is not None:
        reason, changes = spec.amendment
        audit_amend(audit=audit, by=by, reason=reason, **changes)
    repeats = audit.findings.filter(repeat_of__isnull=False).count()
    tally.repeats += repeats
    if repeats:
        tally.lines.append(f"{audit} ({repeats} repeat{'s' if repeats > 1 else ''})")
    else:
        tally.lines.append(str(audit))
    # The corrective actions verified before the facility's next audit.
    for finding in audit.findings.non_conformities().filter(category__in=spec.verified):
        finding_resolve(finding=finding)
    return audit


def _share(audit: Audit, spec: DemoAudit, facility: Facility, by: Membership, tally: Tally) -> None:
    """Offer the audit to the other brands of ``spec``; the supplier's admin consents
    where the demo says so. An audit already offered to a brand is left alone."""
    supplier = facility.supplier.slug
    supplier_admin = _membership(f"admin@{supplier}.example", supplier)
    for brand_slug, consented in spec.shares:
        if AuditShare.objects.filter(audit=audit, brand__slug=brand_slug).exists():
            continue
        share = audit_share_offer(
            audit=audit,
            by=by,
            brand_slug=brand_slug,
            message="We audited this factory recently; sharing the report saves a "
            "second audit for the same issues.",
        )
        tally.shares += 1
        if consented and supplier_admin is not None:
            audit_share_consent(share=share, by=supplier_admin)


def _set_policy() -> str:
    """Northwind's customised deadlines, unless it has set its own already."""
    admin = _membership(POLICY_ADMIN, NORTHWIND)
    if admin is None or SeverityPolicy.objects.filter(brand_id=admin.organization_id).exists():
        return ""
    severity_policy_update(by=admin, **NORTHWIND_POLICY)
    return admin.organization.name


def _announce_law_changes(tally: Tally) -> None:
    """What the law library announces when a requirement gets a new version
    (``requirement_versioned``): the library is loaded before these findings exist,
    so the demo replays the announcement for the open findings citing an old one."""
    cited = (
        Requirement.objects.filter(
            findings__audit__reference__in={spec.reference for spec in AUDITS},
            findings__status=Finding.Status.OPEN,
            findings__law_review_needed=False,
            superseded_by__isnull=False,
        )
        .values_list("pk", "superseded_by_id")
        .distinct()
    )
    for old_id, new_id in cited:
        tally.flagged += findings_flag_law_change(
            old_id=str(old_id), new_id=str(new_id), kind="superseded"
        )


def seed(stdout: TextIO) -> None:
    recorders = {slug: _membership(email, slug) for slug, email in BRAND_RECORDERS.items()}
    if not Organization.objects.filter(slug=NORTHWIND).exists() or None in recorders.values():
        stdout.write("Audits: the demo brands are missing; run the core demo first.\n")
        return
    policy_brand = _set_policy()
    facilities = {
        f.os_id: f
        for f in Facility.objects.select_related("supplier").filter(
            os_id__in={spec.os_id for spec in AUDITS}
        )
    }
    tally = Tally()
    # Oldest first: a fix verified after one audit is what a later audit finds undone.
    for spec in sorted(AUDITS, key=lambda s: -s.days_ago):
        facility, by = facilities.get(spec.os_id), recorders[spec.brand]
        if facility is None or by is None:
            continue  # the suppliers demo did not make this facility
        audit = Audit.objects.filter(
            brand_id=by.organization_id, facility=facility, reference=spec.reference
        ).first()
        if audit is None:
            audit = _add_audit(spec, facility, by, tally)
        if audit.is_final and spec.shares:
            _share(audit, spec, facility, by, tally)
    _announce_law_changes(tally)

    stdout.write(
        f"Audits: {tally.audits} audits added ({tally.drafts} draft) with {tally.findings} "
        f"findings, {tally.repeats} repeats, {tally.shares} shares offered, "
        f"{tally.flagged} findings flagged for a change of law.\n"
    )
    if policy_brand:
        stdout.write(f"  Severity policy customised for {policy_brand}.\n")
    for line in tally.lines:
        stdout.write(f"  {line}\n")
