"""Demo data of remediation: the CAPs of the demo audits in every state, worked on the
way a supplier, a consultant and a brand work on them.

Root causes read like a real analysis (five whys down to a cause the site or the
buyer can act on, fishbone branches), several of them the brand's own purchasing
practices (late changes and short lead times behind overtime, prices that did not
cover a minimum wage); actions have owners and dates; evidence files are small but
real PDF and PNG files with the dates they are valid; there are comments (some
internal to a brand), a request for more time approved, one declined and one
pending, a consultant and a civil-society organisation on one CAP, and a
collaborating brand on the CAP of the shared audit. The consultant directory gets
the partners' profiles and the brands' private notes.

Everything goes through ``remediation.services`` as the demo logins: the supplier's
admin (or the consultant, where the supplier has no login) does the work, the
brand's CSR decides. ``seed_demo`` runs in one transaction, so ``audit_finalized``
has not opened any CAP yet: the CAPs are opened here, audit by audit in date order,
so that a later audit marks *not sustained* the verified CAPs of the fixes it found
undone, exactly as in use. The findings the audits demo resolved (a fix verified
before the next audit) get their CAPs verified through the real flow; the wage,
hours and critical ones by the follow-up audits of that demo.

Idempotent: a CAP with anything on its timeline beyond being opened is left as it
is; the partner organization, directory profiles and notes are made only when
missing. Dates count from today (current CAPs) or from the audit (CAPs closed
long ago), so the demo stays recent.
"""

from __future__ import annotations

import os
import struct
import textwrap
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TextIO

from django.core.files.base import ContentFile
from django.utils import timezone

from audits import demo as audits_demo
from audits.models import Audit, Finding
from csr_platform.demo import DEFAULT_PASSWORD
from csr_platform.models import Membership, Organization, User
from csr_platform.roles import ROLES_BY_KIND, OrganizationKind, PartnerType
from laws.taxonomy import FindingCategory as Category
from remediation.models import (
    CapAction,
    ConsultantNote,
    ConsultantProfile,
    CorrectiveActionPlan,
    RootCause,
)
from remediation.root_causes import PURCHASING_PRACTICE
from remediation.services.consultants import consultant_note_save, consultant_profile_update
from remediation.services.opening import caps_open_for_audit
from remediation.services.participants import participant_add
from remediation.services.transitions import cap_cancel, cap_return, cap_submit, cap_verify
from remediation.services.work import (
    action_add,
    cap_set_due_date,
    comment_add,
    evidence_add,
    extension_decide,
    extension_request,
    root_cause_add,
)

Status = CorrectiveActionPlan.Status
Kind = CapAction.Kind
Step = CapAction.Status

NORTHWIND, BLUEFJORD = audits_demo.NORTHWIND, audits_demo.BLUEFJORD
CONSULTANT = "fairwork"  # the consultant partner of csr_platform.demo
CSO = "workers-voice"
CSO_NAME = "Workers' Voice Bangladesh"

# Who acts in a story: the owner brand's CSR, the facility's supplier admin, the
# consultant, the CSO, and the other brand (Bluefjord on a Northwind CAP).
BRAND, SUPPLIER, CONSULTANT_MEMBER, CSO_MEMBER, OTHER_BRAND = (
    "brand",
    "supplier",
    "consultant",
    "cso",
    "other_brand",
)
# Where a story's day offsets count from.
TODAY, AUDIT = "today", "audit"


# --- What a CAP's story is made of -----------------------------------------------------


@dataclass(frozen=True)
class DemoCause:
    category: str
    cause: str
    # Five whys when given (why, because), fishbone otherwise.
    whys: tuple[tuple[str, str], ...] = ()
    code: str = ""


@dataclass(frozen=True)
class DemoAction:
    kind: str
    description: str
    owner: str
    due: int
    done: int | None = None  # the day it was done; planned until then
    in_progress: bool = False

    @property
    def status(self) -> str:
        if self.done is not None:
            return Step.DONE
        return Step.IN_PROGRESS if self.in_progress else Step.PLANNED


@dataclass(frozen=True)
class DemoEvidence:
    file_name: str  # .pdf or .png: the file is made from it
    description: str
    valid: tuple[int, int] | None = None  # (issued, expires) as day offsets
    action: int | None = None  # index of the story's action it proves


@dataclass(frozen=True)
class DemoComment:
    by: str
    body: str
    internal: bool = False


@dataclass(frozen=True)
class DemoExtension:
    days: int  # the due date asked for, in days from today
    reason: str
    decision: str = ""  # "approve", "decline" or "" (pending)
    note: str = ""


@dataclass(frozen=True)
class CapStory:
    """Where one demo CAP ends up and how it got there."""

    reference: str  # the audit's report number
    category: str  # of the finding (unique within each demo audit)
    outcome: str  # the CAP's status at the end
    dated_from: str = TODAY
    worker: str = SUPPLIER
    participants: tuple[tuple[str, str], ...] = ()  # (organization slug, what they do)
    causes: tuple[DemoCause, ...] = ()
    actions: tuple[DemoAction, ...] = ()
    evidence: tuple[DemoEvidence, ...] = ()
    extension: DemoExtension | None = None
    # The brand moves the due date: (days from today, why).
    new_due: tuple[int, str] | None = None
    note: str = ""  # verification note, return or cancel reason
    follow_up: str = ""  # report number of the audit that verified the fix
    comments: tuple[DemoComment, ...] = ()


