"""Every write to the law library: importing, revising with versions, reviewing, and
brand code-of-conduct clauses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django_countries import countries

from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership, User
from csr_platform.permissions import Capability
from laws.models import CodeClause, LegalInstrument, Requirement
from laws.parameters import SCHEMAS, validate_parameters
from laws.signals import requirement_versioned
from laws.taxonomy import FindingCategory

LIBRARY_FORMAT = "csr-platform-law-library/1"
# The fields that make up a rule's content: a change to any of them is a new version.
CONTENT_FIELDS = (
    "instrument_id",
    "citation",
    "summary",
    "interpretation",
    "remediation_guidance",
    "parameters",
    "source_url",
    "source_note",
    "needs_review",
    "review_note",
)
REVIEW_FIELDS = ("last_reviewed", "reviewer")


@dataclass
class ImportResult:
    instruments_created: int = 0
    requirements_created: int = 0
    requirements_corrected: int = 0
    requirements_unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _announce_version(*, old: Requirement, new: Requirement, kind: str) -> None:
    """Tell the apps above (findings citing ``old``) once the change is committed."""
    old_id, new_id = str(old.pk), str(new.pk)
    transaction.on_commit(
        lambda: requirement_versioned.send(
            sender=Requirement, old_id=old_id, new_id=new_id, kind=kind
        )
    )


def _relink_series(*, country: str, topic: str, scope: str) -> None:
    """Chain a rule's live versions by start date: each ends the day before the next
    starts and points at it. Corrected (retracted) versions keep their pointer."""
    versions = list(
        Requirement.objects.live()
        .filter(country=country, topic=topic, scope=scope)
        .order_by("effective_from")
    )
    for earlier, later in pairwise(versions):
        day_before = later.effective_from - timedelta(days=1)
        changed = []
        if earlier.effective_to is None or earlier.effective_to > day_before:
            earlier.effective_to = day_before
            changed.append("effective_to")
        if earlier.superseded_by_id != later.pk:
            earlier.superseded_by = later
            changed.append("superseded_by")
            _announce_version(old=earlier, new=later, kind="superseded")
        if changed:
            earlier.save(update_fields=changed)
    if versions and versions[-1].superseded_by_id is not None:
        versions[-1].superseded_by = None
        versions[-1].save(update_fields=["superseded_by"])


def _correct(*, current: Requirement, values: dict[str, Any], by: User | None) -> Requirement:
    """Record a corrected fact: a new live row with the same period; the old one is
    retracted and points at the correction."""
    Requirement.objects.filter(pk=current.pk).update(retracted=True)
    replacement = Requirement.objects.create(
        country=str(current.country),
        topic=current.topic,
        scope=current.scope,
        effective_from=current.effective_from,
        effective_to=current.effective_to,
        created_by=by,
        **{**_content_of(current), **values},
    )
    Requirement.objects.filter(pk=current.pk).update(superseded_by=replacement)
    Requirement.objects.filter(pk=replacement.pk).write_search_documents()
    # Whoever pointed at the corrected row now points at its correction.
    Requirement.objects.live().filter(superseded_by=current).update(superseded_by=replacement)
    _announce_version(old=current, new=replacement, kind="corrected")
    return replacement


def _content_of(requirement: Requirement) -> dict[str, Any]:
    return {name: getattr(requirement, name) for name in (*CONTENT_FIELDS, *REVIEW_FIELDS)}


def _validated_content(
    topic: str, values: dict[str, Any], base: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Validate changed content; ``base`` is the record it changes, so rules that span
    fields (no source without a review flag) are checked on the result."""
    merged = {**(base or {}), **values}
    if "parameters" in values:
        values = {**values, "parameters": validate_parameters(topic, values["parameters"])}
    if "summary" in values and not str(values["summary"]).strip():
        raise ValidationError({"summary": _("A requirement needs a summary.")})
    if not merged.get("needs_review", False) and not merged.get("source_url"):
        raise ValidationError(
            {"source_url": _("A requirement without a source must be flagged for review.")}
        )
    return values


