"""Bulk import of facilities from a CSV or XLSX file: all rows or none.

Two steps, usable by a page and by the API alike:

- :func:`parse_upload` turns an uploaded file into rows (``{column: text}``), telling
  CSV from XLSX by content, or refuses the file with a message a person can act on.
- :func:`facilities_import` checks every row, reports every problem of every row
  (spreadsheet row number, column, message) and writes nothing unless all rows are
  good; then it adds them in a fixed number of queries per batch.

The rules are those of :func:`suppliers.services.facilities.facility_add`, the single
facility service: a row whose Open Supply Hub id is already on the platform adds only
the brand's relationship to that facility; otherwise a supplier organization is created
(one per distinct supplier name in the file, never matched to an existing organization,
which would reveal another tenant), its admin is invited, and both the facility and the
relationship are recorded on the timeline. ``facility_add`` is not called per row: it
costs about a dozen queries a row, and a brand's whole supplier list (thousands of rows)
must import within one request.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries

from csr_platform.errors import ActionForbidden
from csr_platform.models import Membership, Organization, User
from csr_platform.permissions import Capability
from csr_platform.roles import OrganizationKind, Role
from csr_platform.services.invitations import invitations_send_to_new_organizations
from suppliers.models import Facility, FacilityEvent, SourcingRelationship

# In the order of the template file.
COLUMNS: tuple[str, ...] = (
    "name",
    "country",
    "address",
    "os_id",
    "supplier_name",
    "supplier_admin_email",
    "worker_count",
    "workers_female",
    "workers_male",
    "processes",
    "product_types",
    "sourcing_owner_email",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("name", "country")

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A brand's whole supplier list is a few thousand facilities; a bigger file is almost
# certainly not a facility list, and one request should not take minutes.
MAX_ROWS = 10_000
# An XLSX is a zip: refuse one that would unpack to far more than any real list.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_WORKERS = 1_000_000
# The length of every e-mail column it is stored in (invitations, security events).
MAX_EMAIL_LENGTH = 254
# Rows per INSERT and ids per IN (…) lookup: SQLite limits the parameters of a query.
BATCH = 500

LENGTHS = {"name": 200, "address": 400, "os_id": 32, "supplier_name": 200}
OS_ID_PATTERN = re.compile(r"^[A-Z0-9]+$")
LIST_SEPARATORS = re.compile(r"[;,\n]")
# Common English names that are not the ISO short names django-countries knows.
COUNTRY_ALIASES = {
    "united states": "US",
    "usa": "US",
    "uk": "GB",
    "great britain": "GB",
    "south korea": "KR",
    "north korea": "KP",
    "burma": "MM",
    "ivory coast": "CI",
    "russia": "RU",
    "laos": "LA",
    "vietnam": "VN",
    "turkey": "TR",
}

XLSX_SIGNATURE = b"PK\x03\x04"
# Old binary Excel (.xls), Word… files: OLE2 compound documents.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` as numbered in the spreadsheet (the header is row 1);
    ``None`` when it concerns the whole file."""

    row: int | None
    field: str
    message: str


@dataclass
class ImportReport:
    """What an import did, or — when ``errors`` is not empty — why it did nothing."""

    rows: int = 0
    facilities_created: int = 0
    facilities_matched: int = 0
    suppliers_created: int = 0
    invitations_sent: int = 0
    # Rows whose facility the brand already has: skipped, nothing to add.
    already_listed: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def relationships_created(self) -> int:
        return self.facilities_created + self.facilities_matched

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "facilities_created": self.facilities_created,
            "facilities_matched": self.facilities_matched,
            "suppliers_created": self.suppliers_created,
            "invitations_sent": self.invitations_sent,
            "already_listed": self.already_listed,
            "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in self.errors],
        }


# --- Reading the file ------------------------------------------------------------------