STORIES: tuple[CapStory, ...] = (
    # === Anatolia Tekstil, Bursa, 2024: fixed, verified by the June follow-up ===========
    CapStory(
        "ASD-BSCI-24-0207",
        Category.HOURS,
        Status.VERIFIED,
        dated_from=AUDIT,
        follow_up="ASD-BSCI-24-0588",
        causes=(
            DemoCause(
                PURCHASING_PRACTICE,
                "Northwind confirmed the spring order three weeks late and kept the ship "
                "date; the factory accepted the shorter lead time without checking capacity.",
                whys=(
                    (
                        "Why did the sewing lines work 13 hours a day in January?",
                        "To ship Northwind's spring order on the agreed date.",
                    ),
                    (
                        "Why could the order not be made in normal hours?",
                        "It was confirmed three weeks later than planned, but the ship "
                        "date stayed the same.",
                    ),
                    (
                        "Why did the ship date stay the same?",
                        "The store launch was fixed, and the factory took the date as given.",
                    ),
                    (
                        "Why did the factory not ask for more time?",
                        "Merchandising confirms delivery dates without checking line "
                        "capacity, and feared losing the order.",
                    ),
                ),
                code="BP_LEADTIME",
            ),
            DemoCause(
                "capacity",
                "No capacity plan per line: orders are booked against the whole factory's "
                "minutes, so peaks show only when the lines are already full.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Limit daily hours to 11 in the time-keeping system; a longer day needs "
                "the production manager's written approval.",
                "Hakan Yılmaz, production manager",
                due=30,
                done=28,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Check line capacity before confirming any delivery date; Northwind's "
                "buyers give 12 weeks' notice of spring volumes.",
                "Elif Şahin, merchandising manager",
                due=60,
                done=55,
            ),
        ),
        evidence=(
            DemoEvidence(
                "time-records-april.pdf",
                "Gate log and time records of April: no day over 11 hours.",
                action=0,
            ),
            DemoEvidence(
                "capacity-check-procedure.pdf",
                "Order confirmation procedure with the line capacity check.",
                action=1,
            ),
        ),
        note="Follow-up audit: time records and gate log agree, no day over 11 hours.",
    ),
    CapStory(
        "ASD-BSCI-24-0207",
        Category.WAGE,
        Status.VERIFIED,
        dated_from=AUDIT,
        follow_up="ASD-BSCI-24-0588",
        causes=(
            DemoCause(
                "records",
                "The payroll rules were set up from a template and never checked against "
                "the 50 % overtime premium of Labour Law 4857.",
                whys=(
                    (
                        "Why was overtime paid at 125 %?",
                        "The payroll system multiplies overtime hours by 1.25.",
                    ),
                    (
                        "Why 1.25?",
                        "The rate was copied from the group's template when the system "
                        "was installed in 2021.",
                    ),
                    (
                        "Why was it never corrected?",
                        "No one checks the payroll rules against the law after a change.",
                    ),
                ),
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Pay the premium difference for December and January to the 190 workers.",
                "Murat Öz, finance manager",
                due=30,
                done=21,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "An external payroll accountant checks the payroll rules against the law "
                "every quarter and after any change.",
                "Murat Öz, finance manager",
                due=75,
                done=70,
            ),
        ),
        evidence=(
            DemoEvidence(
                "overtime-back-pay-register.pdf",
                "Back-pay register signed by the 190 workers.",
                action=0,
            ),
            DemoEvidence("payroll-rule-check.pdf", "External accountant's payroll check.", None, 1),
        ),
        note="Follow-up audit: premium paid at 150 % since March; back pay confirmed in "
        "worker interviews.",
    ),
    CapStory(
        "ASD-BSCI-24-0207",
        Category.SUBCON,
        Status.VERIFIED,
        dated_from=AUDIT,
        causes=(
            DemoCause(
                "capacity",
                "In-house embroidery covers half of the peak volume; a supervisor sent "
                "the overflow to a home-based workshop he knew.",
            ),
            DemoCause(
                "subcontracting",
                "No subcontracting procedure: nothing says which work may leave the site "
                "or who approves it.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Stop sending work to Yıldız Nakış; lease a second embroidery machine.",
                "Hakan Yılmaz, production manager",
                due=30,
                done=25,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Written subcontracting procedure: approval by the general manager and "
                "the buyer, a visit before first use, the list shared with buyers each "
                "season.",
                "Selin Arslan, compliance officer",
                due=60,
                done=50,
            ),
        ),
        evidence=(
            DemoEvidence("subcontracting-procedure.pdf", "The subcontracting procedure.", None, 1),
            DemoEvidence("embroidery-machine-lease.pdf", "Lease of the second machine.", None, 0),
        ),
        note="Procedure and lease seen; dispatch notes since March show no embroidery "
        "leaving the site.",
    ),
    # === Saigon Stitch, Thu Duc, 2024: fixed, verified by the July follow-up ============
    CapStory(
        "LAS-VN-240311",
        Category.HOURS,
        Status.VERIFIED,
        dated_from=AUDIT,
        follow_up="LAS-VN-240719",
        causes=(
            DemoCause(
                PURCHASING_PRACTICE,
                "Northwind changed trims after cutting had started and kept the ship date.",
                whys=(
                    (
                        "Why did overtime reach 62 hours in March?",
                        "Two lines re-sewed 14,000 jackets after a change of zip and trim colour.",
                    ),
                    (
                        "Why was the work redone?",
                        "Northwind's design team changed the trims after cutting had started.",
                    ),
                    (
                        "Why so late?",
                        "Colour approval was still open when the order was placed, to "
                        "meet the launch date.",
                    ),
                    (
                        "Why was the ship date not moved?",
                        "Nothing in the order says that a late change moves the ship date.",
                    ),
                ),
                code="BP_LATE_CHANGE",
            ),
            DemoCause(
                PURCHASING_PRACTICE,
                "The January forecast was 40 % below the quantity ordered in March; the "
                "lines had been planned for the forecast.",
                code="BP_FORECAST",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Cap overtime at 40 hours a month per worker in the time-keeping system, "
                "with a weekly report to the general manager.",
                "Tran Thi Mai, HR manager",
                due=45,
                done=40,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Critical-path meeting with Northwind's buyers at order placement: a "
                "change after the colour and trim cut-off moves the ship date.",
                "Vo Minh Tuan, planning manager",
                due=60,
                done=58,
            ),
        ),
        evidence=(
            DemoEvidence("overtime-report-may-june.pdf", "Overtime report, May and June.", None, 0),
            DemoEvidence(
                "critical-path-agreement.pdf",
                "Cut-off agreement with Northwind's buyers.",
                valid=(58, 58 + 365),
                action=1,
            ),
        ),
        note="Follow-up audit: overtime within 40 hours a month in May and June.",
    ),
    CapStory(
        "LAS-VN-240311",
        Category.OSH,
        Status.VERIFIED,
        dated_from=AUDIT,
        causes=(
            DemoCause(
                "capacity",
                "Finished goods wait on the floor because shipments are booked only for "
                "complete orders, and no one owns the exit routes.",
                whys=(
                    (
                        "Why were two exits blocked?",
                        "Cartons of finished jackets were stacked in the aisles.",
                    ),
                    (
                        "Why in the aisles?",
                        "The finished-goods store was full a week before shipment.",
                    ),
                    (
                        "Why was the store full?",
                        "Trucks are booked only when the whole order is packed.",
                    ),
                ),
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Clear both exits and repair the exit sign; paint no-storage zones in "
                "front of every exit.",
                "Nguyen Van Hung, safety officer",
                due=7,
                done=2,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Floor supervisors check the exits at the start of each shift and sign "
                "the checklist; a second carton store on the ground floor.",
                "Nguyen Van Hung, safety officer",
                due=45,
                done=40,
            ),
        ),
        evidence=(
            DemoEvidence("exit-cleared.png", "The second-floor exit, cleared and marked.", None, 0),
            DemoEvidence(
                "fire-safety-inspection.pdf",
                "Fire safety inspection certificate.",
                valid=(20, 20 + 365),
                action=1,
            ),
        ),
        note="Photos, the shift checklist and the fire inspection certificate are enough "
        "for a desk review.",
    ),
    CapStory(
        "LAS-VN-240311",
        Category.WAGE,
        Status.VERIFIED,
        dated_from=AUDIT,
        follow_up="LAS-VN-240719",
        causes=(
            DemoCause(
                "records",
                "The time-keeping system does not know each worker's rest day, so "
                "rest-day overtime is paid at the weekday rate.",
                whys=(
                    (
                        "Why was Sunday overtime paid at 150 %?",
                        "Payroll coded Sunday hours as ordinary overtime.",
                    ),
                    (
                        "Why?",
                        "Rest days rotate by line, so payroll cannot see which day is a "
                        "worker's rest day.",
                    ),
                    (
                        "Why can payroll not see it?",
                        "The time-keeping system does not record each worker's rest day.",
                    ),
                ),
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Pay the 50 % difference for January and February to the 118 workers.",
                "Le Thi Hoa, chief accountant",
                due=30,
                done=24,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Record each worker's weekly rest day in the time-keeping system; payroll "
                "then pays rest-day overtime at 200 %.",
                "Tran Thi Mai, HR manager",
                due=60,
                done=52,
            ),
        ),
        evidence=(
            DemoEvidence(
                "back-pay-sunday-overtime.pdf", "Back pay signed for by 118 workers.", None, 0
            ),
        ),
        note="Follow-up audit: rest-day overtime paid at 200 % in May and June.",
    ),
    CapStory(
        "LAS-VN-240311",
        Category.CHILD,
        Status.VERIFIED,
        dated_from=AUDIT,
        causes=(
            DemoCause(
                "policy",
                "No written age-verification procedure; in the peak season line leaders "
                "hired on their own.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Collect the missing identity card copies and check every personnel file.",
                "Tran Thi Mai, HR manager",
                due=30,
                done=20,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Written age-verification procedure: only HR hires, sees the original "
                "identity card and keeps a copy.",
                "Tran Thi Mai, HR manager",
                due=60,
                done=35,
            ),
        ),
        evidence=(DemoEvidence("age-verification-procedure.pdf", "The procedure.", None, 1),),
        note="Procedure and a sample of 25 files seen.",
    ),
    # === Saigon Stitch, Binh Duong, 2024 ==================================================
    CapStory(
        "LAS-VN-240622",
        Category.HOURS,
        Status.VERIFIED,
        dated_from=AUDIT,
        follow_up="NW-INT-2026-07",
        causes=(
            DemoCause(
                "policy",
                "The leave rules of the worker handbook were copied from the group's "
                "Cambodian factory and never checked against the Vietnamese Labour Code.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Credit the two missing days of annual leave to all 540 workers.",
                "Pham Thi Thu, HR manager",
                due=60,
                done=30,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "The legal adviser checks the worker handbook against the Labour Code "
                "every January.",
                "Pham Thi Thu, HR manager",
                due=90,
                done=45,
            ),
        ),
        evidence=(
            DemoEvidence("leave-policy-2024.pdf", "The corrected leave policy.", None, 1),
            DemoEvidence("leave-register-extract.pdf", "Leave register with the credit.", None, 0),
        ),
        note="Leave register checked at the unannounced visit: 12 days a year, plus the "
        "seniority days.",
    ),
    CapStory(
        "LAS-VN-240622",
        Category.MGMT,
        Status.VERIFIED,
        dated_from=AUDIT,
        causes=(
            DemoCause(
                "people",
                "No one on site was responsible for social compliance; the code of "
                "conduct was handled by the sales office in Ho Chi Minh City.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Post the code of conduct in Vietnamese in every hall.",
                "Pham Thi Thu, HR manager",
                due=30,
                done=10,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Appoint a compliance officer who runs an internal check every six months.",
                "Dang Van Long, general manager",
                due=90,
                done=60,
            ),
        ),
        evidence=(
            DemoEvidence("code-of-conduct-posted.png", "The code, posted in Vietnamese.", None, 0),
            DemoEvidence("internal-check-plan.pdf", "Internal check plan and first report."),
        ),
        note="Code posted; the first internal check report is thorough.",
    ),
    # === Dhaka Knitwear, Gazipur, 2024 ====================================================
    CapStory(
        "BCA-BSCI-24-3318",
        Category.HOURS,
        Status.CANCELLED,
        note="Superseded by the hours finding of this unit's latest audit (74-hour weeks): "
        "the work on hours continues on that CAP, so one plan covers both.",
    ),
    CapStory(
        "BCA-BSCI-24-3318",
        Category.FORCED,
        Status.VERIFIED,
        dated_from=AUDIT,
        follow_up="BCA-FU-25-0216",
        causes=(
            DemoCause(
                "recruitment",
                "Hiring in a rush through unlicensed brokers, with no employer-pays "
                "policy and no check of what workers paid.",
                whys=(
                    (
                        "Why did workers pay 8,000–15,000 BDT for their jobs?",
                        "Labour brokers charged them to be put on the hiring list for the "
                        "new knitting line.",
                    ),
                    (
                        "Why were brokers used?",
                        "300 workers had to be hired in six weeks for the new line.",
                    ),
                    (
                        "Why in six weeks?",
                        "The line was started as soon as the order was confirmed, without "
                        "a hiring plan.",
                    ),
                    (
                        "Why did no one stop the fees?",
                        "The factory had no policy that the employer pays all recruitment "
                        "costs, and never asked the workers.",
                    ),
                ),
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Reimburse the fees of every worker who paid one (46 found in private "
                "interviews), in cash with a witness.",
                "Nasima Begum, HR manager",
                due=20,
                done=19,
            ),
            DemoAction(
                Kind.CORRECTIVE,
                "Stop using brokers: hire at the factory gate and at job fairs only.",
                "Kamal Hossain, general manager",
                due=14,
                done=10,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Employer-pays policy; every new worker is asked at induction, in "
                "private, whether they paid anyone.",
                "Nasima Begum, HR manager",
                due=30,
                done=30,
            ),
        ),
        evidence=(
            DemoEvidence(
                "recruitment-fee-reimbursements.pdf",
                "Reimbursement receipts signed by the 46 workers.",
                action=0,
            ),
            DemoEvidence("employer-pays-policy.pdf", "The employer-pays policy.", None, 2),
        ),
        note="Follow-up audit: receipts seen; the workers interviewed confirmed the money "
        "was paid back.",
    ),
    CapStory(
        "BCA-BSCI-24-3318",
        Category.ENV,
        Status.VERIFIED,
        dated_from=AUDIT,
        follow_up="BCA-FU-25-0216",
        causes=(
            DemoCause(
                "equipment",
                "The effluent treatment plant treats 60 m³ an hour; the dyeing unit "
                "discharges up to 90 m³ an hour at full load.",
            ),
            DemoCause(
                "pay",
                "The treatment plant's power is charged to the dyeing unit, which is "
                "judged on cost per kilogram; no one is judged on the discharge.",
                whys=(
                    (
                        "Why did the treatment plant run only 9 hours a day?",
                        "The operator switched it off at night.",
                    ),
                    ("Why?", "He was told to keep the electricity bill down."),
                    (
                        "Why was the bill his target?",
                        "The plant's power is charged to the dyeing unit, whose manager's "
                        "bonus depends on the cost per kilogram dyed.",
                    ),
                ),
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Run the treatment plant whenever the dyeing unit runs; the general "
                "manager checks the flow meter and log every day.",
                "Kamal Hossain, general manager",
                due=7,
                done=3,
            ),
            DemoAction(
                Kind.CORRECTIVE,
                "Add a second aeration tank (30 m³ an hour).",
                "Shafiqul Alam, ETP manager",
                due=60,
                done=55,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Charge the plant's running cost to the site budget; the dyeing manager's "
                "bonus includes discharge compliance.",
                "Kamal Hossain, general manager",
                due=30,
                done=25,
            ),
        ),
        evidence=(
            DemoEvidence("etp-flow-log.pdf", "Flow meter log of January.", None, 0),
            DemoEvidence(
                "environmental-clearance-certificate.pdf",
                "Environmental clearance certificate, Department of Environment.",
                valid=(35, 35 + 365),
                action=1,
            ),
        ),
        note="Follow-up audit: the plant ran 22 hours a day against the meter.",
    ),
    CapStory(
        "BCA-BSCI-24-3318",
        Category.CHILD,
        Status.VERIFIED,
        dated_from=AUDIT,
        causes=(
            DemoCause(
                "records",
                "Personnel files were kept by line supervisors; HR had no central file "
                "and no register of young workers.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Check every worker's age against the national ID or birth certificate; "
                "open the register of young workers with their fitness certificates.",
                "Nasima Begum, HR manager",
                due=45,
                done=40,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "HR keeps all personnel files centrally and checks the register of young "
                "workers every month.",
                "Nasima Begum, HR manager",
                due=60,
                done=45,
            ),
        ),
        evidence=(DemoEvidence("young-workers-register.pdf", "Register of young workers."),),
        note="Register and a sample of 40 files seen.",
    ),
    CapStory(
        "BCA-BSCI-24-3318",
        Category.FOA,
        Status.IN_PROGRESS,
        participants=(
            (CONSULTANT, "Trains managers and the election committee."),
            (CSO, "Observes the election and runs the workers' information sessions."),
        ),
        causes=(
            DemoCause(
                "people",
                "Management fears elected worker representatives and does not know the "
                "Labour Act's rules on participation committees.",
                whys=(
                    (
                        "Why were the committee members appointed?",
                        "Management chose people it trusted, to avoid conflict.",
                    ),
                    (
                        "Why avoid an election?",
                        "Managers believed an elected committee would bring a union and strikes.",
                    ),
                    (
                        "Why did they believe that?",
                        "No manager had been trained on the Labour Act or on what a "
                        "participation committee does.",
                    ),
                ),
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Elect the participation committee by secret ballot, observed by "
                "Workers' Voice Bangladesh.",
                "Nasima Begum, HR manager",
                due=40,
                in_progress=True,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Training for managers and supervisors on freedom of association and the "
                "committee's role, by Fairwork Remediation.",
                "Kamal Hossain, general manager",
                due=-5,
                done=-10,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Written election procedure; the committee meets every month and posts "
                "its minutes.",
                "Nasima Begum, HR manager",
                due=75,
            ),
        ),
        evidence=(
            DemoEvidence("election-notice.png", "Election notice posted in Bangla.", None, 0),
            DemoEvidence(
                "management-training-attendance.pdf", "Attendance of the training.", None, 1
            ),
        ),
        comments=(
            DemoComment(
                CSO_MEMBER,
                "The election notice is up in every hall. We hold information sessions "
                "on both shifts next week, without managers present.",
            ),
            DemoComment(
                CONSULTANT_MEMBER,
                "Training done for 24 managers and supervisors; the knitting supervisors "
                "asked for a second session.",
            ),
            DemoComment(
                BRAND,
                "The committee has now been appointed twice. If the election slips again, "
                "raise it at the quarterly business review.",
                internal=True,
            ),
        ),
    ),
    # === Saigon Stitch, Thu Duc, 2025 (shared with Bluefjord) ===========================
    CapStory(
        "ACP-BSCI-2025-1187",
        Category.HOURS,
        Status.SUBMITTED,
        causes=(
            DemoCause(
                PURCHASING_PRACTICE,
                "Buyer changes to fabric and size split after cutting, outside the 2024 "
                "cut-off agreement, with the ship date unchanged.",
                whys=(
                    (
                        "Why did overtime reach 58 hours a month again?",
                        "The winter order was re-cut twice after Northwind changed the "
                        "fabric weight and the size split.",
                    ),
                    (
                        "Why were the changes so late?",
                        "Northwind approved the fit samples four weeks before shipment.",
                    ),
                    (
                        "Why was the ship date kept?",
                        "The 2024 cut-off covered colours and trims only, not fabric or sizes.",
                    ),
                    (
                        "Why did the factory not refuse?",
                        "It feared losing the winter programme and had no way to charge "
                        "for the extra work.",
                    ),
                ),
                code="BP_LATE_CHANGE",
            ),
            DemoCause(
                PURCHASING_PRACTICE,
                "Orders placed with 5 weeks' lead time for work that needs 8 on the "
                "planned lines, so every change becomes overtime.",
                whys=(
                    (
                        "Why was there no slack to absorb the changes?",
                        "Production had 5 weeks for an order that needs 8.",
                    ),
                    (
                        "Why 5 weeks?",
                        "Northwind waited for its sales forecast before ordering, but the "
                        "store delivery date stayed fixed.",
                    ),
                ),
                code="BP_LEADTIME",
            ),
            DemoCause(
                "capacity",
                "Lines are planned for confirmed orders only; no reserve for changes.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Overtime capped at 40 hours a month again; overriding the cap now needs "
                "both the general manager and the HR manager.",
                "Tran Thi Mai, HR manager",
                due=-90,
                done=-100,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Fabric, sizes and trims frozen 8 weeks before shipment; a later change "
                "moves the ship date (agreed by Northwind's head of buying).",
                "Anna Berg, Northwind head of buying",
                due=-60,
                done=-70,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Monthly capacity review with Northwind's planners, 12 weeks ahead.",
                "Vo Minh Tuan, planning manager",
                due=-30,
                done=-30,
            ),
        ),
        evidence=(
            DemoEvidence(
                "overtime-report-q3.pdf",
                "Overtime July–September: no worker over 40 hours a month.",
                action=0,
            ),
            DemoEvidence(
                "change-freeze-agreement.pdf",
                "Change-freeze agreement signed by Northwind's head of buying.",
                valid=(-70, 295),
                action=1,
            ),
        ),
        comments=(
            DemoComment(
                SUPPLIER,
                "Submitted with three months of overtime reports. The SA8000 auditors "
                "checked the same records in October.",
            ),
            DemoComment(BRAND, "Thank you. We will verify against the SA8000 audit."),
        ),
    ),
    CapStory(
        "ACP-BSCI-2025-1187",
        Category.DISC,
        Status.IN_PROGRESS,
        participants=((BLUEFJORD, "Buys from this factory too; co-funds the HR training."),),
        causes=(
            DemoCause(
                "policy",
                "Old interview forms still in use, and recruiters never trained on "
                "non-discrimination.",
                whys=(
                    (
                        "Why were women asked whether they were pregnant?",
                        "The HR assistant used the interview form of the old personnel manual.",
                    ),
                    (
                        "Why the old form?",
                        "The 2021 manual dropped the question, but the printed forms were "
                        "never replaced.",
                    ),
                    (
                        "Why did no one notice?",
                        "Interview forms are never reviewed, and recruiters were not "
                        "trained on the Labour Code's rules on discrimination.",
                    ),
                ),
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Withdraw the old interview forms; a new form without questions on "
                "marriage or pregnancy.",
                "Tran Thi Mai, HR manager",
                due=-200,
                done=-205,
            ),
            DemoAction(
                Kind.CORRECTIVE,
                "Review the applications of the last six months: the two women turned "
                "down after the interview are offered jobs.",
                "Tran Thi Mai, HR manager",
                due=-150,
                done=-160,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Train all recruiters and line leaders on non-discrimination and "
                "maternity protection (co-funded by Bluefjord Outdoor).",
                "Tran Thi Mai, HR manager",
                due=6,
                in_progress=True,
            ),
        ),
        evidence=(DemoEvidence("interview-form-2025.pdf", "The new interview form.", None, 0),),
        extension=DemoExtension(
            6,
            "The non-discrimination training by the external trainer is booked for next "
            "week; its attendance list is the last piece of evidence.",
            decision="approve",
            note="Approved: the training is the action that matters most here.",
        ),
        comments=(
            DemoComment(
                OTHER_BRAND,
                "We buy rain jackets from Thu Duc too. We will co-fund the trainer so the "
                "training covers both our lines.",
            ),
            DemoComment(BRAND, "Thank you, Bluefjord. Saigon Stitch, the date is agreed."),
            DemoComment(
                OTHER_BRAND,
                "Check the interview forms at our own visit before placing the spring order.",
                internal=True,
            ),
        ),
    ),
    CapStory(
        "ACP-BSCI-2025-1187",
        Category.VOICE,
        Status.VERIFIED,
        dated_from=AUDIT,
        causes=(
            DemoCause(
                "people",
                "The hotline was launched with one poster; no one told workers that it "
                "is anonymous or who answers it.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Information sessions on the hotline on every line; the number printed "
                "on the pay slip.",
                "Tran Thi Mai, HR manager",
                due=45,
                done=40,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "The suggestion box is opened weekly by the HR manager and an elected "
                "worker representative together; answers are posted on the notice board.",
                "Tran Thi Mai, HR manager",
                due=60,
                done=50,
            ),
        ),
        evidence=(
            DemoEvidence("hotline-on-payslip.png", "The hotline number on the pay slip.", None, 0),
            DemoEvidence("suggestion-box-log.pdf", "Suggestion box log, two months.", None, 1),
        ),
        note="Pay slip and the box log seen; workers at the SA8000 audit knew the hotline.",
    ),
    # === Dhaka Knitwear, Narayanganj, 2025 ===============================================
    CapStory(
        "SLCP-BD-25-77310",
        Category.WAGE,
        Status.VERIFIED,
        dated_from=AUDIT,
        follow_up="BCA-FU-25-0874",
        causes=(
            DemoCause(
                PURCHASING_PRACTICE,
                "Prices agreed before the December 2023 minimum wage were never reopened; "
                "labour cost is not ring-fenced in the costing, so the factory held the "
                "helpers' pay down.",
                whys=(
                    (
                        "Why were helpers paid Tk 12,000, below the Tk 12,500 minimum?",
                        "Operators moved to the new grades in December 2023; helpers "
                        "stayed on the old scale.",
                    ),
                    (
                        "Why were helpers left out?",
                        "Paying the 46 helpers the new minimum did not fit the labour cost "
                        "in the prices agreed for the year.",
                    ),
                    (
                        "Why did the prices not cover it?",
                        "They were agreed before the new minimum wage was announced, and "
                        "never reopened.",
                    ),
                    (
                        "Why were they not reopened?",
                        "The buyers' costing has no separate labour line and no clause to "
                        "revisit prices after a minimum-wage change.",
                    ),
                ),
                code="BP_PRICE",
            ),
            DemoCause(
                "pay",
                "Helpers are graded outside the wage structure, so a wage revision does "
                "not reach them by itself.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Pay helpers at least Tk 12,500 from November, with the arrears from August.",
                "Rafiqul Islam, finance manager",
                due=45,
                done=45,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Bring helpers into the wage structure as grade 7.",
                "Nasima Begum, HR manager",
                due=45,
                done=40,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Northwind shows labour as a separate, ring-fenced line in its costing and "
                "reopens prices when the minimum wage changes.",
                "Northwind sourcing manager, Dhaka office",
                due=75,
                done=70,
            ),
        ),
        evidence=(
            DemoEvidence("wage-arrears-payroll.pdf", "November payroll with the arrears.", None, 0),
            DemoEvidence(
                "costing-sheet-labour-line.pdf",
                "Northwind's costing sheet with the labour line.",
                action=2,
            ),
        ),
        note="Wage follow-up: helpers paid Tk 12,500 or more since November; arrears "
        "confirmed in interviews.",
    ),
    CapStory(
        "SLCP-BD-25-77310",
        Category.OSH,
        Status.VERIFIED,
        dated_from=AUDIT,
        causes=(
            DemoCause(
                "records",
                "Licences are renewed only when someone notices: there is no register of "
                "licences with their expiry dates and no one responsible for it.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Renew the fire licence; evacuation drill on both shifts.",
                "Jahangir Alam, safety officer",
                due=30,
                done=25,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Register of licences and certificates with expiry dates, checked every "
                "month by the compliance officer; reminders 90 days ahead.",
                "Jahangir Alam, safety officer",
                due=45,
                done=40,
            ),
        ),
        evidence=(
            DemoEvidence(
                "fire-licence.pdf",
                "Fire licence, Fire Service and Civil Defence.",
                valid=(25, 25 + 364),
                action=0,
            ),
            DemoEvidence("evacuation-drill-record.pdf", "Drill record, both shifts.", None, 0),
        ),
        note="Licence and drill record seen; the register is in place.",
    ),
    CapStory(
        "SLCP-BD-25-77310",
        Category.EMPLOY,
        Status.RETURNED,
        causes=(
            DemoCause(
                "records",
                "One HR assistant updates 1,400 service books by hand; there is no "
                "digital record of service.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Bring every service book up to date and state the overtime rate in every "
                "appointment letter.",
                "Nasima Begum, HR manager",
                due=-20,
                done=-30,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Keep service history in the HR software; print the service books from it "
                "every quarter.",
                "Nasima Begum, HR manager",
                due=60,
            ),
        ),
        evidence=(
            DemoEvidence("service-books-sewing.png", "Updated service books, sewing.", None, 0),
            DemoEvidence("appointment-letter-template.pdf", "New appointment letter.", None, 0),
        ),
        note="The photos show the sewing section only; the audit found most gaps in "
        "finishing. Send the finishing section's books and three appointment letters "
        "with the overtime rate.",
        comments=(DemoComment(SUPPLIER, "Understood; finishing's books follow this week."),),
    ),
    # === Angkor Garments, Phnom Penh, 2025 (no supplier login: the consultant works) =====
    CapStory(
        "MAS-KH-25-0519",
        Category.WAGE,
        Status.IN_PROGRESS,
        worker=CONSULTANT_MEMBER,
        participants=(
            (CONSULTANT, "Supports Angkor Garments, which has no login yet, with the wage review."),
        ),
        causes=(
            DemoCause(
                PURCHASING_PRACTICE,
                "Piece prices fixed before the 2025 minimum wage, with labour not "
                "ring-fenced in the buyer's costing; the factory made up the gap on "
                "probationers' pay.",
                whys=(
                    (
                        "Why were probationary sewers paid USD 204, below the minimum?",
                        "The factory pays a 'training wage' in the first two months.",
                    ),
                    (
                        "Why a training wage?",
                        "Probationers sew fewer pieces, and the piece price does not cover "
                        "the full minimum for them.",
                    ),
                    (
                        "Why not?",
                        "The piece prices were agreed in USD before the 2025 minimum wage "
                        "was announced.",
                    ),
                    (
                        "Why were the prices not revisited when the wage rose?",
                        "Northwind's costing does not show labour separately, so no one "
                        "saw what the increase cost.",
                    ),
                ),
                code="BP_PRICE",
            ),
            DemoCause(
                "pay",
                "The wage policy allowed a 'training wage' below the legal minimum.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Pay every probationer at least the minimum wage (USD 210 since January).",
                "Sok Dara, HR manager",
                due=-280,
                done=-290,
            ),
            DemoAction(
                Kind.CORRECTIVE,
                "Back pay to the 85 probationary sewers for the months under the minimum.",
                "Chan Vuthy, finance manager",
                due=75,
                in_progress=True,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Remove the training wage from the wage policy.",
                "Sok Dara, HR manager",
                due=-270,
                done=-280,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Northwind re-costs next year's styles with labour at the 2026 minimum "
                "wage, shown as a separate line.",
                "Northwind sourcing manager",
                due=30,
            ),
        ),
        evidence=(
            DemoEvidence(
                "payroll-january-2026.pdf", "January payroll: no one below USD 210.", None, 0
            ),
            DemoEvidence(
                "wage-policy-2026.pdf", "Wage policy without the training wage.", (-280, 85), 2
            ),
        ),
        extension=DemoExtension(
            75,
            "Back pay for the 85 probationary sewers is paid in three monthly instalments "
            "agreed with the shop stewards; the last one is in the February payroll.",
        ),
        comments=(
            DemoComment(
                CONSULTANT_MEMBER,
                "Back pay checked with the shop stewards: USD 5,950 in all; the first "
                "instalment was paid with the November payroll.",
            ),
            DemoComment(
                BRAND,
                "Sourcing: re-cost next year's styles with the USD 210 minimum ring-fenced "
                "before the next order. This one is on us.",
                internal=True,
            ),
        ),
    ),
    # === Anatolia Tekstil, Bursa, 2025: the fixes did not hold (exiting) ================
    CapStory(
        "ASD-BSCI-25-1964",
        Category.HOURS,
        Status.IN_PROGRESS,
        causes=(
            DemoCause(
                PURCHASING_PRACTICE,
                "Buyer design changes after cutting, with a fixed ship date; changes "
                "bypass the capacity check agreed in 2024.",
                whys=(
                    (
                        "Why were sewers working until 21:30 again?",
                        "Three styles of the autumn order were changed after cutting: a "
                        "new pocket and a longer hem.",
                    ),
                    (
                        "Why did the changes come so late?",
                        "Northwind's design team changed the styles after the order was "
                        "placed, to follow the season's trend.",
                    ),
                    (
                        "Why were the lines not given more time?",
                        "The ship date stayed fixed to the store launch.",
                    ),
                    (
                        "Why was the 2024 capacity check not applied?",
                        "It runs when an order is confirmed, not when it is changed.",
                    ),
                ),
                code="BP_LATE_CHANGE",
            ),
            DemoCause(
                PURCHASING_PRACTICE,
                "The autumn lead time was cut from 10 weeks to 7 to meet the launch; no "
                "line had capacity for the rest.",
                code="BP_LEADTIME",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Daily hours capped at 11; the gate log is the only time record.",
                "Hakan Yılmaz, production manager",
                due=15,
                in_progress=True,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Every change request goes through the capacity check; Northwind gives a "
                "new ship date for any change after cutting.",
                "Elif Şahin, merchandising manager",
                due=45,
            ),
        ),
        comments=(
            DemoComment(
                BRAND,
                "Our buying team has agreed a freeze on design changes six weeks before "
                "shipment for the orders that remain during the exit.",
            ),
            DemoComment(SUPPLIER, "Noted. The gate log is printed daily for the manager."),
        ),
    ),
    CapStory(
        "ASD-BSCI-25-1964",
        Category.ETHICS,
        Status.OPEN,
        comments=(
            DemoComment(
                BRAND,
                "Double books after a verified CAP is why we are exiting. Keep the wage "
                "back pay moving until the last order ships.",
                internal=True,
            ),
        ),
    ),
    # === Bandung Outdoor Gear, Bluefjord's pre-sourcing visit ==========================
    CapStory(
        "BF-PRE-2026-02",
        Category.HOURS,
        Status.IN_PROGRESS,
        worker=CONSULTANT_MEMBER,
        participants=((CONSULTANT, "Works with the factory on production planning."),),
        causes=(
            DemoCause(
                PURCHASING_PRACTICE,
                "A late repeat order on top of a forecast shared only four weeks ahead.",
                whys=(
                    (
                        "Why did weekly overtime reach 22 hours in the tent section?",
                        "Tent volumes doubled in the eight weeks before summer.",
                    ),
                    (
                        "Why did volumes double so late?",
                        "Bluefjord placed a repeat order after strong early sales.",
                    ),
                    (
                        "Why could the repeat not be planned?",
                        "Bluefjord shares its forecast only four weeks ahead, and it was "
                        "45 % below the final volume.",
                    ),
                ),
                code="BP_VOLATILITY",
            ),
            DemoCause(
                PURCHASING_PRACTICE,
                "Bluefjord's season forecast reaches the factory only with the order.",
                code="BP_FORECAST",
            ),
            DemoCause("capacity", "One tent line; seam taping is the bottleneck."),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Cap weekly overtime at the legal 18 hours in the overtime register.",
                "Rina Wulandari, HR manager",
                due=14,
                in_progress=True,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Bluefjord shares a rolling 16-week forecast every month; a repeat order "
                "beyond it gets a new ship date.",
                "Jonas Berg, Bluefjord sourcing",
                due=30,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "A second seam-taping machine for the tent line.",
                "Agus Santoso, factory manager",
                due=60,
            ),
        ),
        evidence=(DemoEvidence("overtime-register-october.pdf", "Overtime, October.", None, 0),),
        extension=DemoExtension(
            120,
            "The second tent line can start only in March, when the new machines arrive.",
            decision="decline",
            note="We cannot wait until March: cap overtime at the legal 18 hours now. We "
            "are moving 3,000 tents of our order to April so the line can cope.",
        ),
        comments=(
            DemoComment(BRAND, "3,000 tents moved to April; please plan the line for the rest."),
        ),
    ),
    CapStory(
        "BF-PRE-2026-02",
        Category.OSH,
        Status.VERIFIED,
        dated_from=AUDIT,
        worker=CONSULTANT_MEMBER,
        participants=((CONSULTANT, "Advises on the ventilation."),),
        causes=(
            DemoCause(
                "equipment",
                "The seam-taping machines were bought without local exhaust ventilation, "
                "and no one assessed the fumes.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Fit local exhaust ventilation to the 8 seam-taping machines.",
                "Agus Santoso, factory manager",
                due=60,
                done=55,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Air monitoring by an accredited laboratory every six months; the results "
                "posted in the section.",
                "Agus Santoso, factory manager",
                due=75,
                done=70,
            ),
        ),
        evidence=(
            DemoEvidence("ventilation-installed.png", "Extraction over the taping line.", None, 0),
            DemoEvidence(
                "air-monitoring-report.pdf",
                "Air monitoring report of the laboratory: within limits.",
                valid=(70, 70 + 365),
                action=1,
            ),
        ),
        note="Ventilation photos and the laboratory's report: within limits.",
    ),
    # === Dhaka Knitwear, Gazipur, 2026 ====================================================
    CapStory(
        "BCA-SMETA-26-0912",
        Category.HOURS,
        Status.IN_PROGRESS,
        causes=(
            DemoCause(
                PURCHASING_PRACTICE,
                "Spring orders placed in one batch with six weeks' lead time against store "
                "dates that did not move.",
                whys=(
                    (
                        "Why did weekly hours reach 74 in the knitting section?",
                        "Four orders with the same ship window were knitted in parallel.",
                    ),
                    (
                        "Why the same window?",
                        "Northwind's spring orders were placed in one batch, six weeks "
                        "before shipment.",
                    ),
                    (
                        "Why six weeks?",
                        "Northwind waited for its sales forecast before committing, but "
                        "kept the store dates.",
                    ),
                ),
                code="BP_LEADTIME",
            ),
            DemoCause(
                PURCHASING_PRACTICE,
                "Two colourways were changed after knitting had started; the re-knitting "
                "fell in the same weeks.",
                code="BP_LATE_CHANGE",
            ),
            DemoCause("capacity", "The knitting section is planned at 100 %, with no reserve."),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "No one over 60 hours a week: the gate card is blocked after 60 hours.",
                "Kamal Hossain, general manager",
                due=10,
                in_progress=True,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Northwind places spring orders in three batches, 12 weeks before shipment.",
                "Northwind sourcing manager, Dhaka office",
                due=40,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "A capacity plan per section, with 10 % kept free for changes.",
                "Abdul Karim, planning manager",
                due=40,
            ),
        ),
        comments=(DemoComment(SUPPLIER, "The gate card block is live in knitting since Monday."),),
    ),
    CapStory(
        "BCA-SMETA-26-0912",
        Category.ENV,
        Status.SUBMITTED,
        causes=(
            DemoCause(
                "process",
                "The 2025 fix covered wastewater only; sludge disposal had no owner and "
                "its contract was not tracked.",
                whys=(
                    (
                        "Why was treatment sludge in an open pit?",
                        "The licensed disposal company stopped collecting in January.",
                    ),
                    ("Why did it stop?", "Its contract expired and was not renewed."),
                    (
                        "Why was it not renewed?",
                        "The 2025 CAP fixed the wastewater; sludge was nobody's task, and "
                        "the contract was not on the permits register.",
                    ),
                ),
            ),
            DemoCause("records", "The permits register did not include waste contracts."),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Sludge removed by a licensed company; the pit lined and roofed as a "
                "temporary store.",
                "Shafiqul Alam, ETP manager",
                due=-50,
                done=-60,
            ),
            DemoAction(
                Kind.CORRECTIVE,
                "Contract with a licensed sludge disposal company.",
                "Kamal Hossain, general manager",
                due=-50,
                done=-55,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Waste contracts on the permits register; the ETP manager owns sludge disposal.",
                "Shafiqul Alam, ETP manager",
                due=-30,
                done=-40,
            ),
        ),
        evidence=(
            DemoEvidence(
                "sludge-disposal-contract.pdf",
                "Contract with the licensed disposal company.",
                valid=(-55, 310),
                action=1,
            ),
            DemoEvidence(
                "disposal-company-licence.pdf",
                "The disposal company's licence, Department of Environment.",
                valid=(-200, 165),
                action=1,
            ),
            DemoEvidence("lined-sludge-store.png", "The lined, roofed sludge store.", None, 0),
        ),
        comments=(
            DemoComment(
                SUPPLIER,
                "All three documents attached; two collections have taken place.",
            ),
        ),
    ),
    CapStory(
        "BCA-SMETA-26-0912",
        Category.OSH,
        Status.VERIFIED,
        causes=(
            DemoCause(
                "records",
                "The boiler certificate and the operator's licence were on no register; "
                "no one was responsible for renewing them.",
            ),
            DemoCause(
                "people",
                "The licensed operator left in January and his assistant took over.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Hire a licensed boiler operator; enrol the assistant in the licence course.",
                "Kamal Hossain, general manager",
                due=-140,
                done=-150,
            ),
            DemoAction(
                Kind.CORRECTIVE,
                "Boiler inspected and certified by the Chief Inspector of Boilers.",
                "Jahangir Alam, safety officer",
                due=-130,
                done=-140,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Boiler certificate and operator licence on the permits register, with "
                "reminders 90 days ahead.",
                "Jahangir Alam, safety officer",
                due=-120,
                done=-130,
            ),
        ),
        evidence=(
            DemoEvidence(
                "boiler-certificate.pdf",
                "Boiler certificate, Office of the Chief Inspector of Boilers.",
                valid=(-140, 225),
                action=1,
            ),
            DemoEvidence(
                "boiler-operator-licence.png",
                "The new operator's licence.",
                valid=(-400, 695),
                action=0,
            ),
        ),
        note="Certificate and licence valid; both are on the permits register.",
    ),
    # === Saigon Stitch, Binh Duong, 2026: the padlocked exit ============================
    CapStory(
        "NW-INT-2026-07",
        Category.OSH,
        Status.SUBMITTED,
        causes=(
            DemoCause(
                "policy",
                "A security instruction to stop theft, written without a fire-safety "
                "review, locked an exit during working hours.",
                whys=(
                    (
                        "Why was the exit padlocked?",
                        "Security locked it to stop finished garments leaving by the back.",
                    ),
                    (
                        "Why during working hours?",
                        "The guards' instruction says 'keep the back exit locked', with no hours.",
                    ),
                    (
                        "Why was it written that way?",
                        "After a theft, the general manager asked security to stop losses, "
                        "and no one checked the instruction against fire safety.",
                    ),
                ),
            ),
            DemoCause(
                "people",
                "Guards come from an outside company and get no fire-safety induction.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Padlocks removed from every exit; push-bar doors with alarms on the back exits.",
                "Dang Van Long, general manager",
                due=-150,
                done=-155,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "The safety officer reviews every security instruction; no exit is locked "
                "while anyone is in the building.",
                "Bui Thanh Son, safety officer",
                due=-140,
                done=-140,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Fire-safety induction for all guards, the outside company's included.",
                "Bui Thanh Son, safety officer",
                due=-120,
                done=-120,
            ),
        ),
        evidence=(
            DemoEvidence("push-bar-exit.png", "Push-bar door with alarm, finishing.", None, 0),
            DemoEvidence("security-instruction-2026.pdf", "The new instruction.", None, 1),
            DemoEvidence(
                "fire-safety-certificate.pdf",
                "Fire prevention certificate after the fire police inspection.",
                valid=(-120, 245),
            ),
        ),
        comments=(
            DemoComment(
                SUPPLIER,
                "Ready for your follow-up visit; the exits are checked at every shift "
                "change and the log is at the gate.",
            ),
            DemoComment(BRAND, "We will verify at an unannounced visit."),
        ),
    ),
    CapStory(
        "NW-INT-2026-07",
        Category.TREAT,
        Status.RETURNED,
        causes=(
            DemoCause(
                "pay",
                "Supervisors' bonus depends on hourly targets only, so shouting is how "
                "they push output.",
            ),
            DemoCause(
                "people",
                "Supervisors were promoted from operators and never trained to manage people.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Warning letters to the two supervisors named by workers.",
                "Pham Thi Thu, HR manager",
                due=-55,
                done=-60,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Training for all 40 line supervisors on respectful communication.",
                "Pham Thi Thu, HR manager",
                due=-40,
                done=-45,
            ),
        ),
        evidence=(
            DemoEvidence("supervisor-training-attendance.pdf", "Training attendance.", None, 1),
        ),
        note="The training is a good start, but there is still no written disciplinary "
        "procedure, and the supervisors' bonus still rewards hourly targets only. Add "
        "both to the plan.",
        comments=(
            DemoComment(
                SUPPLIER,
                "Understood. HR is drafting the procedure with the union representative.",
            ),
        ),
    ),
    # === Saigon Stitch, Thu Duc, 2026 ====================================================
    CapStory(
        "MSA-SA8-26-0442",
        Category.FACIL,
        Status.IN_PROGRESS,
        new_due=(4, "Drinking water is a health matter: the test is brought forward."),
        causes=(
            DemoCause(
                "equipment",
                "The filter service contract lapsed when the supplier changed; no one "
                "tracks the service dates.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "Replace the third-floor filters and test the water at an accredited laboratory.",
                "Nguyen Van Hung, safety officer",
                due=4,
                in_progress=True,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Filter service on the maintenance plan; water tested every six months.",
                "Nguyen Van Hung, safety officer",
                due=30,
            ),
        ),
        evidence=(DemoEvidence("filters-replaced.png", "The new filters.", None, 0),),
        comments=(
            DemoComment(SUPPLIER, "Filters replaced; the laboratory collects samples this week."),
        ),
    ),
    CapStory(
        "MSA-SA8-26-0442",
        Category.EMPLOY,
        Status.VERIFIED,
        causes=(
            DemoCause(
                "policy",
                "The contract template gives four months' probation for every job, as in "
                "the group's other countries.",
            ),
        ),
        actions=(
            DemoAction(
                Kind.CORRECTIVE,
                "End the probation of the 6 workers and correct their contracts.",
                "Tran Thi Mai, HR manager",
                due=-15,
                done=-20,
            ),
            DemoAction(
                Kind.PREVENTIVE,
                "Contract template: 60 days' probation for skilled jobs, 30 for others, "
                "checked by the legal adviser.",
                "Tran Thi Mai, HR manager",
                due=-10,
                done=-15,
            ),
        ),
        evidence=(DemoEvidence("contract-template-2026.pdf", "The new template.", None, 1),),
        note="Corrected template and the six amended contracts seen.",
    ),
)

