"""Demo data of suppliers and vetting: country risk ratings, and facilities of Northwind
Apparel in every relationship status, one of them shared with Bluefjord Outdoor.

Built through the services (facility_add, screenings, decisions and sign-offs by two
different people, exit plans), so every timeline is real. Idempotent: a facility is
looked up by its Open Supply Hub id and a relationship by brand and facility; whatever
exists is left as it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any, TextIO

from django.utils import timezone
from django.utils.text import slugify

from csr_platform.demo import DEFAULT_PASSWORD
from csr_platform.models import Membership, Organization, User
from csr_platform.roles import OrganizationKind, Role
from suppliers.models import (
    Certification,
    CountryRisk,
    Facility,
    Question,
    Screening,
    SourcingRelationship,
)
from suppliers.services.exits import exit_complete, exit_plan_start, exit_step_done
from suppliers.services.facilities import facility_add
from suppliers.services.relationships import (
    relationship_decide,
    relationship_sign_off,
    relationship_suspend,
)
from suppliers.services.risk import relationship_refresh_risk
from suppliers.services.screenings import screening_answer, screening_send
from suppliers.services.timeline import facility_event_record

Status = SourcingRelationship.Status

DEMO_RATING_NOTE = (
    "Demonstration value for the demo data only, not an assessment of the country. "
    "Platform staff replace it with a rating based on sources such as the ITUC Global "
    "Rights Index, ILO country data and the brand's own audit history."
)
# The countries of the law library; demonstration values, see DEMO_RATING_NOTE.
COUNTRY_RATINGS = {
    "BD": 70,
    "CN": 60,
    "ID": 55,
    "IN": 65,
    "KH": 65,
    "LK": 50,
    "MM": 85,
    "MX": 50,
    "PK": 75,
    "TR": 50,
    "VN": 55,
}


@dataclass(frozen=True)
class DemoFacility:
    os_id: str
    name: str
    country: str
    address: str
    # A demo supplier of csr_platform.demo (by slug), or a new supplier by name that
    # facility_add creates.
    supplier: str
    status: str
    workers: tuple[int, int, int] = (0, 0, 0)
    processes: tuple[str, ...] = ()
    product_types: tuple[str, ...] = ()
    # A new supplier gets a demo admin login (to answer the screening) or, before
    # screening, only an invitation by e-mail.
    supplier_login: bool = True
    certifications: tuple[tuple[str, int], ...] = ()  # (name, days until expiry)
    extra: dict[str, Any] = field(default_factory=dict)


FACILITIES: tuple[DemoFacility, ...] = (
    DemoFacility(
        "BD2024DEMO00001",
        "Chattogram Denim Works",
        "BD",
        "Plot 14, Kalurghat Heavy Industrial Area, Chattogram",
        "Chattogram Denim Ltd",
        Status.PROSPECTIVE,
        (1850, 1100, 750),
        ("cutting", "sewing", "washing"),
        ("jeans",),
        supplier_login=False,
    ),
    DemoFacility(
        "MX2024DEMO00002",
        "Monterrey Jeans Plant",
        "MX",
        "Av. Industrial 220, Apodaca, Nuevo León",
        "Confecciones del Norte SA de CV",
        Status.PROSPECTIVE,
        (640, 380, 260),
        ("sewing", "finishing"),
        ("jeans", "jackets"),
        supplier_login=False,
    ),
    DemoFacility(
        "KH2024DEMO00003",
        "Angkor Garments Phnom Penh",
        "KH",
        "Street 2011, Sangkat Kakab, Phnom Penh",
        "Angkor Garments Co",
        Status.SCREENING,
        (1200, 1020, 180),
        ("cutting", "sewing"),
        ("t-shirts", "polo shirts"),
        supplier_login=False,
    ),
    DemoFacility(
        "BD2024DEMO00004",
        "Dhaka Knitwear Gazipur Unit 1",
        "BD",
        "Kashimpur Road, Gazipur",
        "dhaka-knitwear",
        Status.IN_REVIEW,
        (2400, 1500, 900),
        ("knitting", "dyeing", "sewing"),
        ("sweaters", "t-shirts"),
        certifications=(("WRAP", -40),),
    ),
    DemoFacility(
        "VN2024DEMO00005",
        "Saigon Stitch Thu Duc Factory",
        "VN",
        "Lot B3, Linh Trung Export Processing Zone, Thu Duc, Ho Chi Minh City",
        "saigon-stitch",
        Status.APPROVED,
        (980, 720, 260),
        ("cutting", "sewing", "packing"),
        ("outdoor jackets", "trousers"),
        certifications=(("SA8000", 400), ("ISO 14001", 200)),
    ),
    DemoFacility(
        "BD2024DEMO00006",
        "Dhaka Knitwear Narayanganj Unit 2",
        "BD",
        "BSCIC Industrial Estate, Narayanganj",
        "dhaka-knitwear",
        Status.CONDITIONAL,
        (1300, 800, 500),
        ("knitting", "sewing"),
        ("t-shirts",),
    ),
    DemoFacility(
        "VN2024DEMO00007",
        "Saigon Stitch Binh Duong Plant",
        "VN",
        "VSIP II, Thu Dau Mot, Binh Duong",
        "saigon-stitch",
        Status.SUSPENDED,
        (760, 540, 220),
        ("sewing",),
        ("shirts",),
    ),
    DemoFacility(
        "TR2024DEMO00008",
        "Anatolia Tekstil Bursa",
        "TR",
        "Demirtaş Organize Sanayi Bölgesi, Osmangazi, Bursa",
        "Anatolia Tekstil AŞ",
        Status.EXITING,
        (420, 190, 230),
        ("weaving", "sewing"),
        ("shirts", "blouses"),
    ),
    DemoFacility(
        "IN2024DEMO00009",
        "Tiruppur Knit Mill",
        "IN",
        "Avinashi Road, Tiruppur, Tamil Nadu",
        "Tiruppur Cotton Mills Pvt Ltd",
        Status.EXITED,
        (560, 400, 160),
        ("knitting", "sewing"),
        ("t-shirts",),
    ),
    DemoFacility(
        "MM2024DEMO00010",
        "Golden Thread Garment Factory",
        "MM",
        "Shwe Pyi Thar Industrial Zone, Yangon",
        "Golden Thread Garments Co",
        Status.REJECTED,
        (900, 810, 90),
        ("sewing",),
        ("dresses",),
    ),
)

# The Thu Duc factory is on Bluefjord's list too, being screened by Bluefjord.
SHARED_OS_ID = "VN2024DEMO00005"
BLUEFJORD_ONLY = DemoFacility(
    "ID2024DEMO00011",
    "Bandung Outdoor Gear",
    "ID",
    "Jl. Raya Cimareme 88, Padalarang, West Bandung",
    "PT Bandung Outdoor Gear",
    Status.PROSPECTIVE,
    (1500, 1150, 350),
    ("cutting", "sewing", "seam taping"),
    ("tents", "rain jackets"),
    supplier_login=False,
)


def _password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


def _member(email: str, slug: str) -> Membership:
    return Membership.objects.select_related("user", "organization").get(
        user__email=email, organization__slug=slug
    )


def _supplier_admin(organization: Organization) -> Membership:
    """The supplier's demo admin (admin@<slug>.example), created the way the core demo
    creates its logins."""
    email = f"admin@{organization.slug}.example"
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, password=_password(), full_name=f"Admin at {organization.name}"
    )
    membership, _created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": Role.ADMIN}
    )
    return membership


def _answers(screening: Screening, *, quality: str) -> dict[str, Any]:
    """Answers as a supplier would give them: ``good`` meets every expectation,
    ``mixed`` falls short on a few without red flags, ``poor`` raises red flags."""
    answers: dict[str, Any] = {}
    questions = Question.objects.filter(
        section__questionnaire_id=screening.questionnaire_id
    ).order_by("section__order", "order")
    short = 0
    for question in questions:
        expected, flags = question.expected, question.red_flags or []
        if question.kind == Question.Kind.NUMBER:
            bounds = expected if isinstance(expected, dict) else {}
            answer: Any = (bounds["min"] + 1) if "min" in bounds else 56
            if quality == "poor":
                flag = next((f for f in flags if isinstance(f, dict)), {})
                answer = flag["below"] - 1 if "below" in flag else flag.get("above", 70) + 4
        elif question.kind == Question.Kind.DATE:
            answer = (timezone.localdate() - timedelta(days=75)).isoformat()
        elif question.kind == Question.Kind.TEXT:
            answer = "WRAP (expired), working towards SA8000."
        elif question.kind == Question.Kind.CHOICE:
            answer = expected if expected in question.choices else question.choices[0]
            if quality == "poor" and flags:
                answer = flags[0]
        else:  # yes / no
            answer = expected or "yes"
            opposite = "no" if answer == "yes" else "yes"
            if quality == "poor" and flags:
                answer = flags[0]
            elif quality == "mixed" and opposite not in flags and short < 3:
                answer, short = opposite, short + 1
        answers[str(question.pk)] = answer
    return answers


def _screen(
    relationship: SourcingRelationship, *, by: Membership, supplier: Membership, quality: str
) -> SourcingRelationship:
    """Send the brand's questionnaire and have the supplier answer and submit it."""
    screening = screening_send(relationship=relationship, by=by)
    screening_answer(
        screening=screening,
        by=supplier,
        answers=_answers(screening, quality=quality),
        submit=True,
    )
    relationship.refresh_from_db()
    return relationship


