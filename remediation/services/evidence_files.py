"""What a CAP evidence file may be: up to 20 MB, and by its content (not its name) a
PDF, JPEG, PNG or WebP image, an XLSX or DOCX document, or a CSV text file. An
executable renamed ``.pdf`` or a web page renamed ``.png`` is refused."""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from suppliers.services.screenings_evidence import EvidenceType, evidence_type_of

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
CSV = EvidenceType("text/csv", "csv")
# Text that starts like a web page or a script is not a spreadsheet export.
MARKUP_STARTS = (b"<!doctype", b"<html", b"<script", b"<?xml", b"<svg", b"#!")


def _csv_type(stream: IO[bytes], name: str) -> EvidenceType | None:
    """CSV has no signature: accept a ``.csv`` whose start decodes as text, holds no
    NUL byte, and is not markup."""
    if not name.lower().endswith(".csv"):
        return None
    stream.seek(0)
    head = stream.read(64 * 1024)
    stream.seek(0)
    if b"\x00" in head or head.lstrip().lower().startswith(MARKUP_STARTS):
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            head.decode(encoding)
            return CSV
        except UnicodeDecodeError:
            continue
    return None


def evidence_file_type(upload: Any) -> EvidenceType:
    """The accepted type of ``upload``, or a ``ValidationError`` that says why not."""
    name = str(getattr(upload, "name", "") or "")
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            {"file": _("%(name)s is larger than 20 MB; upload a smaller file.") % {"name": name}}
        )
    found = evidence_type_of(upload) or _csv_type(upload, name)
    if found is None:
        raise ValidationError(
            {
                "file": _(
                    "%(name)s is not a PDF, JPEG, PNG, WebP, XLSX, DOCX or CSV file "
                    "(files are checked by their content, not their name)."
                )
                % {"name": name}
            }
        )
    return found
