"""Adding, editing, closing and merging facilities."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries

from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership, Organization
from csr_platform.permissions import Capability
from csr_platform.roles import OrganizationKind, Role
from csr_platform.services.invitations import invitation_send
from suppliers.models import Certification, Facility, SourcingRelationship, gender_split_ok
from suppliers.services.timeline import facility_event_record

PROFILE_FIELDS = (
    "name",
    "country",
    "address",
    "worker_count",
    "workers_female",
    "workers_male",
    "processes",
    "product_types",
)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "supplier"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_profile(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if "name" in values and not str(values["name"]).strip():
        errors["name"] = [_("A facility needs a name.")]
    for key, limit in (("name", 200), ("address", 400)):
        if len(str(values.get(key) or "")) > limit:
            errors[key] = [_("Keep it under %(n)s characters.") % {"n": limit}]
    if "country" in values and str(values["country"]) not in countries:
        errors["country"] = [_("Choose a country (ISO code such as BD).")]
    for key in ("processes", "product_types"):
        if key in values:
            items = values[key]
            if isinstance(items, str):
                items = [part.strip() for part in items.split(",")]
            values[key] = [str(item).strip() for item in items or [] if str(item).strip()]
    if errors:
        raise ValidationError(errors)
    return values


def _sourcing_owner(brand: Organization, owner: Membership | None) -> Membership | None:
    if owner is None:
        return None
    if (
        owner.organization_id != brand.pk
        or not owner.is_active
        or owner.role not in (Role.SOURCING, Role.ADMIN)
    ):
        raise ValidationError(
            {"sourcing_owner": [_("The sourcing owner is a sourcing manager of your brand.")]}
        )
    return owner


@transaction.atomic
def facility_add(
    *,
    by: Membership,
    name: str,
    country: str,
    supplier_name: str = "",
    supplier_admin_email: str = "",
    os_id: str = "",
    address: str = "",
    sourcing_owner: Membership | None = None,
    **profile: Any,
) -> SourcingRelationship:
    """Add a facility to the brand's list as a prospect, and return the relationship.

    A facility already on the platform with the same Open Supply Hub id is matched, and
    only the new relationship is created: nothing of another brand is read or shown.
    Otherwise a supplier organization is created and its admin invited by e-mail.
    """
    if not by.can(Capability.ADD_FACILITY):
        raise ActionForbidden(_("Only a brand's administrators and CSR staff add facilities."))
    brand = by.organization
    os_id = os_id.strip().upper()
    if len(os_id) > 32:
        raise ValidationError({"os_id": [_("An Open Supply Hub id has at most 32 characters.")]})
    values = _clean_profile({"name": name, "country": country, "address": address, **profile})
    owner = _sourcing_owner(brand, sourcing_owner)
    facility = Facility.objects.filter(os_id=os_id).first() if os_id else None
    while facility is not None and facility.merged_into_id is not None:
        facility = facility.merged_into  # a merged duplicate stands for the record it joined
    if facility is not None:
        if SourcingRelationship.objects.filter(brand=brand, facility=facility).exists():
            raise StateConflict(_("This facility is already in your list."))
    else:
        if not supplier_name.strip():
            raise ValidationError({"supplier_name": [_("Name the supplier that runs it.")]})
        supplier = Organization.objects.create(
            name=supplier_name.strip(),
            slug=_unique_slug(supplier_name),
            kind=OrganizationKind.SUPPLIER,
        )
        facility = Facility(supplier=supplier, os_id=os_id, created_by=by.user, **values)
        if not gender_split_ok(facility):
            raise ValidationError(
                {"workers_female": [_("Women and men together exceed the workers counted.")]}
            )
        facility.save()
        facility_event_record(facility=facility, action="facility_added", actor=by.user)
        if supplier_admin_email.strip():
            invitation_send(
                organization=supplier,
                email=supplier_admin_email,
                role=Role.ADMIN,
                invited_by=by.user,
            )
    relationship = SourcingRelationship.objects.create(
        brand=brand, facility=facility, sourcing_owner=owner
    )
    facility_event_record(
        facility=facility,
        relationship=relationship,
        action="relationship_added",
        to_status=relationship.status,
        actor=by.user,
    )
    return relationship


@transaction.atomic
def facility_update(*, facility: Facility, by: Membership, **changes: Any) -> Facility:
    """Edit the profile. Brands (admin, CSR) and the supplier's own members may."""
    if not by.can(Capability.EDIT_FACILITY):
        raise ActionForbidden(_("Your role does not allow editing facility profiles."))
    if by.is_supplier and facility.supplier_id != by.organization_id:
        raise ActionForbidden(_("Only the supplier's own members edit its facilities."))
    if facility.lifecycle == Facility.Lifecycle.MERGED:
        raise StateConflict(_("This record was merged; edit the facility it was merged into."))
    values = _clean_profile({k: v for k, v in changes.items() if k in PROFILE_FIELDS})
    changed = [k for k, v in values.items() if getattr(facility, k) != v]
    for key in changed:
        setattr(facility, key, values[key])
    if not gender_split_ok(facility):
        raise ValidationError(
            {"workers_female": [_("Women and men together exceed the workers counted.")]}
        )
    if changed:
        facility.save(update_fields=changed)
        facility_event_record(
            facility=facility, action="profile_updated", actor=by.user, note=", ".join(changed)
        )
    return facility


