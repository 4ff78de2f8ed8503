"""A brand's screening questionnaires: create, edit a draft, publish, new version.

A questionnaire is written as one document::

    {"name": "...", "sections": [{"title": "...", "questions": [{"text": "...",
      "kind": "yes_no", "category": "CHILD", "weight": 5, "expected": "yes",
      "red_flags": ["no"], "evidence_allowed": true, "required": true}, ...]}, ...]}

(the shape of ``suppliers.questionnaire_template.DEFAULT_QUESTIONNAIRE``). Drafts are
replaced whole; a published version is frozen because screenings point at its
questions, so changing it means a new draft version. Errors name the place in the
document as a dotted path, e.g. ``sections.1.questions.0.weight``.
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from laws.taxonomy import FindingCategory
from suppliers.models import Question, Questionnaire, Section
from suppliers.questionnaire_template import DEFAULT_QUESTIONNAIRE

Kind = Question.Kind

MAX_SECTIONS = 50
MAX_QUESTIONS = 300
MAX_CHOICES = 30
MAX_WEIGHT = 10
YES_NO = ("yes", "no")

QUESTION_KEYS = {
    "text",
    "help_text",
    "kind",
    "choices",
    "category",
    "weight",
    "red_flags",
    "expected",
    "evidence_allowed",
    "required",
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Errors:
    """Collects every problem of a document, each under its dotted path."""

    def __init__(self) -> None:
        self.by_path: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.by_path.setdefault(path, []).append(message)

    def raise_any(self) -> None:
        if self.by_path:
            raise ValidationError(self.by_path)


def _clean_text(value: Any, path: str, errors: _Errors, *, limit: int, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(path, _("Enter text."))
        return ""
    text = value.strip()
    if required and not text:
        errors.add(path, _("This cannot be empty."))
    if len(text) > limit:
        errors.add(path, _("Keep it under %(n)s characters.") % {"n": limit})
    return text


def _clean_answer_value(question: dict[str, Any], value: Any) -> bool:
    """Whether ``value`` is a possible answer to a yes/no or choice question."""
    if question["kind"] == Kind.YES_NO:
        return value in YES_NO
    return value in question["choices"]


def _clean_red_flags(question: dict[str, Any], raw: Any, path: str, errors: _Errors) -> list[Any]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors.add(path, _("A list of answers."))
        return []
    kind = question["kind"]
    if raw and kind in (Kind.TEXT, Kind.DATE):
        errors.add(path, _("Text and date answers cannot raise red flags."))
        return []
    flags: list[Any] = []
    for flag in raw:
        if kind == Kind.NUMBER:
            ok = (
                isinstance(flag, dict)
                and len(flag) == 1
                and set(flag) <= {"below", "above"}
                and all(_is_number(v) for v in flag.values())
            )
            if not ok:
                errors.add(path, _('A number red flag is {"below": n} or {"above": n}.'))
                continue
        elif kind == Kind.YES_NO and isinstance(flag, str):
            flag = flag.lower()
            if flag not in YES_NO:
                errors.add(path, _("A red flag is one of the possible answers."))
                continue
        elif not _clean_answer_value(question, flag):
            errors.add(path, _("A red flag is one of the possible answers."))
            continue
        if flag not in flags:
            flags.append(flag)
    return flags


def _clean_expected(question: dict[str, Any], raw: Any, path: str, errors: _Errors) -> Any:
    if raw in (None, ""):
        return None
    kind = question["kind"]
    if kind in (Kind.TEXT, Kind.DATE):
        errors.add(path, _("Text and date questions have no expected answer."))
        return None
    if kind == Kind.NUMBER:
        ok = (
            isinstance(raw, dict)
            and raw
            and set(raw) <= {"min", "max"}
            and all(_is_number(v) for v in raw.values())
        )
        if not ok:
            errors.add(path, _('An expected number is {"min": n}, {"max": n} or both.'))
            return None
        if "min" in raw and "max" in raw and raw["min"] > raw["max"]:
            errors.add(path, _("The minimum is above the maximum."))
        return dict(raw)
    value = raw.lower() if kind == Kind.YES_NO and isinstance(raw, str) else raw
    if not _clean_answer_value(question, value):
        errors.add(path, _("The expected answer is one of the possible answers."))
        return None
    return value


def _clean_question(raw: Any, path: str, errors: _Errors) -> dict[str, Any]:
    if not isinstance(raw, dict):
        errors.add(path, _("A question is an object with text, kind and category."))
        return {}
    for key in sorted(set(raw) - QUESTION_KEYS):
        errors.add(f"{path}.{key}", _("Unknown field."))
    question: dict[str, Any] = {
        "text": _clean_text(raw.get("text"), f"{path}.text", errors, limit=1000, required=True),
        "help_text": _clean_text(
            raw.get("help_text"), f"{path}.help_text", errors, limit=2000, required=False
        ),
        "kind": raw.get("kind"),
        "category": raw.get("category"),
        "choices": [],
    }
    if question["kind"] not in Kind.values:
        errors.add(
            f"{path}.kind", _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Kind.values)}
        )
        return question
    if question["category"] not in FindingCategory.values:
        errors.add(f"{path}.category", _("Choose a category of the finding taxonomy."))
    choices = raw.get("choices") or []
    if question["kind"] == Kind.CHOICE:
        cleaned = (
            [c.strip() for c in choices if isinstance(c, str)] if isinstance(choices, list) else []
        )
        valid = (
            isinstance(choices, list)
            and len(cleaned) == len(choices)
            and all(cleaned)
            and len(set(cleaned)) == len(cleaned)
            and 2 <= len(cleaned) <= MAX_CHOICES
        )
        if not valid:
            errors.add(
                f"{path}.choices",
                _("Give from 2 to %(n)s different, non-empty choices.") % {"n": MAX_CHOICES},
            )
        question["choices"] = cleaned
    elif choices:
        errors.add(f"{path}.choices", _("Only choice questions have choices."))
    weight = raw.get("weight", 1)
    if not (isinstance(weight, int) and not isinstance(weight, bool) and 0 <= weight <= MAX_WEIGHT):
        errors.add(f"{path}.weight", _("A weight is a whole number from 0 to 10."))
    question["weight"] = weight
    question["red_flags"] = _clean_red_flags(
        question, raw.get("red_flags"), f"{path}.red_flags", errors
    )
    question["expected"] = _clean_expected(
        question, raw.get("expected"), f"{path}.expected", errors
    )
    if question["expected"] is not None and question["expected"] in question["red_flags"]:
        errors.add(f"{path}.red_flags", _("The expected answer cannot also be a red flag."))
    for flag_key, default in (("evidence_allowed", False), ("required", True)):
        value = raw.get(flag_key, default)
        if not isinstance(value, bool):
            errors.add(f"{path}.{flag_key}", _("true or false."))
        question[flag_key] = bool(value)
    return question


def clean_questionnaire_document(document: Any) -> dict[str, Any]:
    """The document, checked and normalised; ValidationError listing every problem."""
    errors = _Errors()
    if not isinstance(document, dict):
        raise ValidationError({"sections": [_("A questionnaire has a name and sections.")]})
    name = _clean_text(document.get("name"), "name", errors, limit=200, required=True)
    raw_sections = document.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        errors.add("sections", _("Add at least one section."))
        raw_sections = []
    if len(raw_sections) > MAX_SECTIONS:
        errors.add("sections", _("At most %(n)s sections.") % {"n": MAX_SECTIONS})
    sections = []
    total = 0
    for s_index, raw_section in enumerate(raw_sections[:MAX_SECTIONS]):
        path = f"sections.{s_index}"
        if not isinstance(raw_section, dict):
            errors.add(path, _("A section is an object with a title and questions."))
            continue
        title = _clean_text(
            raw_section.get("title"), f"{path}.title", errors, limit=200, required=True
        )
        raw_questions = raw_section.get("questions")
        if not isinstance(raw_questions, list) or not raw_questions:
            errors.add(f"{path}.questions", _("Add at least one question."))
            raw_questions = []
        total += len(raw_questions)
        questions = [
            _clean_question(raw, f"{path}.questions.{q_index}", errors)
            for q_index, raw in enumerate(raw_questions[:MAX_QUESTIONS])
        ]
        sections.append({"title": title, "questions": questions})
    if total > MAX_QUESTIONS:
        errors.add("sections", _("At most %(n)s questions in all.") % {"n": MAX_QUESTIONS})
    errors.raise_any()
    return {"name": name, "sections": sections}


def questionnaire_document(questionnaire: Questionnaire) -> dict[str, Any]:
    """The questionnaire as a document (the inverse of writing one)."""
    return {
        "name": questionnaire.name,
        "sections": [
            {
                "title": section.title,
                "questions": [
                    {key: copy.deepcopy(getattr(q, key)) for key in sorted(QUESTION_KEYS)}
                    for q in section.questions.all()
                ],
            }
            for section in questionnaire.sections.all()
        ],
    }


def _check_writer(by: Membership, questionnaire: Questionnaire | None = None) -> None:
    if not (by.is_brand and by.can(Capability.ADD_FACILITY)):
        raise ActionForbidden(_("Only a brand's administrators and CSR staff edit questionnaires."))
    if questionnaire is not None and questionnaire.brand_id != by.organization_id:
        raise ActionForbidden(_("Only the brand's own questionnaires can be edited."))


def _write_contents(questionnaire: Questionnaire, cleaned: dict[str, Any]) -> None:
    for s_order, section in enumerate(cleaned["sections"]):
        created = Section.objects.create(
            questionnaire=questionnaire, title=section["title"], order=s_order
        )
        Question.objects.bulk_create(
            Question(section=created, order=q_order, **question)
            for q_order, question in enumerate(section["questions"])
        )


def _locked(questionnaire: Questionnaire) -> Questionnaire:
    return Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)


def _name_taken(by: Membership, name: str, *, besides: Questionnaire | None = None) -> bool:
    rows = Questionnaire.objects.filter(brand_id=by.organization_id, name=name)
    if besides is not None:
        rows = rows.exclude(pk=besides.pk)
    return rows.exists()


@transaction.atomic
def questionnaire_create(*, by: Membership, document: dict[str, Any]) -> Questionnaire:
    """A new draft questionnaire (version 1) for the brand of ``by``.

    ``document`` is a full questionnaire, or ``{"from_template": true}`` (optionally
    with a ``name``) for a draft copy of the platform's default questionnaire.
    """
    _check_writer(by)
    if document.get("from_template") is True:
        template = copy.deepcopy(DEFAULT_QUESTIONNAIRE)
        if document.get("name"):
            template["name"] = document["name"]
        document = template
    cleaned = clean_questionnaire_document(document)
    if _name_taken(by, cleaned["name"]):
        raise ValidationError(
            {
                "name": [
                    _(
                        "You already have a questionnaire with this name: make a new version "
                        "of it, or choose another name."
                    )
                ]
            }
        )
    questionnaire = Questionnaire.objects.create(
        brand_id=by.organization_id, name=cleaned["name"], version=1
    )
    _write_contents(questionnaire, cleaned)
    return questionnaire


@transaction.atomic
def questionnaire_replace(
    *, questionnaire: Questionnaire, by: Membership, document: dict[str, Any]
) -> Questionnaire:
    """Replace a draft's name, sections and questions with ``document``.

    Published and retired versions are frozen (StateConflict): screenings point at them.
    """
    _check_writer(by, questionnaire)
    questionnaire = _locked(questionnaire)
    if questionnaire.status != Questionnaire.Status.DRAFT:
        raise StateConflict(
            _("Version %(v)s is %(status)s and cannot change: make a new version.")
            % {"v": questionnaire.version, "status": questionnaire.get_status_display().lower()}
        )
    cleaned = clean_questionnaire_document(document)
    if cleaned["name"] != questionnaire.name:
        if questionnaire.version > 1:
            raise ValidationError(
                {"name": [_("A new version keeps the name of the questionnaire it revises.")]}
            )
        if _name_taken(by, cleaned["name"], besides=questionnaire):
            raise ValidationError({"name": [_("You already have a questionnaire with this name.")]})
        questionnaire.name = cleaned["name"]
        questionnaire.save(update_fields=["name"])
    questionnaire.sections.all().delete()
    _write_contents(questionnaire, cleaned)
    return questionnaire


@transaction.atomic
def questionnaire_publish(*, questionnaire: Questionnaire, by: Membership) -> Questionnaire:
    """Freeze a draft and make it the version that is sent; earlier published versions
    of the same questionnaire are retired (their screenings keep them)."""
    _check_writer(by, questionnaire)
    questionnaire = _locked(questionnaire)
    if questionnaire.status != Questionnaire.Status.DRAFT:
        raise StateConflict(
            _("Version %(v)s is %(status)s already.")
            % {"v": questionnaire.version, "status": questionnaire.get_status_display().lower()}
        )
    if not Question.objects.filter(section__questionnaire=questionnaire).exists():
        raise StateConflict(_("Add questions before publishing."))
    Questionnaire.objects.filter(
        brand_id=questionnaire.brand_id,
        name=questionnaire.name,
        status=Questionnaire.Status.PUBLISHED,
    ).update(status=Questionnaire.Status.RETIRED)
    questionnaire.status = Questionnaire.Status.PUBLISHED
    questionnaire.save(update_fields=["status"])
    return questionnaire


@transaction.atomic
def questionnaire_new_version(*, questionnaire: Questionnaire, by: Membership) -> Questionnaire:
    """A draft copy of a published (or retired) version, numbered after the latest."""
    _check_writer(by, questionnaire)
    if questionnaire.status == Questionnaire.Status.DRAFT:
        raise StateConflict(_("This version is still a draft: edit it instead."))
    # Lock the whole series so two people cannot both open version n + 1.
    series = list(
        Questionnaire.objects.select_for_update().filter(
            brand_id=questionnaire.brand_id, name=questionnaire.name
        )
    )
    draft = next((q for q in series if q.status == Questionnaire.Status.DRAFT), None)
    if draft is not None:
        raise StateConflict(
            _("Version %(v)s is already a draft: edit that one.") % {"v": draft.version}
        )
    source = Questionnaire.objects.prefetch_related("sections__questions").get(pk=questionnaire.pk)
    new = Questionnaire.objects.create(
        brand_id=questionnaire.brand_id,
        name=questionnaire.name,
        version=max(q.version for q in series) + 1,
        previous=questionnaire,
    )
    # Copied as stored (not re-validated): the published version is the reference.
    _write_contents(new, questionnaire_document(source))
    return new
