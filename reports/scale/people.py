"""Brands, their staff, consultants, severity policies and screening questionnaires.

Twenty brands: the largest (``scale-brand-01``) with 5,000 facilities, then a long
tail from 1,500 down to 50 (a power law through both ends), each count multiplied by
the scale. Every brand has an admin and a viewer, and CSR staff and sourcing managers
in proportion to its size; every generated person has the same password, hashed once.
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta

from audits.models import SeverityPolicy
from csr_platform.models import Membership, Organization, User
from csr_platform.roles import OrganizationKind, PartnerType, Role
from laws.taxonomy import Severity
from remediation.models import ConsultantProfile
from reports.scale import vocabulary as words
from reports.scale.context import Brand, Key, Person, Run, Weighted
from suppliers.models import Question, Questionnaire, Section
from suppliers.questionnaire_template import DEFAULT_QUESTIONNAIRE

BRANDS = 20
LARGEST_FACILITIES = 5000
# The tail runs from 1,500 facilities (the second brand) to 50 (the twentieth).
TAIL_FIRST, TAIL_LAST = 1500, 50
# A stricter policy for every third brand: the ladder is the brand's to set.
STRICT_DAYS = {
    Severity.ZERO_TOLERANCE: 7,
    Severity.CRITICAL: 21,
    Severity.MAJOR: 60,
    Severity.MINOR: 120,
}


def facility_counts(scale: float) -> list[int]:
    """Facilities per brand, largest first; every brand keeps at least one."""
    exponent = math.log(TAIL_FIRST / TAIL_LAST) / math.log(BRANDS - 1)
    counts = [LARGEST_FACILITIES] + [
        round(TAIL_FIRST * rank**-exponent) for rank in range(1, BRANDS)
    ]
    return [max(1, round(count * scale)) for count in counts]


def person_name(run: Run) -> str:
    return f"{run.rng.choice(words.FIRST_NAMES)} {run.rng.choice(words.LAST_NAMES)}"


def add_person(
    run: Run,
    *,
    organization_id: Key,
    email: str,
    role: str,
    joined: datetime,
    time_zone: str,
    name: str | None = None,
) -> Person:
    """A user (with the run's one password hash) and their membership."""
    tables = run.tables
    user_id, membership_id = run.key(), run.key()
    name = name or person_name(run)
    tables[User].add(
        id=user_id,
        password=run.password_hash,
        email=email,
        full_name=name,
        date_joined=joined,
        language="es" if run.chance(0.1) else "en",
        time_zone=time_zone,
    )
    tables[Membership].add(
        id=membership_id,
        user_id=user_id,
        organization_id=organization_id,
        role=role,
        created_at=joined,
    )
    return Person(user_id, membership_id, email, name, organization_id)


def add_brands(run: Run) -> None:
    for number, count in enumerate(facility_counts(run.scale), start=1):
        run.brands.append(_brand(run, number, count))


def _brand(run: Run, number: int, facility_count: int) -> Brand:
    tables = run.tables
    slug = f"scale-brand-{number:02d}"
    brand_id = run.key()
    created = run.moment(run.window_start - timedelta(days=run.rng.randint(30, 120)))
    tables[Organization].add(
        id=brand_id,
        name=f"Scale Brand {number:02d}",
        slug=slug,
        kind=OrganizationKind.BRAND,
        created_at=created,
    )
    time_zone = run.rng.choice(words.BRAND_TIME_ZONES)

    def staff(role: str, how_many: int) -> list[Person]:
        return [
            add_person(
                run,
                organization_id=brand_id,
                email=f"{role}@{slug}.example" if n == 1 else f"{role}-{n}@{slug}.example",
                role=role,
                joined=created + timedelta(days=run.rng.randint(0, 30)),
                time_zone=time_zone,
            )
            for n in range(1, how_many + 1)
        ]

    admin = staff(Role.ADMIN, 1)[0]
    csr = staff(Role.CSR, max(1, math.ceil(facility_count / 1000)))
    sourcing = staff(Role.SOURCING, max(1, math.ceil(facility_count / 800)))
    viewer = staff(Role.VIEWER, 1)[0]
    days: dict[str, int] = {str(s): d for s, d in SeverityPolicy.DEFAULT_DAYS.items()}
    if number % 3 == 0:
        days = {str(s): d for s, d in STRICT_DAYS.items()}
        tables[SeverityPolicy].add(
            brand_id=brand_id,
            updated_at=created,
            updated_by_id=admin.user_id,
            escalation_grace_days=7,
            **{f"{severity}_days": value for severity, value in days.items()},
        )
    questionnaire_id, questions = _questionnaire(run, brand_id, created)
    return Brand(
        number=number,
        id=brand_id,
        slug=slug,
        name=f"Scale Brand {number:02d}",
        facility_count=facility_count,
        created_at=created,
        admin=admin,
        csr=csr,
        sourcing=sourcing,
        viewer=viewer,
        days=days,
        schemes=Weighted(words.SCHEME_MIXES[(number - 1) % len(words.SCHEME_MIXES)]),
        questionnaire_id=questionnaire_id,
        questions=questions,
    )


def _questionnaire(run: Run, brand_id: Key, created: datetime) -> tuple[Key, list[Question]]:
    """The brand's published copy of the default questionnaire. Sections have integer
    keys from the database's sequence, so they are inserted here, at once."""
    questionnaire_id = run.key()
    run.tables[Questionnaire].add(
        id=questionnaire_id,
        brand_id=brand_id,
        name=DEFAULT_QUESTIONNAIRE["name"],
        version=1,
        status=Questionnaire.Status.PUBLISHED,
        created_at=created,
    )
    run.tables[Questionnaire].flush()
    sections = Section.objects.bulk_create(
        [
            Section(questionnaire_id=questionnaire_id, title=section["title"], order=position)
            for position, section in enumerate(DEFAULT_QUESTIONNAIRE["sections"])
        ]
    )
    run.tables.count(Section._meta.label, len(sections))
    questions: list[Question] = []
    for section, template in zip(sections, DEFAULT_QUESTIONNAIRE["sections"], strict=True):
        for position, values in enumerate(template["questions"]):
            # A real UUID: screening answers are keyed by ``str(question.pk)``.
            question = Question(
                id=uuid.UUID(run.key()), section_id=section.pk, order=position, **values
            )
            questions.append(question)
            run.tables[Question].add(
                **{f.attname: getattr(question, f.attname) for f in Question._meta.concrete_fields}
            )
    return questionnaire_id, questions


def add_partners(run: Run) -> None:
    """Remediation consultants in the directory, each with one member."""
    tables = run.tables
    for number, (name, specialties, countries) in enumerate(words.CONSULTANTS, start=1):
        partner_id = run.key()
        slug = f"scale-partner-{number}"
        created = run.moment(run.window_start + timedelta(days=run.rng.randint(0, 365)))
        tables[Organization].add(
            id=partner_id,
            name=name,
            slug=slug,
            kind=OrganizationKind.PARTNER,
            partner_type=PartnerType.CONSULTANT,
            created_at=created,
        )
        tables[ConsultantProfile].add(
            organization_id=partner_id,
            summary=f"{name} helps factories fix and prevent problems in "
            + ", ".join(specialties)
            + ".",
            specialties=list(specialties),
            countries=list(countries),
            languages=["en"],
            updated_at=created,
        )
        member = add_person(
            run,
            organization_id=partner_id,
            email=f"member@{slug}.example",
            role=Role.MEMBER,
            joined=created,
            time_zone=words.TIME_ZONES.get(countries[0], "UTC"),
        )
        run.partners.append((partner_id, name, frozenset(countries), member))
