"""The consultant directory: partners describe themselves; each brand keeps its own
private vetting notes and rating."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from csr_platform.errors import ActionForbidden
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from laws.taxonomy import FindingCategory
from remediation.models import ConsultantNote, ConsultantProfile

PROFILE_FIELDS = (
    "summary",
    "specialties",
    "countries",
    "languages",
    "case_studies",
    "references",
    "website",
)


def _codes(raw: Any, allowed: set[str], field: str, message: str) -> list[str]:
    if not isinstance(raw, list) or any(str(code) not in allowed for code in raw):
        raise ValidationError({field: message})
    return sorted({str(code) for code in raw})


@transaction.atomic
def consultant_profile_update(*, by: Membership, **values: Any) -> ConsultantProfile:
    """A partner writes its own directory entry."""
    if not by.can(Capability.MANAGE_CONSULTANT_PROFILE):
        raise ActionForbidden(_("Only a partner keeps a directory entry."))
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    profile, _created = ConsultantProfile.objects.select_for_update().get_or_create(
        organization_id=by.organization_id
    )
    if "specialties" in values:
        values["specialties"] = _codes(
            values["specialties"],
            set(FindingCategory.values),
            "specialties",
            _("Choose specialties from the finding categories."),
        )
    if "countries" in values:
        values["countries"] = _codes(
            values["countries"],
            {code for code, _name in countries},
            "countries",
            _("Give countries as ISO codes, e.g. BD, VN."),
        )
    if "languages" in values:
        raw = values["languages"]
        if not isinstance(raw, list):
            raise ValidationError({"languages": _("Give the languages as a list.")})
        values["languages"] = [
            str(language).strip()[:40] for language in raw if str(language).strip()
        ]
    for name, value in values.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["organization"])
    profile.save()
    return profile


@transaction.atomic
def consultant_note_save(
    *,
    by: Membership,
    consultant: ConsultantProfile,
    rating: int | None = None,
    vetted: bool = False,
    notes: str = "",
) -> ConsultantNote:
    """The brand's own notes on a consultant (never shown to the consultant or to
    another brand)."""
    if not by.is_brand or not by.can(Capability.MANAGE_CAP):
        raise ActionForbidden(_("Only a brand's CSR staff keep notes on consultants."))
    if rating is not None and not (isinstance(rating, int) and 1 <= rating <= 5):
        raise ValidationError({"rating": _("Rate from 1 to 5, or leave it empty.")})
    note, _created = ConsultantNote.objects.select_for_update().get_or_create(
        brand_id=by.organization_id, consultant=consultant
    )
    note.rating = rating
    note.vetted = vetted
    note.notes = notes.strip()
    note.updated_by = by.user
    note.save()
    return note