# Left as opened (with at most a comment): the fixed-term contracts at Angkor, the
# Bursa wages finding, the toilets at Angkor and both Bandung WRAP findings.


# --- Evidence files ------------------------------------------------------------------


def _ascii(text: str) -> str:
    """The PDF's standard font speaks Latin; the demo's names are folded to ASCII."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_document(title: str, lines: Sequence[str]) -> bytes:
    """A one-page PDF with ``title`` and ``lines`` (a valid file, with its xref table)."""
    text = [f"BT /F1 16 Tf 56 780 Td ({_ascii(title)}) Tj ET"]
    for number, line in enumerate(lines):
        if line:  # an empty line only moves the next one down
            text.append(f"BT /F1 11 Tf 56 {748 - 16 * number} Td ({_ascii(line)}) Tj ET")
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def png_image(rgb: tuple[int, int, int], width: int = 4, height: int = 3) -> bytes:
    """A small one-colour PNG (a stand-in for a photo), valid chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _evidence_file(
    item: DemoEvidence, cap: CorrectiveActionPlan, valid: tuple[date, date] | None
) -> ContentFile[bytes]:
    if item.file_name.endswith(".png"):
        # A colour from the name, so the "photos" are not all alike.
        seed = zlib.crc32(item.file_name.encode())
        content = png_image((seed & 0xFF, (seed >> 8) & 0xFF, (seed >> 16) & 0xFF))
    else:
        lines = [cap.facility.name, item.description, ""]
        # Wrapped to fit the page's width in the 11-point font.
        lines += textwrap.wrap(f"Finding: {cap.finding.description}", width=85)
        if valid is not None:
            lines += ["", f"Issued {valid[0].isoformat()}, valid until {valid[1].isoformat()}."]
        lines += ["", "Demonstration document of the CSR Platform demo data."]
        content = pdf_document(item.file_name.rsplit(".", 1)[0].replace("-", " ").title(), lines)
    return ContentFile(content, name=item.file_name)