def _approve(
    relationship: SourcingRelationship,
    *,
    csr: Membership,
    sourcing: Membership,
    conditions: str = "",
) -> SourcingRelationship:
    relationship = relationship_decide(
        relationship=relationship,
        by=csr,
        decision="conditional" if conditions else "approve",
        rationale="Screening answers meet our code; country risk mitigated by the last audit.",
        conditions=conditions,
    )
    return relationship_sign_off(
        relationship=relationship, by=sourcing, note="Capacity and lead times confirmed."
    )


def _start_exit(
    relationship: SourcingRelationship,
    *,
    csr: Membership,
    sourcing: Membership,
    workers: int,
    currency: str,
) -> SourcingRelationship:
    today = timezone.localdate()
    exit_plan_start(
        relationship=relationship,
        by=csr,
        reason=(
            "Repeated excessive overtime and unpaid overtime premiums over two audit cycles; "
            "the corrective action plans were not sustained."
        ),
        remediation_attempts=(
            "Two CAPs on working hours (both returned), a consultant-led production "
            "planning training, and a joint meeting with the owner."
        ),
        workers_affected=workers,
        outstanding_wages=Decimal("18500.00"),
        outstanding_currency=currency,
        outstanding_benefits="Overtime premiums owed for the last six months.",
        worker_impact=(
            "Our orders are about a third of the factory's volume; the owner expects to "
            "replace half of it within six months. Risk of layoffs on the second line."
        ),
        notice_period_days=90,
        notice_given_on=today - timedelta(days=30),
        phase_down=[
            {"date": (today - timedelta(days=30)).isoformat(), "percent": 75},
            {"date": (today + timedelta(days=30)).isoformat(), "percent": 40},
            {"date": (today + timedelta(days=90)).isoformat(), "percent": 0},
        ],
        steps=[
            {
                "description": "Tell the owner and the worker committee of the exit and "
                "the phase-down schedule",
                "owner": "CSR lead",
                "due_on": today - timedelta(days=30),
            },
            {
                "description": "Verify payment of the outstanding overtime premiums",
                "owner": "CSR lead",
                "due_on": today + timedelta(days=45),
            },
            {
                "description": "Introduce the factory to two other brands sourcing locally",
                "owner": "Sourcing manager",
                "due_on": today + timedelta(days=60),
            },
        ],
    )
    return relationship_sign_off(
        relationship=relationship, by=sourcing, note="Orders reallocated for next season."
    )