def _column_name(raw: Any) -> str:
    text = str(raw or "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _rows_from_table(table: Iterable[list[Any]]) -> list[dict[str, str]]:
    """The first row names the columns; each later row becomes ``{column: text}``.

    Blank rows between filled ones are kept (all values ``""``) so that row numbers
    stay those of the spreadsheet; :func:`facilities_import` skips them.
    """
    lines = iter(table)
    header_cells = next(lines, None)
    if header_cells is None:
        raise ValidationError(_("The file is empty."))
    header = [_column_name(cell) for cell in header_cells]
    named = [name for name in header if name]
    if not named:
        raise ValidationError(_("The first row must name the columns, e.g. name, country."))
    duplicates = sorted({name for name in named if named.count(name) > 1})
    if duplicates:
        raise ValidationError(
            _("These columns appear twice: %(columns)s.") % {"columns": ", ".join(duplicates)}
        )
    rows: list[dict[str, str]] = []
    stray: list[int] = []
    blank_run = filled = 0
    for number, cells in enumerate(lines, start=2):
        texts = [_cell_text(cell) for cell in cells]
        if not any(texts):
            # Kept only when data follows, so that row numbers stay the spreadsheet's;
            # a sheet formatted far below its data ends at its last filled row.
            blank_run += 1
            continue
        filled += 1
        if filled > MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": f"{MAX_ROWS:,}"}
            )
        rows.extend(dict.fromkeys(named, "") for _blank in range(blank_run))
        blank_run = 0
        row = dict.fromkeys(named, "")
        for position, text in enumerate(texts):
            name = header[position] if position < len(header) else ""
            if name:
                row[name] = text
            elif text:
                stray.append(number)
                break
        rows.append(row)
    if stray:
        shown = ", ".join(str(n) for n in stray[:20]) + (" …" if len(stray) > 20 else "")
        raise ValidationError(
            _("Rows %(rows)s have values in a column without a name in the first row.")
            % {"rows": shown}
        )
    return rows