# --- Who acts ------------------------------------------------------------------------


def _password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


def _membership(email: str, slug: str) -> Membership | None:
    return (
        Membership.objects.select_related("user", "organization")
        .filter(user__email=email, organization__slug=slug, is_active=True)
        .first()
    )


def _cso_organization() -> Organization:
    """The civil-society partner, with a login for each role of a partner, made the
    way the core demo makes its logins."""
    organization, _created = Organization.objects.get_or_create(
        slug=CSO,
        defaults={
            "name": CSO_NAME,
            "kind": OrganizationKind.PARTNER,
            "partner_type": PartnerType.CSO,
        },
    )
    for role in ROLES_BY_KIND[OrganizationKind.PARTNER]:
        email = f"{role}@{CSO}.example"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, password=_password(), full_name=f"{role.title()} at {CSO_NAME}"
        )
        Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": role}
        )
    return organization


@dataclass
class Cast:
    """The logins a story needs, looked up once."""

    brands: dict[str, Membership | None]
    consultant: Membership | None
    cso: Membership | None
    suppliers: dict[str, Membership | None] = field(default_factory=dict)

    def supplier_of(self, cap: CorrectiveActionPlan) -> Membership | None:
        slug = cap.facility.supplier.slug
        if slug not in self.suppliers:
            self.suppliers[slug] = _membership(f"admin@{slug}.example", slug)
        return self.suppliers[slug]

    def actor(self, who: str, cap: CorrectiveActionPlan) -> Membership | None:
        owner = cap.brand.slug
        if who == BRAND:
            return self.brands.get(owner)
        if who == OTHER_BRAND:
            other = BLUEFJORD if owner == NORTHWIND else NORTHWIND
            return self.brands.get(other)
        if who == SUPPLIER:
            return self.supplier_of(cap)
        if who == CONSULTANT_MEMBER:
            return self.consultant
        return self.cso


