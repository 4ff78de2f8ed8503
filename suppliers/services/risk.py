"""A supplier's risk score, 0 (low) to 100 (high), that explains itself.

Components, each shown with its points: the country's baseline rating, the share of
screening answers that fall short (weighted), red flags, valid certifications (which
lower the risk), and — once audits exist — audit history. Computed in a fixed number
of queries per relationship and stored on it, with the breakdown.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

from suppliers.models import Certification, CountryRisk, Question, Screening, SourcingRelationship

# Maximum points per component; they add up to 100.
COUNTRY_POINTS = 30
ANSWER_POINTS = 40
RED_FLAG_POINTS = 30
RED_FLAG_EACH = 15
CERTIFICATE_CREDIT = 5
CERTIFICATE_CREDIT_MAX = 10
# Used when platform staff have not rated a country yet.
UNRATED_COUNTRY = 50

GRADES = ((25, "low"), (50, "medium"), (75, "high"), (101, "critical"))


@dataclass
class Component:
    key: str
    label: str
    points: int
    detail: str


def grade_for(score: int) -> str:
    return next(grade for limit, grade in GRADES if score < limit)


def is_red_flag(question: Question, answer: Any) -> bool:
    for flag in question.red_flags or []:
        if isinstance(flag, dict) and answer not in (None, ""):
            try:
                number = float(answer)
            except (TypeError, ValueError):
                continue
            if "below" in flag and number < float(flag["below"]):
                return True
            if "above" in flag and number > float(flag["above"]):
                return True
        elif answer == flag:
            return True
    return False


def falls_short(question: Question, answer: Any) -> bool:
    """An unanswered question, or an answer other than the expected one."""
    if answer in (None, "", []):
        return True
    if question.expected is None:
        return False
    if isinstance(question.expected, dict):
        try:
            number = float(answer)
        except (TypeError, ValueError):
            return True
        low, high = question.expected.get("min"), question.expected.get("max")
        return (low is not None and number < float(low)) or (
            high is not None and number > float(high)
        )
    return bool(answer != question.expected)


def risk_components(relationship: SourcingRelationship) -> list[Component]:
    facility = relationship.facility
    components: list[Component] = []
    rating = (
        CountryRisk.objects.filter(country=facility.country)
        .values_list("rating", flat=True)
        .first()
    )
    baseline = UNRATED_COUNTRY if rating is None else rating
    components.append(
        Component(
            "country",
            _("Country baseline"),
            round(COUNTRY_POINTS * baseline / 100),
            _("%(country)s rated %(rating)s/100%(unrated)s")
            % {
                "country": facility.country.name,
                "rating": baseline,
                "unrated": "" if rating is not None else _(" (not rated yet: middle value used)"),
            },
        )
    )
    screening = (
        Screening.objects.filter(relationship=relationship, status=Screening.Status.SUBMITTED)
        .order_by("-submitted_at")
        .first()
    )
    if screening is None:
        components.append(
            Component(
                "answers",
                _("Screening answers"),
                ANSWER_POINTS // 2,
                _("No screening submitted yet"),
            )
        )
        components.append(
            Component("red_flags", _("Red flags"), 0, _("No screening submitted yet"))
        )
    else:
        questions = list(
            Question.objects.filter(section__questionnaire_id=screening.questionnaire_id)
        )
        total = sum(q.weight for q in questions) or 1
        short = [q for q in questions if falls_short(q, screening.answers.get(str(q.pk)))]
        flags = [q for q in questions if is_red_flag(q, screening.answers.get(str(q.pk)))]
        components.append(
            Component(
                "answers",
                _("Screening answers"),
                round(ANSWER_POINTS * sum(q.weight for q in short) / total),
                _("%(short)s of %(all)s answers fall short of what is expected")
                % {"short": len(short), "all": len(questions)},
            )
        )
        components.append(
            Component(
                "red_flags",
                _("Red flags"),
                min(RED_FLAG_POINTS, RED_FLAG_EACH * len(flags)),
                "; ".join(q.text[:80] for q in flags) or _("None"),
            )
        )
    valid = [c for c in Certification.objects.filter(facility=facility) if c.is_valid]
    components.append(
        Component(
            "certifications",
            _("Valid certifications"),
            -min(CERTIFICATE_CREDIT_MAX, CERTIFICATE_CREDIT * len(valid)),
            ", ".join(c.name for c in valid) or _("None"),
        )
    )
    return components


def relationship_refresh_risk(*, relationship: SourcingRelationship) -> SourcingRelationship:
    """Recompute and store the score, grade and breakdown."""
    components = risk_components(relationship)
    score = max(0, min(100, sum(c.points for c in components)))
    relationship.risk_score = score
    relationship.risk_grade = grade_for(score)
    relationship.risk_breakdown = [asdict(c) for c in components]
    relationship.save(update_fields=["risk_score", "risk_grade", "risk_breakdown", "updated_at"])
    return relationship