@transaction.atomic
def facility_set_lifecycle(
    *, facility: Facility, by: Membership, lifecycle: str, moved_to: str = ""
) -> Facility:
    """Mark a facility closed or moved (or active again)."""
    if not by.can(Capability.EDIT_FACILITY):
        raise ActionForbidden(_("Your role does not allow editing facility profiles."))
    allowed = (Facility.Lifecycle.ACTIVE, Facility.Lifecycle.CLOSED, Facility.Lifecycle.MOVED)
    if lifecycle not in allowed:
        raise ValidationError({"lifecycle": [_("Choose active, closed or moved.")]})
    if facility.lifecycle == Facility.Lifecycle.MERGED:
        raise StateConflict(_("This record was merged into another facility."))
    if lifecycle == Facility.Lifecycle.MOVED and not moved_to.strip():
        raise ValidationError({"moved_to": [_("Give the new address.")]})
    previous = facility.lifecycle
    facility.lifecycle = lifecycle
    facility.moved_to = moved_to.strip() if lifecycle == Facility.Lifecycle.MOVED else ""
    facility.save(update_fields=["lifecycle", "moved_to"])
    facility_event_record(
        facility=facility,
        action="lifecycle_changed",
        from_status=previous,
        to_status=lifecycle,
        actor=by.user,
        note=facility.moved_to,
    )
    return facility


def _make_room(duplicate: SourcingRelationship, kept: SourcingRelationship) -> None:
    """One brand on both records: at most one open screening and one open exit plan
    may remain. An untouched draft screening goes; two with answers, or two open exit
    plans, are for people to settle first (409)."""
    drafts = [r.screenings.filter(status="draft").first() for r in (duplicate, kept)]
    if all(drafts):
        empty = [d for d in drafts if d is not None and not d.answers]
        if not empty:
            raise StateConflict(
                _("A brand has answers in progress on both records; submit one screening first.")
            )
        empty[0].delete()
    open_plans = Q(status__in=["proposed", "in_progress"])
    if (
        duplicate.exit_plans.filter(open_plans).exists()
        and kept.exit_plans.filter(open_plans).exists()
    ):
        raise StateConflict(_("A brand has an exit plan open on both records."))