def _finish_steps(relationship: SourcingRelationship, *, csr: Membership, all_steps: bool) -> None:
    plan = relationship.exit_plans.get(status="in_progress")
    steps = list(plan.steps.order_by("order"))
    for step in steps if all_steps else steps[:1]:
        exit_step_done(step=step, by=csr)


def _drive(
    relationship: SourcingRelationship,
    spec: DemoFacility,
    *,
    csr: Membership,
    sourcing: Membership,
    supplier: Membership | None,
) -> SourcingRelationship:
    """Take a new prospective relationship to the status ``spec`` asks for."""
    if spec.status == Status.PROSPECTIVE:
        return relationship
    if spec.status == Status.SCREENING:
        return screening_send(relationship=relationship, by=csr).relationship
    if supplier is None:
        raise ValueError(f"{spec.name} needs a supplier login to answer its screening.")
    qualities: dict[str, str] = {
        Status.REJECTED: "poor",
        Status.CONDITIONAL: "mixed",
        Status.IN_REVIEW: "mixed",
    }
    quality = qualities.get(spec.status, "good")
    relationship = _screen(relationship, by=csr, supplier=supplier, quality=quality)
    if spec.status == Status.IN_REVIEW:
        # Decided by CSR, waiting for the sourcing manager's sign-off.
        return relationship_decide(
            relationship=relationship,
            by=csr,
            decision="approve",
            rationale="Answers acceptable; the missing fire certificate is being renewed.",
        )
    if spec.status == Status.REJECTED:
        return relationship_decide(
            relationship=relationship,
            by=csr,
            decision="reject",
            rationale="Red flags: workers under 15 and undeclared subcontracting.",
        )
    if spec.status == Status.CONDITIONAL:
        return _approve(
            relationship,
            csr=csr,
            sourcing=sourcing,
            conditions="Renew the fire certificate within 60 days; follow-up audit in 6 months.",
        )
    relationship = _approve(relationship, csr=csr, sourcing=sourcing)
    if spec.status == Status.SUSPENDED:
        return relationship_suspend(
            relationship=relationship,
            by=csr,
            reason="Locked emergency exit found in an unannounced visit; suspended until fixed.",
        )
    if spec.status in (Status.EXITING, Status.EXITED):
        workers = spec.workers[0]
        currency = {"TR": "TRY", "IN": "INR"}.get(spec.country, "USD")
        relationship = _start_exit(
            relationship, csr=csr, sourcing=sourcing, workers=workers, currency=currency
        )
        _finish_steps(relationship, csr=csr, all_steps=spec.status == Status.EXITED)
        if spec.status == Status.EXITED:
            relationship = exit_complete(
                relationship=relationship, by=csr, note="Last order shipped; wages verified."
            )
    return relationship