# --- Telling the stories ---------------------------------------------------------------


@dataclass
class Tally:
    caps: int = 0
    causes: int = 0
    actions: int = 0
    evidence: int = 0
    comments: int = 0
    extensions: int = 0
    participants: int = 0
    skipped: list[str] = field(default_factory=list)


def _tell(story: CapStory, cap: CorrectiveActionPlan, cast: Cast, tally: Tally) -> None:
    brand = cast.actor(BRAND, cap)
    worker = cast.actor(story.worker, cap)
    works = story.outcome not in (Status.OPEN, Status.CANCELLED)
    if brand is None or (works and worker is None):
        tally.skipped.append(f"{story.reference} {story.category}: a demo login is missing")
        return
    follow_up = (
        Audit.objects.filter(
            facility_id=cap.facility_id, reference=story.follow_up, status=Audit.Status.FINAL
        ).first()
        if story.follow_up
        else None
    )
    if (
        story.outcome == Status.VERIFIED
        and cap.verification_method == CorrectiveActionPlan.Verification.FOLLOW_UP_AUDIT
        and follow_up is None
    ):
        tally.skipped.append(f"{story.reference} {story.category}: no follow-up audit")
        return
    today = timezone.localdate()
    base = cap.finding.audit.start_date if story.dated_from == AUDIT else today

    def day(offset: int) -> date:
        return base + timedelta(days=offset)

    for slug, note in story.participants:
        participant_add(cap=cap, by=brand, organization_slug=slug, note=note)
        tally.participants += 1
    if story.outcome == Status.CANCELLED:
        cap_cancel(cap=cap, by=brand, reason=story.note)
    elif works and worker is not None:
        _work(story, cap, worker, day, tally)
        if story.extension is not None:
            _extension(story.extension, cap, worker, brand, today, tally)
        if story.new_due is not None:
            days, reason = story.new_due
            cap_set_due_date(
                cap=cap, by=brand, due_date=today + timedelta(days=days), reason=reason
            )
        if story.outcome in (Status.SUBMITTED, Status.RETURNED, Status.VERIFIED):
            cap_submit(cap=cap, by=worker)
        if story.outcome == Status.RETURNED:
            cap_return(cap=cap, by=brand, reason=story.note)
        elif story.outcome == Status.VERIFIED:
            cap_verify(cap=cap, by=brand, note=story.note, follow_up_audit=follow_up)
    for item in story.comments:
        author = cast.actor(item.by, cap)
        if author is not None:
            comment_add(cap=cap, by=author, body=item.body, internal=item.internal)
            tally.comments += 1
    tally.caps += 1


