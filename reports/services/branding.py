"""The brand's report branding: the logo and colour its PDF reports carry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from csr_platform.errors import ActionForbidden
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from reports.models import ReportBranding

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 2000
# Checked by what the file is, not by its name: a report embeds the bytes as they are.
LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg"}


def logo_checked(upload: Any) -> str:
    """The extension of a valid logo (PNG or JPEG, at most 512 KB and 2000 px a side),
    or a ValidationError saying what is wrong with it."""
    if upload.size > MAX_LOGO_BYTES:
        raise ValidationError(
            {"logo": _("The logo is larger than %(kb)d KB.") % {"kb": MAX_LOGO_BYTES // 1024}}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError({"logo": _("The logo must be a PNG or JPEG image.")}) from exc
    finally:
        upload.seek(0)
    if kind not in LOGO_FORMATS:
        raise ValidationError({"logo": _("The logo must be a PNG or JPEG image.")})
    if max(width, height) > MAX_LOGO_PIXELS:
        raise ValidationError(
            {"logo": _("The logo is larger than %(px)d pixels a side.") % {"px": MAX_LOGO_PIXELS}}
        )
    return LOGO_FORMATS[kind]


def report_branding_update(
    *,
    by: Membership,
    colour: str | None = None,
    logo: Any = None,
    remove_logo: bool = False,
) -> ReportBranding:
    """Set the colour and/or the logo of ``by``'s brand reports (its admins only).
    A refused logo changes nothing; a replaced or removed logo is deleted from
    storage once the change commits."""
    if not by.can(Capability.MANAGE_REPORT_BRANDING):
        raise ActionForbidden(_("Only an administrator of the brand sets its report branding."))
    extension = logo_checked(logo) if logo is not None else None
    with transaction.atomic():
        branding, _created = ReportBranding.objects.select_for_update().get_or_create(
            organization_id=by.organization_id
        )
        old_logo = branding.logo.name if branding.logo else ""
        if colour is not None:
            branding.colour = colour
        branding.full_clean(exclude=["logo", "organization"])
        if logo is not None:
            branding.logo.save(f"logo{extension}", logo, save=False)
        elif remove_logo:
            branding.logo = ""
        branding.save()
        if old_logo and old_logo != branding.logo.name:
            storage = branding.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return branding