def _facility_values(spec: DemoFacility) -> dict[str, Any]:
    workers, women, men = spec.workers
    return {
        "address": spec.address,
        "worker_count": workers or None,
        "workers_female": women or None,
        "workers_male": men or None,
        "processes": list(spec.processes),
        "product_types": list(spec.product_types),
    }


def _add(
    spec: DemoFacility, *, by: Membership, owner: Membership | None = None
) -> tuple[SourcingRelationship, bool]:
    """The brand's relationship to the facility of ``spec``, and whether it is new."""
    facility = Facility.objects.filter(os_id=spec.os_id).first()
    if facility is not None:
        existing = SourcingRelationship.objects.filter(
            brand=by.organization, facility=facility
        ).first()
        if existing is not None:
            return existing, False
    demo_supplier = Organization.objects.filter(
        slug=spec.supplier, kind=OrganizationKind.SUPPLIER
    ).first()
    created_here = facility is None
    if facility is None and demo_supplier is not None:
        # A demo supplier's own facility: on the platform before the brand adds it.
        admin = _member(f"admin@{demo_supplier.slug}.example", demo_supplier.slug)
        facility = Facility.objects.create(
            supplier=demo_supplier,
            name=spec.name,
            country=spec.country,
            os_id=spec.os_id,
            created_by=admin.user,
            **_facility_values(spec),
        )
        facility_event_record(facility=facility, action="facility_added", actor=admin.user)
    relationship = facility_add(
        by=by,
        name=spec.name,
        country=spec.country,
        os_id=spec.os_id,
        supplier_name=spec.supplier,
        supplier_admin_email=(
            "" if spec.supplier_login else f"owner@{slugify(spec.supplier)}.example"
        ),
        sourcing_owner=owner,
        **_facility_values(spec),
    )
    if created_here:
        today = timezone.localdate()
        for name, days in spec.certifications:
            Certification.objects.get_or_create(
                facility=relationship.facility,
                name=name,
                defaults={
                    "issued_on": today + timedelta(days=days) - timedelta(days=3 * 365),
                    "expires_on": today + timedelta(days=days),
                },
            )
    return relationship, True