def _work(
    story: CapStory,
    cap: CorrectiveActionPlan,
    worker: Membership,
    day: Callable[[int], date],
    tally: Tally,
) -> None:
    """Root causes, then actions, then evidence: the plan as the supplier writes it."""
    for cause in story.causes:
        root_cause_add(
            cap=cap,
            by=worker,
            method=RootCause.Method.FIVE_WHYS if cause.whys else RootCause.Method.FISHBONE,
            category=cause.category,
            cause=cause.cause,
            whys=[{"why": why, "because": because} for why, because in cause.whys],
            purchasing_code=cause.code,
        )
        tally.causes += 1
    actions = []
    for item in story.actions:
        actions.append(
            action_add(
                cap=cap,
                by=worker,
                kind=item.kind,
                description=item.description,
                owner=item.owner,
                due_date=day(item.due),
                status=item.status,
                completed_on=day(item.done) if item.done is not None else None,
            )
        )
        tally.actions += 1
    for evidence in story.evidence:
        valid = (day(evidence.valid[0]), day(evidence.valid[1])) if evidence.valid else None
        evidence_add(
            cap=cap,
            by=worker,
            file=_evidence_file(evidence, cap, valid),
            description=evidence.description,
            valid_from=valid[0] if valid else None,
            valid_until=valid[1] if valid else None,
            action=actions[evidence.action] if evidence.action is not None else None,
        )
        tally.evidence += 1