@transaction.atomic
def requirement_revise(
    *,
    requirement: Requirement,
    changes: dict[str, Any],
    by: User | None,
    effective_from: date | None = None,
) -> Requirement:
    """Change a requirement without losing history; returns the new version.

    With no ``effective_from`` (or the same one) the change is a correction of the
    recorded fact. With a later ``effective_from`` the law changed: the current version
    ends the day before and the new one supersedes it.
    """
    current = Requirement.objects.select_for_update().get(pk=requirement.pk)
    if current.retracted:
        raise StateConflict(_("This record was corrected; revise its latest version instead."))
    changes = {k: v for k, v in changes.items() if k in (*CONTENT_FIELDS, *REVIEW_FIELDS)}
    values = _validated_content(current.topic, changes, base=_content_of(current))
    if effective_from is None or effective_from == current.effective_from:
        if all(getattr(current, k) == v for k, v in values.items()):
            return current
        new = _correct(current=current, values=values, by=by)
    else:
        if effective_from < current.effective_from:
            raise ValidationError(
                {
                    "effective_from": _("A new version must start after %(date)s.")
                    % {"date": current.effective_from}
                }
            )
        if current.superseded_by_id is not None:
            raise StateConflict(_("A later version exists; revise that one."))
        new = Requirement.objects.create(
            country=str(current.country),
            topic=current.topic,
            scope=current.scope,
            effective_from=effective_from,
            created_by=by,
            **{**_content_of(current), **values},
        )
        Requirement.objects.filter(pk=new.pk).write_search_documents()
    _relink_series(country=str(new.country), topic=new.topic, scope=new.scope)
    new.refresh_from_db()
    return new


@transaction.atomic
def requirement_create(*, by: User | None, **values: Any) -> Requirement:
    """Add a rule, or a later version of one: the series is relinked so exactly one
    version is in force on any date."""
    requirement = Requirement(created_by=by, **values)
    requirement.full_clean()
    _validated_content(requirement.topic, _content_of(requirement))
    if (
        Requirement.objects.live()
        .filter(
            country=requirement.country,
            topic=requirement.topic,
            scope=requirement.scope,
            effective_from=requirement.effective_from,
        )
        .exists()
    ):
        raise StateConflict(_("A version of this rule starts that day already; revise it."))
    requirement.save()
    Requirement.objects.filter(pk=requirement.pk).write_search_documents()
    _relink_series(
        country=str(requirement.country), topic=requirement.topic, scope=requirement.scope
    )
    requirement.refresh_from_db()
    return requirement


@transaction.atomic
def requirement_mark_reviewed(*, requirement: Requirement, by: User, note: str = "") -> Requirement:
    """A reviewer confirms the fact against its source (clears ``needs_review``)."""
    if requirement.retracted:
        raise StateConflict(_("This record was corrected; review its latest version instead."))
    if not requirement.source_url:
        raise ValidationError({"source_url": _("Add the source before marking it reviewed.")})
    requirement.needs_review = False
    requirement.review_note = note
    requirement.last_reviewed = timezone.localdate()
    requirement.reviewer = by.display_name
    requirement.save(update_fields=["needs_review", "review_note", "last_reviewed", "reviewer"])
    return requirement


@transaction.atomic
def legal_instrument_update(*, instrument: LegalInstrument, **values: Any) -> LegalInstrument:
    """Change an instrument's details (``values`` already validated). Its requirements
    are found by its title too, so a new title rewrites their search documents."""
    for name, value in values.items():
        setattr(instrument, name, value)
    instrument.save()
    if "title" in values:
        Requirement.objects.filter(instrument_id=instrument.pk).write_search_documents()
    return instrument


# --- Import and export of the whole library ---------------------------------------------


def library_export() -> dict[str, Any]:
    """The live library (every version in force at some date) as JSON-ready data."""
    instruments = LegalInstrument.objects.order_by("country", "title")
    requirements = (
        Requirement.objects.live()
        .select_related("instrument")
        .order_by("country", "topic", "scope", "effective_from")
    )
    return {
        "format": LIBRARY_FORMAT,
        "instruments": [
            {
                "country": i.country.code,
                "title": i.title,
                "year": i.year,
                "kind": i.kind,
                "source_url": i.source_url,
            }
            for i in instruments
        ],
        "requirements": [
            {
                "country": r.country.code,
                "topic": r.topic,
                "scope": r.scope,
                "instrument": r.instrument.title,
                "citation": r.citation,
                "summary": r.summary,
                "interpretation": r.interpretation,
                "remediation_guidance": r.remediation_guidance,
                "parameters": r.parameters,
                "effective_from": r.effective_from.isoformat(),
                "effective_to": r.effective_to.isoformat() if r.effective_to else None,
                "source_url": r.source_url,
                "source_note": r.source_note,
                "last_reviewed": r.last_reviewed.isoformat() if r.last_reviewed else None,
                "reviewer": r.reviewer,
                "needs_review": r.needs_review,
                "review_note": r.review_note,
            }
            for r in requirements
        ],
    }