@transaction.atomic
def facility_merge(*, duplicate: Facility, into: Facility, by: Membership) -> Facility:
    """Fold a duplicate record into the real one, keeping all history.

    Relationships, screenings, events and certificates move to ``into``; a brand that
    had both keeps its relationship on ``into`` and the duplicate's timeline follows.
    Only the supplier's own members may merge (both facilities must be theirs).
    """
    if not (by.is_supplier and by.can(Capability.EDIT_FACILITY)):
        raise ActionForbidden(_("Duplicates are merged by the supplier that runs them."))
    if duplicate.pk == into.pk:
        raise ValidationError(_("A facility cannot be merged into itself."))
    if {duplicate.supplier_id, into.supplier_id} != {by.organization_id}:
        raise ActionForbidden(_("Both facilities must be your organization's."))
    locked = {
        f.pk: f for f in Facility.objects.select_for_update().filter(pk__in=[duplicate.pk, into.pk])
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if Facility.Lifecycle.MERGED in (duplicate.lifecycle, into.lifecycle):
        raise StateConflict(_("One of these records was merged already."))
    pairs = [
        (
            relationship,
            SourcingRelationship.objects.filter(
                facility=into, brand_id=relationship.brand_id
            ).first(),
        )
        for relationship in SourcingRelationship.objects.filter(facility=duplicate)
    ]
    for relationship, kept in pairs:
        if kept is not None:
            _make_room(relationship, kept)
    for relationship, kept in pairs:
        if kept is None:
            relationship.facility = into
            relationship.save(update_fields=["facility"])
        else:
            relationship.screenings.update(relationship=kept)
            relationship.events.update(relationship=kept)
            relationship.exit_plans.update(relationship=kept)
            relationship.delete()
    duplicate.events.update(facility=into)
    duplicate.certifications.update(facility=into)
    if not into.os_id and duplicate.os_id:
        os_id, duplicate.os_id = duplicate.os_id, ""
        duplicate.save(update_fields=["os_id"])
        into.os_id = os_id
        into.save(update_fields=["os_id"])
    duplicate.lifecycle = Facility.Lifecycle.MERGED
    duplicate.merged_into = into
    duplicate.save(update_fields=["lifecycle", "merged_into"])
    facility_event_record(
        facility=into, action="duplicate_merged", actor=by.user, note=str(duplicate.pk)
    )
    return into


def _require_editor(facility: Facility, by: Membership) -> None:
    if not by.can(Capability.EDIT_FACILITY):
        raise ActionForbidden(_("Your role does not allow editing facility profiles."))
    if by.is_supplier and facility.supplier_id != by.organization_id:
        raise ActionForbidden(_("Only the supplier's own members edit its facilities."))


@transaction.atomic
def certification_add(
    *,
    facility: Facility,
    by: Membership,
    name: str,
    number: str = "",
    issued_on: date | None = None,
    expires_on: date | None = None,
) -> Certification:
    """Record a certificate the facility holds, with the period it is valid for."""
    _require_editor(facility, by)
    if facility.lifecycle == Facility.Lifecycle.MERGED:
        raise StateConflict(_("This record was merged; edit the facility it was merged into."))
    errors: dict[str, list[str]] = {}
    if not name.strip() or len(name) > 120:
        errors["name"] = [_("Name the certificate (at most 120 characters).")]
    if issued_on and expires_on and expires_on < issued_on:
        errors["expires_on"] = [_("A certificate expires after it was issued.")]
    if errors:
        raise ValidationError(errors)
    certification = Certification.objects.create(
        facility=facility,
        name=name.strip(),
        number=number.strip()[:80],
        issued_on=issued_on,
        expires_on=expires_on,
    )
    facility_event_record(
        facility=facility, action="certification_added", actor=by.user, note=certification.name
    )
    return certification


@transaction.atomic
def certification_remove(*, certification: Certification, by: Membership) -> None:
    facility = certification.facility
    _require_editor(facility, by)
    facility_event_record(
        facility=facility, action="certification_removed", actor=by.user, note=certification.name
    )
    certification.delete()