def _extension(
    item: DemoExtension,
    cap: CorrectiveActionPlan,
    worker: Membership,
    brand: Membership,
    today: date,
    tally: Tally,
) -> None:
    request = extension_request(
        cap=cap, by=worker, due_date=today + timedelta(days=item.days), reason=item.reason
    )
    tally.extensions += 1
    if item.decision:
        extension_decide(
            extension=request, by=brand, approve=item.decision == "approve", note=item.note
        )


def _untouched(cap: CorrectiveActionPlan) -> bool:
    """Nothing happened to the CAP since it was opened (a rerun leaves it alone)."""
    return not cap.events.exclude(action="opened").exists()


# --- The consultant directory -----------------------------------------------------------

PROFILES: dict[str, dict[str, object]] = {
    CONSULTANT: {
        "summary": "Remediation consultancy for factories and brands on working hours, "
        "wages, recruitment and worker representation, with teams in Dhaka, Ho Chi Minh "
        "City and Phnom Penh.",
        "specialties": [
            Category.HOURS,
            Category.WAGE,
            Category.FORCED,
            Category.FOA,
            Category.MGMT,
            Category.OSH,
        ],
        "countries": ["BD", "VN", "KH", "ID"],
        "languages": ["English", "Bangla", "Vietnamese", "Khmer", "Bahasa Indonesia"],
        "case_studies": "Working hours in knitwear, Bangladesh: capacity planning with "
        "three buyers brought weekly hours under 60 in five months.\n"
        "Recruitment fees, Bangladesh: reimbursement and direct hiring for 300 workers.",
        "references": "Two brands and two factories; contacts on request.",
        "website": "https://fairwork-remediation.example",
    },
    CSO: {
        "summary": "Workers' rights organisation in Gazipur and Narayanganj: information "
        "sessions for workers, observation of participation committee elections, and a "
        "confidential helpline.",
        "specialties": [Category.FOA, Category.VOICE, Category.TREAT, Category.DISC],
        "countries": ["BD"],
        "languages": ["Bangla", "English"],
        "case_studies": "Observed 14 participation committee elections in 2025.",
        "references": "",
        "website": "",
    },
}