def _read_csv(content: bytes) -> list[dict[str, str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _(
                "This file is neither an XLSX workbook nor a CSV file in UTF-8. In Excel, "
                "save it as “CSV UTF-8” or as an .xlsx workbook."
            )
        ) from None
    if "\x00" in text:
        raise ValidationError(_("This is not a CSV or XLSX file."))
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to a comma-decimal language save CSV with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        return _rows_from_table(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ValidationError(
            _("The CSV file cannot be read: %(error)s.") % {"error": exc}
        ) from None


def _read_xlsx(content: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook  # only imports pay for openpyxl

    refused = ValidationError(
        _("This file is a zip archive but not an Excel workbook (.xlsx) that can be read.")
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise refused from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ValidationError(_("This workbook unpacks to far more data than a facility list."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds for a file it cannot read
        raise refused from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ValidationError(_("The workbook has no sheet."))
        return _rows_from_table(list(row) for row in sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def parse_upload(file: IO[bytes] | Any) -> list[dict[str, str]]:
    """Rows of an uploaded CSV or XLSX file (told apart by content, not by name).

    The first row names the columns (``Supplier admin e-mail`` and similar spellings
    become ``supplier_admin_email``); the first data row is spreadsheet row 2. Raises
    ``ValidationError`` with one message for a file that is too big, not UTF-8 CSV or
    XLSX, unreadable, or has more than ``MAX_ROWS`` rows.
    """
    size = getattr(file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is 10 MB.") % {"size": size / (1024 * 1024)}
        )
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read(MAX_UPLOAD_BYTES + 1)
    if isinstance(content, str):
        content = content.encode("utf-8")
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than the limit of 10 MB."))
    if not content.strip():
        raise ValidationError(_("The file is empty."))
    if content.startswith(XLSX_SIGNATURE):
        return _read_xlsx(content)
    if content.startswith(OLE2_SIGNATURE):
        raise ValidationError(
            _("Old Excel files (.xls) cannot be read; save the sheet as .xlsx or CSV UTF-8.")
        )
    return _read_csv(content)


# --- Checking the rows -----------------------------------------------------------------


@dataclass
class _Row:
    number: int
    name: str = ""
    country: str = ""
    address: str = ""
    os_id: str = ""
    supplier_name: str = ""
    supplier_admin_email: str = ""
    sourcing_owner_email: str = ""
    profile: dict[str, Any] = field(default_factory=dict)
    # Filled in once the database was asked.
    facility_id: Any = None
    sourcing_owner: Membership | None = None


class _Checker:
    """Cleans every row and collects every problem; the database is asked in batches."""

    def __init__(self, brand: Organization, report: ImportReport) -> None:
        self.brand = brand
        self.report = report
        self._countries: dict[str, str] = {}

    def error(self, row: int | None, column: str, message: str) -> None:
        self.report.errors.append(RowError(row, column, message))

    def country(self, raw: str) -> str:
        if raw not in self._countries:
            text = raw.strip()
            code = ""
            if len(text) in (2, 3) or text.isdigit():
                code = countries.alpha2(text.upper()) or ""
            if not code:
                code = COUNTRY_ALIASES.get(text.lower(), "") or str(
                    countries.by_name(text, language="en") or ""
                )
            self._countries[raw] = code
        return self._countries[raw]

    def count(self, row: int, column: str, raw: str) -> int | None:
        text = raw.replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        if re.fullmatch(r"\d{1,3}(,\d{3})+", text):
            text = text.replace(",", "")
        if not text.isdigit():
            self.error(row, column, _("Enter a whole number of workers, e.g. 1200."))
            return None
        number = int(text)
        if number > MAX_WORKERS:
            self.error(row, column, _("More than 1,000,000 workers: check the number."))
            return None
        return number

    def email(self, row: int, column: str, raw: str) -> str:
        if not raw.strip():
            return ""
        email = User.objects.normalize_email(raw.strip()).lower()
        try:
            validate_email(email)
            if len(email) > MAX_EMAIL_LENGTH:
                raise ValidationError("too long")
        except ValidationError:
            self.error(row, column, _("Enter a valid e-mail address."))
            return ""
        return email

    def row(self, number: int, raw: Mapping[str, str]) -> _Row:
        row = _Row(number=number)
        for column, limit in LENGTHS.items():
            value = " ".join(raw.get(column, "").split())
            if len(value) > limit:
                self.error(
                    number,
                    column,
                    _("At most %(limit)s characters (this has %(n)s).")
                    % {"limit": limit, "n": len(value)},
                )
            setattr(row, column, value)
        row.os_id = row.os_id.replace(" ", "").upper()
        if not row.name:
            self.error(number, "name", _("A facility needs a name."))
        country = raw.get("country", "").strip()
        if not country:
            self.error(number, "country", _("Give the country (ISO code such as BD, or name)."))
        else:
            row.country = self.country(country)
            if not row.country:
                self.error(
                    number,
                    "country",
                    _("Unknown country “%(value)s”: use an ISO code such as BD or VN.")
                    % {"value": country},
                )
        if row.os_id and not OS_ID_PATTERN.match(row.os_id):
            self.error(
                number,
                "os_id",
                _("An Open Supply Hub id has only letters and digits, e.g. BD2019123ABCDEF."),
            )
        row.supplier_admin_email = self.email(
            number, "supplier_admin_email", raw.get("supplier_admin_email", "")
        )
        row.sourcing_owner_email = self.email(
            number, "sourcing_owner_email", raw.get("sourcing_owner_email", "")
        )
        counts = {
            column: self.count(number, column, raw.get(column, ""))
            for column in ("worker_count", "workers_female", "workers_male")
        }
        total, women, men = counts["worker_count"], counts["workers_female"], counts["workers_male"]
        if total is not None and women is not None and men is not None and women + men > total:
            self.error(
                number,
                "workers_female",
                _("Women and men together exceed the workers counted."),
            )
        row.profile = {
            **counts,
            "processes": _list(raw.get("processes", "")),
            "product_types": _list(raw.get("product_types", "")),
        }
        return row

    def match_facilities(self, rows: list[_Row]) -> None:
        """Existing facilities by os_id (following merges); refuse repeats in the file."""
        first_with: dict[str, int] = {}
        repeated: set[int] = set()
        for row in rows:
            if not row.os_id:
                continue
            if row.os_id in first_with:
                self.error(
                    row.number,
                    "os_id",
                    _("The same Open Supply Hub id is in row %(row)s already.")
                    % {"row": first_with[row.os_id]},
                )
                repeated.add(row.number)
            else:
                first_with[row.os_id] = row.number
        live: dict[str, Any] = {}
        for chunk in _chunks(list(first_with)):
            for pk, os_id, merged_into in Facility.objects.filter(os_id__in=chunk).values_list(
                "pk", "os_id", "merged_into_id"
            ):
                live[os_id] = _live_facility(pk, merged_into)
        listed: set[Any] = set()
        for chunk in _chunks(list(set(live.values()))):
            listed.update(
                SourcingRelationship.objects.filter(
                    brand=self.brand, facility_id__in=chunk
                ).values_list("facility_id", flat=True)
            )
        adding: set[Any] = set()
        for row in rows:
            if row.number in repeated:
                continue
            if row.os_id in live:
                row.facility_id = live[row.os_id]
                if row.facility_id in listed:
                    self.report.already_listed.append(row.number)
                elif row.facility_id in adding:
                    # Two ids of the file lead to one facility: one was merged into it.
                    self.error(
                        row.number,
                        "os_id",
                        _("This facility was merged into the one another row adds."),
                    )
                adding.add(row.facility_id)
            elif not row.supplier_name:
                self.error(
                    row.number,
                    "supplier_name",
                    _("Name the supplier that runs it (this Open Supply Hub id is new).")
                    if row.os_id
                    else _("Name the supplier that runs it."),
                )

    def match_owners(self, rows: list[_Row]) -> None:
        emails = sorted({row.sourcing_owner_email for row in rows if row.sourcing_owner_email})
        members: dict[str, Membership] = {}
        for chunk in _chunks(emails):
            for membership in Membership.objects.filter(
                organization=self.brand, is_active=True, user__email__in=chunk
            ).select_related("user", "organization"):
                members[membership.user.email] = membership
        for row in rows:
            if not row.sourcing_owner_email:
                continue
            owner = members.get(row.sourcing_owner_email)
            if owner is None or owner.role not in (Role.SOURCING, Role.ADMIN):
                self.error(
                    row.number,
                    "sourcing_owner_email",
                    _("The sourcing owner is a sourcing manager of your brand.")
                    if owner is not None
                    else _("%(email)s is not a member of your brand.")
                    % {"email": row.sourcing_owner_email},
                )
                continue
            row.sourcing_owner = owner


def _list(raw: str) -> list[str]:
    items: list[str] = []
    for part in LIST_SEPARATORS.split(raw or ""):
        item = " ".join(part.split())
        if item and item not in items:
            items.append(item)
    return items


def _chunks(items: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _live_facility(pk: Any, merged_into: Any) -> Any:
    """A merged record stands for the facility it was merged into (rare: one query each)."""
    seen = {pk}
    while merged_into is not None and merged_into not in seen:
        seen.add(merged_into)
        pk, merged_into = Facility.objects.values_list("pk", "merged_into_id").get(pk=merged_into)
    return pk


def _check(
    brand: Organization, rows: Sequence[Mapping[str, Any]], first_row: int
) -> tuple[ImportReport, list[_Row]]:
    report = ImportReport()
    checker = _Checker(brand, report)
    if sum(1 for raw in rows if any(str(v or "").strip() for v in raw.values())) > MAX_ROWS:
        checker.error(
            None,
            "",
            _("More than %(max)s rows; split the list into smaller files.")
            % {"max": f"{MAX_ROWS:,}"},
        )
        return report, []
    columns = {str(key) for raw in rows for key in raw}
    unknown = sorted(columns - set(COLUMNS))
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if unknown:
        checker.error(
            first_row - 1,
            ", ".join(unknown),
            _("Unknown columns. The columns are: %(columns)s.") % {"columns": ", ".join(COLUMNS)},
        )
    for column in missing:
        checker.error(first_row - 1, column, _("This column is missing."))
    if report.errors:
        return report, []
    cleaned: list[_Row] = []
    for offset, raw in enumerate(rows):
        texts = {str(k): "" if v is None else str(v).strip() for k, v in raw.items()}
        if not any(texts.values()):
            continue  # a blank line
        cleaned.append(checker.row(first_row + offset, texts))
    report.rows = len(cleaned)
    if not cleaned:
        checker.error(None, "", _("The file has no facilities: only the header row."))
        return report, []
    checker.match_facilities(cleaned)
    checker.match_owners(cleaned)
    report.errors.sort(
        key=lambda e: (e.row or 0, COLUMNS.index(e.field) if e.field in COLUMNS else 99)
    )
    return report, cleaned


# --- Writing ---------------------------------------------------------------------------


def _supplier_slugs(names: list[str]) -> list[str]:
    """A free slug per new supplier, as ``_unique_slug`` would pick, in a few queries."""
    bases = [slugify(name)[:60] or "supplier" for name in names]
    distinct = sorted(set(bases))
    taken: set[str] = set()
    for chunk in _chunks(distinct):
        taken.update(Organization.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    crowded = sorted(base for base in distinct if base in taken)
    for chunk in _chunks(crowded, 100):
        condition = Q()
        for base in chunk:
            condition |= Q(slug__startswith=f"{base}-")
        taken.update(Organization.objects.filter(condition).values_list("slug", flat=True))
    slugs: list[str] = []
    for base in bases:
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _write(by: Membership, rows: list[_Row], report: ImportReport, request: Any) -> None:
    brand, user = by.organization, by.user
    new_rows = [row for row in rows if row.facility_id is None]
    # One supplier organization per distinct name in the file (spacing and case aside).
    names: dict[str, str] = {}
    for row in new_rows:
        names.setdefault(row.supplier_name.casefold(), row.supplier_name)
    suppliers = {
        key: Organization(name=name, slug=slug, kind=OrganizationKind.SUPPLIER)
        for (key, name), slug in zip(
            names.items(), _supplier_slugs(list(names.values())), strict=True
        )
    }
    Organization.objects.bulk_create(suppliers.values(), batch_size=BATCH)
    report.suppliers_created = len(suppliers)

    facilities = [
        Facility(
            supplier=suppliers[row.supplier_name.casefold()],
            name=row.name,
            country=row.country,
            address=row.address,
            os_id=row.os_id,
            created_by=user,
            **row.profile,
        )
        for row in new_rows
    ]
    Facility.objects.bulk_create(facilities, batch_size=BATCH)
    for row, facility in zip(new_rows, facilities, strict=True):
        row.facility_id = facility.pk
    report.facilities_created = len(facilities)
    report.facilities_matched = len(rows) - len(new_rows)

    relationships = [
        SourcingRelationship(
            brand=brand, facility_id=row.facility_id, sourcing_owner=row.sourcing_owner
        )
        for row in rows
    ]
    SourcingRelationship.objects.bulk_create(relationships, batch_size=BATCH)
    note = _("Added by a file import")
    events = [
        FacilityEvent(facility_id=facility.pk, action="facility_added", actor=user, note=note)
        for facility in facilities
    ] + [
        FacilityEvent(
            facility_id=relationship.facility_id,
            relationship_id=relationship.pk,
            action="relationship_added",
            to_status=relationship.status,
            actor=user,
            note=note,
        )
        for relationship in relationships
    ]
    FacilityEvent.objects.bulk_create(events, batch_size=BATCH)

    # Each distinct admin address of a new supplier is invited once.
    invitations: dict[tuple[str, str], Organization] = {}
    for row in new_rows:
        if row.supplier_admin_email:
            key = row.supplier_name.casefold()
            invitations[(key, row.supplier_admin_email)] = suppliers[key]
    _invite_supplier_admins(
        [(organization, email) for (_key, email), organization in invitations.items()],
        invited_by=user,
        request=request,
    )
    report.invitations_sent = len(invitations)


def _invite_supplier_admins(
    invitations: list[tuple[Organization, str]], *, invited_by: User, request: Any
) -> None:
    invitations_send_to_new_organizations(
        invitations=invitations, role=Role.ADMIN, invited_by=invited_by, request=request
    )


def facilities_import(
    *,
    by: Membership,
    rows: list[dict[str, str]],
    first_row: int = 2,
    request: HttpRequest | None = None,
) -> ImportReport:
    """Add the facilities of ``rows`` to ``by``'s brand list: all of them or none.

    ``rows`` are ``{column: text}`` as :func:`parse_upload` returns them (or as an API
    client sends them); ``first_row`` is the spreadsheet number of ``rows[0]``, used in
    the errors; ``request`` gives the security events of the invitations the caller's
    address. Every problem of every row is reported; when there is any, nothing is
    written and the report's ``errors`` say why. Rows whose facility the brand already
    has are skipped and listed in ``already_listed``. Raises ``ActionForbidden`` for a
    role that may not add facilities.
    """
    if not by.can(Capability.ADD_FACILITY):
        raise ActionForbidden(_("Only a brand's administrators and CSR staff add facilities."))
    report, cleaned = _check(by.organization, rows, first_row)
    if not report.ok:
        return report
    listed = set(report.already_listed)
    to_add = [row for row in cleaned if row.number not in listed]
    try:
        with transaction.atomic():
            _write(by, to_add, report, request)
    except IntegrityError:
        # Someone added one of these facilities (same os_id) or relationships between
        # the check and the write; the constraint refused it and nothing was kept.
        return ImportReport(
            rows=report.rows,
            errors=[
                RowError(
                    None,
                    "",
                    _(
                        "Some of these facilities were added by someone else meanwhile; "
                        "nothing was imported. Upload the file again."
                    ),
                )
            ],
        )
    return report