def _parse_day(value: Any, label: str, errors: list[str]) -> date | None:
    if value in (None, ""):
        return None
    parsed = parse_date(str(value)) if isinstance(value, str) else None
    if parsed is None:
        errors.append(
            _("%(label)s: %(value)r is not a date (YYYY-MM-DD).") % {"label": label, "value": value}
        )
    return parsed


@transaction.atomic
def library_import(data: Any, *, by: User | None = None) -> ImportResult:
    """Load a library document: all entries or none.

    Idempotent: an unchanged entry does nothing. An entry whose content differs from
    the live version with the same start date becomes a correction (the old record
    stays as history); a new start date becomes a new version in the series.
    """
    result = ImportResult()
    if not isinstance(data, dict) or data.get("format") != LIBRARY_FORMAT:
        raise ValidationError(
            _("Not a law-library document (expected format %(f)s).") % {"f": LIBRARY_FORMAT}
        )
    errors = result.errors
    instruments: dict[tuple[str, str], LegalInstrument] = {
        (str(i.country), i.title): i for i in LegalInstrument.objects.all()
    }
    for n, raw in enumerate(data.get("instruments") or [], start=1):
        where = _("instrument %(n)s") % {"n": n}
        if not isinstance(raw, dict):
            errors.append(_("%(where)s: is not an object.") % {"where": where})
            continue
        country, title = str(raw.get("country", "")), str(raw.get("title", "")).strip()
        if country not in countries or not title:
            errors.append(
                _("%(where)s: needs a valid country code and a title.") % {"where": where}
            )
            continue
        kind = raw.get("kind") or LegalInstrument.Kind.STATUTE
        if kind not in LegalInstrument.Kind.values:
            errors.append(_("%(where)s: unknown kind %(kind)r.") % {"where": where, "kind": kind})
            continue
        values = {"year": raw.get("year"), "kind": kind, "source_url": raw.get("source_url") or ""}
        existing = instruments.get((country, title))
        if existing is None:
            instruments[(country, title)] = LegalInstrument.objects.create(
                country=country, title=title, **values
            )
            result.instruments_created += 1
        elif any(getattr(existing, k) != v for k, v in values.items()):
            legal_instrument_update(instrument=existing, **values)
    touched: set[tuple[str, str, str]] = set()
    added: list[UUID] = []
    seen: set[tuple[str, str, str, date]] = set()
    for n, raw in enumerate(data.get("requirements") or [], start=1):
        where = _("requirement %(n)s") % {"n": n}
        if not isinstance(raw, dict):
            errors.append(_("%(where)s: is not an object.") % {"where": where})
            continue
        entry_errors: list[str] = []
        country, topic = str(raw.get("country", "")), str(raw.get("topic", ""))
        scope = str(raw.get("scope") or "")
        if country not in countries:
            entry_errors.append(_("unknown country %(c)r") % {"c": country})
        if topic not in SCHEMAS:
            entry_errors.append(_("unknown topic %(t)r") % {"t": topic})
        instrument = instruments.get((country, str(raw.get("instrument", ""))))
        if instrument is None:
            entry_errors.append(
                _("instrument %(i)r is not listed for %(c)s")
                % {"i": raw.get("instrument"), "c": country}
            )
        start = _parse_day(raw.get("effective_from"), "effective_from", entry_errors)
        end = _parse_day(raw.get("effective_to"), "effective_to", entry_errors)
        reviewed_on = _parse_day(raw.get("last_reviewed"), "last_reviewed", entry_errors)
        if start is None and not entry_errors:
            entry_errors.append(_("effective_from is required"))
        if start is not None and end is not None and end < start:
            entry_errors.append(_("effective_to is before effective_from"))
        content: dict[str, Any] = {}
        if not entry_errors:
            try:
                content = _validated_content(
                    topic,
                    {
                        "instrument_id": instrument.pk if instrument else None,
                        "citation": str(raw.get("citation") or ""),
                        "summary": str(raw.get("summary") or ""),
                        "interpretation": str(raw.get("interpretation") or ""),
                        "remediation_guidance": str(raw.get("remediation_guidance") or ""),
                        "parameters": raw.get("parameters") or {},
                        "source_url": str(raw.get("source_url") or ""),
                        "source_note": str(raw.get("source_note") or ""),
                        "needs_review": bool(raw.get("needs_review", False)),
                        "review_note": str(raw.get("review_note") or ""),
                    },
                )
            except ValidationError as exc:
                entry_errors.extend(exc.messages)
        if not entry_errors and start is not None:
            key = (country, topic, scope, start)
            if key in seen:
                entry_errors.append(_("listed twice for the same start date"))
            seen.add(key)
        if entry_errors:
            errors.append(f"{where} ({country} {topic} {scope}): " + "; ".join(entry_errors))
            continue
        assert start is not None
        review = {
            "last_reviewed": reviewed_on,
            "reviewer": str(raw.get("reviewer") or ""),
        }
        current = (
            Requirement.objects.live()
            .filter(country=country, topic=topic, scope=scope, effective_from=start)
            .first()
        )
        if current is None:
            created = Requirement.objects.create(
                country=country,
                topic=topic,
                scope=scope,
                effective_from=start,
                effective_to=end,
                created_by=by,
                **content,
                **review,
            )
            added.append(created.pk)
            result.requirements_created += 1
        elif all(getattr(current, k) == v for k, v in content.items()):
            if any(getattr(current, k) != v for k, v in review.items()):
                Requirement.objects.filter(pk=current.pk).update(**review)
            result.requirements_unchanged += 1
        else:
            _correct(current=current, values={**content, **review}, by=by)
            result.requirements_corrected += 1
        touched.add((country, topic, scope))
    if errors:
        raise ValidationError(errors)
    # One UPDATE for every rule added (corrections wrote theirs in _correct).
    Requirement.objects.filter(pk__in=added).write_search_documents()
    for country, topic, scope in touched:
        _relink_series(country=country, topic=topic, scope=scope)
    return result


