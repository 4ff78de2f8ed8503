"""Questionnaires going out, suppliers answering them, and the brand's questionnaires."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership, Organization
from csr_platform.permissions import Capability
from suppliers.models import Question, Questionnaire, Screening, Section, SourcingRelationship
from suppliers.questionnaire_template import DEFAULT_QUESTIONNAIRE
from suppliers.services.relationships import (
    relationship_mark_in_review,
    relationship_mark_screening,
)
from suppliers.services.risk import relationship_refresh_risk


def questionnaire_from_template(
    *, brand: Organization, template: dict[str, Any] = DEFAULT_QUESTIONNAIRE
) -> Questionnaire:
    """A published questionnaire for ``brand`` built from a template document."""
    latest = (
        Questionnaire.objects.filter(brand=brand, name=template["name"])
        .order_by("-version")
        .first()
    )
    questionnaire = Questionnaire.objects.create(
        brand=brand,
        name=template["name"],
        version=(latest.version + 1) if latest else 1,
        status=Questionnaire.Status.PUBLISHED,
        previous=latest,
    )
    for s_order, section in enumerate(template["sections"]):
        created = Section.objects.create(
            questionnaire=questionnaire, title=section["title"], order=s_order
        )
        for q_order, question in enumerate(section["questions"]):
            Question.objects.create(section=created, order=q_order, **question)
    return questionnaire


def questionnaire_for_sending(brand: Organization) -> Questionnaire:
    """The brand's newest published questionnaire; the default one on first use."""
    current = (
        Questionnaire.objects.filter(brand=brand, status=Questionnaire.Status.PUBLISHED)
        .order_by("-created_at")
        .first()
    )
    return current or questionnaire_from_template(brand=brand)


@transaction.atomic
def screening_send(
    *,
    relationship: SourcingRelationship,
    by: Membership,
    questionnaire: Questionnaire | None = None,
) -> Screening:
    """Send the brand's questionnaire to the supplier; the relationship is screening."""
    relationship = relationship_mark_screening(relationship=relationship, by=by)
    if questionnaire is None:
        questionnaire = questionnaire_for_sending(relationship.brand)
    elif questionnaire.brand_id != relationship.brand_id:
        raise ValidationError({"questionnaire": [_("Choose one of your questionnaires.")]})
    elif questionnaire.status != Questionnaire.Status.PUBLISHED:
        raise StateConflict(_("Publish the questionnaire before sending it."))
    open_screening = Screening.objects.filter(
        relationship=relationship, status=Screening.Status.DRAFT
    ).first()
    if open_screening is not None:
        return open_screening
    return Screening.objects.create(
        relationship=relationship, questionnaire=questionnaire, sent_by=by.user
    )


def _clean_answer(question: Question, value: Any) -> Any:
    if value in (None, ""):
        return None
    if question.kind == Question.Kind.YES_NO:
        if str(value).lower() not in ("yes", "no"):
            raise ValidationError(_("Answer yes or no."))
        return str(value).lower()
    if question.kind == Question.Kind.CHOICE:
        if value not in question.choices:
            raise ValidationError(_("Choose one of the offered answers."))
        return value
    if question.kind == Question.Kind.NUMBER:
        if isinstance(value, bool):
            raise ValidationError(_("Enter a number."))
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(_("Enter a number.")) from None
        if number < 0:
            raise ValidationError(_("Enter a number of zero or more."))
        return int(number) if number.is_integer() else number
    if question.kind == Question.Kind.DATE:
        try:
            day = value if isinstance(value, date) else parse_date(str(value))
        except ValueError:  # well-formed but impossible, such as 2025-02-30
            day = None
        if day is None:
            raise ValidationError(_("Enter a date as YYYY-MM-DD."))
        return day.isoformat()
    text = str(value).strip()
    if len(text) > 5000:
        raise ValidationError(_("Keep the answer under 5,000 characters."))
    return text


@transaction.atomic
def screening_answer(
    *, screening: Screening, by: Membership, answers: dict[str, Any], submit: bool = False
) -> Screening:
    """Save the supplier's answers as a draft, or submit them (all required answered).

    Errors are reported per question id; nothing is saved when any answer is invalid.
    """
    if not by.can(Capability.ANSWER_SCREENING):
        raise ActionForbidden(_("Only the supplier's members answer its screening."))
    screening = (
        Screening.objects.select_for_update()
        .select_related("relationship__facility", "relationship__brand")
        .get(pk=screening.pk)
    )
    if screening.relationship.facility.supplier_id != by.organization_id:
        raise ActionForbidden(_("Only the supplier's members answer its screening."))
    if screening.status != Screening.Status.DRAFT:
        raise StateConflict(_("This screening was submitted already."))
    questions = {
        str(q.pk): q
        for q in Question.objects.filter(section__questionnaire_id=screening.questionnaire_id)
    }
    errors: dict[str, list[str]] = {}
    merged = dict(screening.answers)
    for key, value in answers.items():
        question = questions.get(str(key))
        if question is None:
            errors[str(key)] = [_("Not a question of this questionnaire.")]
            continue
        try:
            merged[str(key)] = _clean_answer(question, value)
        except ValidationError as exc:
            errors[str(key)] = exc.messages
    if submit:
        for key, question in questions.items():
            if question.required and merged.get(key) in (None, "") and key not in errors:
                errors[key] = [_("This question needs an answer before submitting.")]
    if errors:
        raise ValidationError(errors)
    screening.answers = merged
    if submit:
        screening.status = Screening.Status.SUBMITTED
        screening.submitted_by, screening.submitted_at = by.user, timezone.now()
    screening.save()
    if submit:
        relationship_mark_in_review(relationship=screening.relationship, by=by)
        relationship_refresh_risk(relationship=screening.relationship)
    return screening