def _seed_country_risk() -> int:
    created = 0
    for country, rating in COUNTRY_RATINGS.items():
        _risk, was_created = CountryRisk.objects.get_or_create(
            country=country, defaults={"rating": rating, "rationale": DEMO_RATING_NOTE}
        )
        created += was_created
    return created


def seed(stdout: TextIO) -> None:
    ratings = _seed_country_risk()
    northwind = Organization.objects.filter(slug="northwind").first()
    bluefjord = Organization.objects.filter(slug="bluefjord").first()
    if northwind is None or bluefjord is None:
        stdout.write("Suppliers: the demo brands are missing; run the core demo first.\n")
        return
    csr = _member("csr@northwind.example", "northwind")
    sourcing = _member("sourcing@northwind.example", "northwind")
    added: list[str] = []
    for spec in FACILITIES:
        relationship, is_new = _add(spec, by=csr, owner=sourcing)
        if not is_new:
            continue
        supplier_org = relationship.facility.supplier
        supplier: Membership | None = None
        if spec.supplier_login:
            supplier = _supplier_admin(supplier_org)
        relationship = _drive(relationship, spec, csr=csr, sourcing=sourcing, supplier=supplier)
        relationship_refresh_risk(relationship=relationship)
        added.append(f"{spec.name} ({relationship.get_status_display()})")

    blue_csr = _member("csr@bluefjord.example", "bluefjord")
    shared = next(spec for spec in FACILITIES if spec.os_id == SHARED_OS_ID)
    relationship, is_new = _add(shared, by=blue_csr)
    if is_new:
        relationship = screening_send(relationship=relationship, by=blue_csr).relationship
        relationship_refresh_risk(relationship=relationship)
        added.append(f"{shared.name} (Bluefjord, screening)")
    relationship, is_new = _add(BLUEFJORD_ONLY, by=blue_csr)
    if is_new:
        relationship_refresh_risk(relationship=relationship)
        added.append(f"{BLUEFJORD_ONLY.name} (Bluefjord, prospective)")

    stdout.write(
        f"Suppliers: {ratings} country risk ratings and {len(added)} relationships added.\n"
    )
    for line in added:
        stdout.write(f"  {line}\n")
    for spec in FACILITIES:
        facility = Facility.objects.select_related("supplier").get(os_id=spec.os_id)
        if spec.supplier_login and facility.supplier.slug != spec.supplier:
            email = f"admin@{facility.supplier.slug}.example"
            stdout.write(f"  {email:<34} admin     {facility.supplier.name}\n")