# A brand's own vetting notes: (brand, partner, rating, vetted, notes).
NOTES: tuple[tuple[str, str, int | None, bool, str], ...] = (
    (
        NORTHWIND,
        CONSULTANT,
        4,
        True,
        "Vetted: references from two brands checked. Strong on hours and planning; slow "
        "to report from Cambodia.",
    ),
    (
        NORTHWIND,
        CSO,
        None,
        True,
        "Independent: takes no fees from factories. Our first call for election "
        "observation and worker sessions.",
    ),
    (BLUEFJORD, CONSULTANT, 5, False, "Good first project in Bandung; not vetted yet."),
)


def _directory(cast: Cast) -> int:
    """Profiles the partners write themselves, and the brands' private notes."""
    added = 0
    for slug, member in ((CONSULTANT, cast.consultant), (CSO, cast.cso)):
        if member is None or ConsultantProfile.objects.filter(organization__slug=slug).exists():
            continue
        consultant_profile_update(by=member, **PROFILES[slug])
        added += 1
    for brand_slug, partner, rating, vetted, notes in NOTES:
        brand = cast.brands.get(brand_slug)
        profile = ConsultantProfile.objects.filter(organization__slug=partner).first()
        if brand is None or profile is None:
            continue
        if ConsultantNote.objects.filter(
            brand_id=brand.organization_id, consultant=profile
        ).exists():
            continue
        consultant_note_save(
            by=brand, consultant=profile, rating=rating, vetted=vetted, notes=notes
        )
        added += 1
    return added


# --- Seed -----------------------------------------------------------------------------


def _summary(caps: list[CorrectiveActionPlan], today: date) -> str:
    by_status = Counter(cap.status for cap in caps)
    parts = [f"{by_status[status]} {label.lower()}" for status, label in Status.choices]
    not_sustained = sum(1 for cap in caps if cap.not_sustained_at is not None)
    overdue = sum(1 for cap in caps if cap.is_overdue(today))
    soon = sum(
        1
        for cap in caps
        if cap.is_open and cap.due_date and today <= cap.due_date <= today + timedelta(days=7)
    )
    return (
        f"  CAPs of the demo audits: {', '.join(parts)} ({not_sustained} not sustained); "
        f"{overdue} overdue, {soon} due within 7 days."
    )


def seed(stdout: TextIO) -> None:
    brands = {slug: _membership(email, slug) for slug, email in audits_demo.BRAND_RECORDERS.items()}
    if None in brands.values():
        stdout.write("Remediation: the demo brands are missing; run the core demo first.\n")
        return
    _cso_organization()
    cast = Cast(
        brands=brands,
        consultant=_membership(f"member@{CONSULTANT}.example", CONSULTANT),
        cso=_membership(f"member@{CSO}.example", CSO),
    )
    stories = {(story.reference, story.category): story for story in STORIES}
    references = {spec.reference for spec in audits_demo.AUDITS}
    audits = Audit.objects.filter(reference__in=references, status=Audit.Status.FINAL).order_by(
        "start_date", "created_at"
    )
    tally = Tally()
    # Oldest first: opening a later audit's CAPs marks the verified CAPs of the fixes
    # it found undone, so those are verified before it is opened.
    for audit in audits:
        caps_open_for_audit(audit_id=str(audit.pk))
        caps = (
            CorrectiveActionPlan.objects.filter(finding__audit=audit)
            .select_related("finding__audit", "facility__supplier", "brand")
            .order_by("finding__number")
        )
        for cap in caps:
            story = stories.get((audit.reference, cap.finding.category))
            if story is not None and _untouched(cap):
                _tell(story, cap, cast, tally)
    directory = _directory(cast)

    demo_caps = list(CorrectiveActionPlan.objects.filter(finding__audit__reference__in=references))
    resolved_open = CorrectiveActionPlan.objects.filter(
        finding__audit__reference__in=references,
        finding__status=Finding.Status.RESOLVED,
    ).exclude(status=Status.VERIFIED)
    stdout.write(
        f"Remediation: {tally.caps} CAPs worked on: {tally.causes} root causes, "
        f"{tally.actions} actions, {tally.evidence} evidence files, {tally.comments} "
        f"comments, {tally.extensions} requests for more time, {tally.participants} "
        f"participants; {directory} directory profiles and notes added.\n"
    )
    stdout.write(_summary(demo_caps, timezone.localdate()) + "\n")
    for line in tally.skipped:
        stdout.write(f"  Skipped {line}.\n")
    if resolved_open.exists():
        stdout.write(f"  {resolved_open.count()} resolved findings have an unverified CAP.\n")
    for role in ROLES_BY_KIND[OrganizationKind.PARTNER]:
        email = f"{role}@{CSO}.example"
        stdout.write(f"  {email:<34} {role:<9} {CSO_NAME}\n")
