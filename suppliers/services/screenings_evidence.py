"""Files a supplier attaches to screening answers.

A file is accepted for what it *is*, not for what it is called: the first bytes must
be those of a PDF, PNG, JPEG or WebP image, or an Office Open XML document (DOCX,
XLSX). An executable or web page renamed ``.pdf`` is refused, and nothing is stored
unless every check passed.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from suppliers.models import Question, Screening, ScreeningEvidence

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_QUESTION = 10


@dataclass(frozen=True)
class EvidenceType:
    content_type: str
    extension: str


PDF = EvidenceType("application/pdf", "pdf")
PNG = EvidenceType("image/png", "png")
JPEG = EvidenceType("image/jpeg", "jpg")
WEBP = EvidenceType("image/webp", "webp")
DOCX = EvidenceType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
)
XLSX = EvidenceType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")


def _office_type(stream: IO[bytes]) -> EvidenceType | None:
    """DOCX or XLSX from the zip's table of contents (read, never extracted)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def evidence_type_of(stream: IO[bytes]) -> EvidenceType | None:
    """The accepted type the content is, or None. Leaves the stream at its start."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    found: EvidenceType | None = None
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        found = WEBP
    elif head.startswith(b"PK\x03\x04"):
        found = _office_type(stream)
    stream.seek(0)
    return found


def _display_name(name: str) -> str:
    # Browsers send a bare name, but some clients send a path: keep the last part.
    base = PurePath(str(name).replace("\\", "/")).name.strip() or "evidence"
    return base[-255:]


@transaction.atomic
def screening_evidence_add(
    *, screening: Screening, by: Membership, question: Question, file: File[Any]
) -> ScreeningEvidence:
    """Attach ``file`` to the supplier's answer to ``question``.

    Raises ActionForbidden unless ``by`` answers screenings for the facility's supplier,
    StateConflict once the screening was submitted, and ValidationError (keyed
    ``question`` or ``file``) for a question without evidence or a refused file.
    """
    if not by.can(Capability.ANSWER_SCREENING):
        raise ActionForbidden(_("Only the supplier's members attach evidence."))
    screening = (
        Screening.objects.select_for_update()
        .select_related("relationship__facility")
        .get(pk=screening.pk)
    )
    if screening.relationship.facility.supplier_id != by.organization_id:
        raise ActionForbidden(_("Only the supplier's members attach evidence."))
    if screening.status != Screening.Status.DRAFT:
        raise StateConflict(_("This screening was submitted already."))
    belongs = Question.objects.filter(
        pk=question.pk, section__questionnaire_id=screening.questionnaire_id
    ).exists()
    if not belongs:
        raise ValidationError({"question": [_("Not a question of this questionnaire.")]})
    if not question.evidence_allowed:
        raise ValidationError({"question": [_("This question takes no attachments.")]})
    attached = ScreeningEvidence.objects.filter(screening=screening, question=question).count()
    if attached >= MAX_FILES_PER_QUESTION:
        raise ValidationError(
            {"file": [_("At most %(n)s files per question.") % {"n": MAX_FILES_PER_QUESTION}]}
        )
    size = file.size or 0
    if size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": [_("Files can be at most 10 MB.")]})
    kind = evidence_type_of(file)
    if kind is None:
        raise ValidationError(
            {"file": [_("Attach a PDF, PNG, JPEG, WebP, Word (DOCX) or Excel (XLSX) file.")]}
        )
    evidence = ScreeningEvidence(
        screening=screening,
        question=question,
        original_name=_display_name(file.name or ""),
        content_type=kind.content_type,
        size=size,
        uploaded_by=by.user,
    )
    # The stored name is ours, with the extension of what the content is: a client's
    # file name never decides how the file is served back.
    evidence.file.save(f"{uuid.uuid4().hex}.{kind.extension}", file, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


def evidence_download_name(evidence: ScreeningEvidence) -> str:
    """The supplier's file name with the extension of what the file really is."""
    stored_extension = PurePath(evidence.file.name or "").suffix
    return f"{PurePath(evidence.original_name).stem or 'evidence'}{stored_extension}"