# --- Brand code-of-conduct clauses --------------------------------------------------------


def _require_code_editor(by: Membership) -> None:
    if not by.can(Capability.MANAGE_CODE_OF_CONDUCT):
        raise ActionForbidden(_("Only a brand's administrators and CSR staff edit its code."))


def _clean_clause(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if values.get("category") not in FindingCategory.values:
        errors["category"] = [_("Choose a category of the taxonomy.")]
    topic = values.get("topic") or ""
    parameters = values.get("parameters") or {}
    if parameters and not topic:
        errors["topic"] = [_("Stricter limits need the topic they apply to.")]
    elif topic:
        try:
            values["parameters"] = validate_parameters(topic, parameters)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    codes = values.get("countries") or []
    unknown = [c for c in codes if c not in countries]
    if unknown:
        errors["countries"] = [
            _("Unknown country codes: %(codes)s") % {"codes": ", ".join(map(str, unknown))}
        ]
    for name in ("reference", "title", "text"):
        if name in values and not str(values[name]).strip():
            errors[name] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    values["countries"] = sorted(set(codes))
    return values


@transaction.atomic
def code_clause_create(*, by: Membership, **values: Any) -> CodeClause:
    _require_code_editor(by)
    values = _clean_clause(values)
    if CodeClause.objects.filter(brand=by.organization, reference=values["reference"]).exists():
        raise ValidationError(
            {"reference": [_("Your code already has a clause with this reference.")]}
        )
    return CodeClause.objects.create(brand=by.organization, **values)


@transaction.atomic
def code_clause_update(*, clause: CodeClause, by: Membership, **values: Any) -> CodeClause:
    _require_code_editor(by)
    merged = {
        "reference": clause.reference,
        "title": clause.title,
        "text": clause.text,
        "category": clause.category,
        "topic": clause.topic,
        "parameters": clause.parameters,
        "countries": clause.countries,
        **values,
    }
    merged = _clean_clause(merged)
    if (
        CodeClause.objects.filter(brand_id=clause.brand_id, reference=merged["reference"])
        .exclude(pk=clause.pk)
        .exists()
    ):
        raise ValidationError(
            {"reference": [_("Your code already has a clause with this reference.")]}
        )
    for name, value in merged.items():
        setattr(clause, name, value)
    clause.save()
    return clause


@transaction.atomic
def code_clause_delete(*, clause: CodeClause, by: Membership) -> None:
    _require_code_editor(by)
    clause.delete()
