"""Import of one draft audit's findings from a CSV or XLSX file: all rows or none.

Three steps, shared by the browser wizard and the API:

- :func:`import_table_read` reads the file (told apart by content, not by name) into its
  own column headers and rows, or refuses it with one message a person can act on;
- :func:`import_mapping_guess` maps those headers to the finding fields (field names and
  common spellings such as "Issue category" or "SMETA clause"); a person or an API
  client may correct the mapping;
- :func:`findings_import` checks every row — reporting every problem of every row with
  its spreadsheet row number and column — and stores the findings only when all rows are
  good, through :func:`audits.services.findings.finding_build` and ``findings_save``, so
  an imported finding obeys the same rules as one recorded by hand (zero-tolerance
  alerts included).

A 10,000-row file imports within seconds: law requirements and code clauses are looked
up once per distinct value in the file, never once per row, and the findings are
inserted in bulk.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.models import Audit, Finding
from audits.services.audits import require_draft, require_recorder
from audits.services.findings import (
    FINDING_FIELDS,
    finding_build,
    findings_save,
    requirement_for_audit,
)
from csr_platform.models import Membership
from laws.models import CodeClause, Requirement
from laws.parameters import Topic
from laws.selectors import in_force
from laws.taxonomy import FindingCategory, Severity
from suppliers.services.imports import (
    MAX_UPLOAD_BYTES,
    MAX_XLSX_UNPACKED_BYTES,
    OLE2_SIGNATURE,
    XLSX_SIGNATURE,
)
from suppliers.services.screenings_evidence import XLSX, evidence_type_of

# The fields a file may fill, in the order of the template.
FIELDS: tuple[str, ...] = FINDING_FIELDS
REQUIRED_FIELDS: tuple[str, ...] = ("category", "severity", "description")
# An audit report lists tens or hundreds of findings; 20,000 leaves room for a
# programme's consolidated export while keeping one request within seconds.
MAX_ROWS = 20_000
MAX_WORKERS = 1_000_000
# Rows per ``pk IN (…)`` lookup: SQLite limits the parameters of one query.
BATCH = 500

# Spellings of the column headers that audit firms' exports and people use, beyond the
# field names and the model's labels. Compared after lower-casing and collapsing
# punctuation and spaces (see ``_key``).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "category": (
        "issue category",
        "finding category",
        "category code",
        "nc category",
        "non compliance category",
        "taxonomy",
    ),
    "severity": (
        "severity level",
        "finding severity",
        "rating",
        "grading",
        "nc grading",
        "non compliance grading",
        "level",
    ),
    "description": (
        "finding",
        "finding description",
        "issue",
        "issue description",
        "non compliance",
        "non compliance description",
        "nc description",
        "details",
    ),
    "scheme_reference": (
        "clause",
        "smeta clause",
        "scheme clause",
        "amfori performance area",
        "performance area",
        "rba clause",
        "slcp section",
        "reference",
    ),
    "workers_affected": (
        "affected workers",
        "number of workers affected",
        "no of workers affected",
        "workers",
    ),
    "extent": ("isolated systemic", "systemic", "scope"),
    "evidence": ("objective evidence", "evidence observed", "evidence seen"),
    "requirement": (
        "law requirement",
        "requirement id",
        "legal requirement",
        "law",
        "local law",
        "law topic",
        "topic",
    ),
    "code_clause": (
        "coc clause",
        "code of conduct clause",
        "code of conduct",
        "brand clause",
        "code reference",
    ),
}

FIELD_HELP: dict[str, Any] = {
    "category": gettext_lazy(
        "One of the 15 category codes (e.g. HOURS) or its name; see the template's second sheet."
    ),
    "severity": gettext_lazy(
        "zero_tolerance (also “zero tolerance” or ZT), critical, major, minor or observation."
    ),
    "description": gettext_lazy("What the auditor found."),
    "scheme_reference": gettext_lazy(
        "The clause in the audit's scheme, e.g. SMETA 6.1 (at most 80 characters)."
    ),
    "workers_affected": gettext_lazy("A whole number, 0 or more."),
    "extent": gettext_lazy("isolated or systemic; isolated when empty."),
    "evidence": gettext_lazy("Records, interviews or observations that show it."),
    "requirement": gettext_lazy(
        "A law topic such as overtime (the rule in force on the audit date in the "
        "facility's country) or a requirement id from the law library."
    ),
    "code_clause": gettext_lazy("A clause reference of your code of conduct, e.g. CoC 4.1."),
}

TEMPLATE_EXAMPLE: dict[str, str | int] = {
    "category": "HOURS",
    "severity": "major",
    "description": "Workers in sewing worked 72 hours in the peak week of March.",
    "scheme_reference": "SMETA 6",
    "workers_affected": 120,
    "extent": "systemic",
    "evidence": "Time records for March; interviews with 12 workers.",
    "requirement": "overtime",
    "code_clause": "",
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX.content_type,
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+")


def field_label(name: str) -> str:
    """The finding field's name as the pages show it (e.g. "Law requirement")."""
    model_field = Finding._meta.get_field(name)
    return str(capfirst(getattr(model_field, "verbose_name", name)))


def _key(text: Any) -> str:
    """A header or value as compared: case, punctuation and spacing aside."""
    return re.sub(r"[\W_]+", " ", str(text).casefold()).strip()


def _in_english_and_current(
    labels: Callable[[], Iterable[tuple[str, Any]]],
) -> Iterator[tuple[str, str]]:
    """Each (value, label) in English and in the active language, so a file written in
    either is understood."""
    for value, label in labels():
        yield value, str(label)
    with translation.override("en"):
        for value, label in labels():
            yield value, str(label)


# --- Reading the file ------------------------------------------------------------------


@dataclass(frozen=True)
class ImportTable:
    """A file's column headers (as written in it) and its non-blank rows, each with its
    spreadsheet row number (the header is row 1) and one text per column."""

    columns: list[str]
    rows: list[tuple[int, list[str]]]


def _cell_text(value: Any) -> str:
    if isinstance(value, str):  # every CSV cell, most XLSX ones
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _table(lines: Iterable[Sequence[Any]]) -> ImportTable:
    """The first row names the columns; the others become rows of texts. Blank rows are
    skipped but counted, so that row numbers stay those of the spreadsheet."""
    iterator = iter(lines)
    header_cells = next(iterator, None)
    if header_cells is None:
        raise ValidationError(_("The file is empty."))
    columns = [" ".join(_cell_text(cell).split()) for cell in header_cells]
    # Spreadsheets often carry formatted but empty columns after the data.
    while columns and not columns[-1]:
        columns.pop()
    if not columns:
        raise ValidationError(
            _("The first row must name the columns, e.g. Category, Severity, Description.")
        )
    seen: dict[str, str] = {}
    duplicates: list[str] = []
    for column in columns:
        if column and column.casefold() in seen:
            duplicates.append(column)
        seen[column.casefold()] = column
    if duplicates:
        raise ValidationError(
            _("These columns appear twice in the first row: %(columns)s. Rename one of each.")
            % {"columns": ", ".join(sorted(set(duplicates)))}
        )
    unnamed = [position for position, column in enumerate(columns) if not column]
    width = len(columns)
    rows: list[tuple[int, list[str]]] = []
    stray: list[int] = []
    for number, cells in enumerate(iterator, start=2):
        texts = [_cell_text(cell) for cell in cells]
        if not any(texts):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": f"{MAX_ROWS:,}"}
            )
        if any(texts[width:]) or any(texts[p] for p in unnamed if p < len(texts)):
            stray.append(number)
        rows.append((number, (texts + [""] * width)[:width]))
    if stray:
        shown = ", ".join(str(n) for n in stray[:20]) + (" …" if len(stray) > 20 else "")
        raise ValidationError(
            _("Rows %(rows)s have values in a column without a name in the first row.")
            % {"rows": shown}
        )
    return ImportTable(columns=columns, rows=rows)


def _decode(content: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without the byte-order mark Excel's
    "CSV UTF-8" writes), UTF-16 with its mark (Excel's "Unicode text"), or else
    Windows-1252, which Excel's plain "CSV" uses on Western-European Windows."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                return content.decode("cp1252")
            except UnicodeDecodeError:
                pass
    raise ValidationError(
        _(
            "This file is neither an XLSX workbook nor a CSV text file. In Excel, save it "
            "as “CSV UTF-8” or as an .xlsx workbook."
        )
    )


def _read_csv(content: bytes) -> ImportTable:
    text = _decode(content)
    if _CONTROL.search(text):
        # Text files have no control characters; a binary file decoded as Windows-1252
        # nearly always has some.
        raise ValidationError(
            _("This is not a CSV or XLSX file. Upload the findings as CSV or as an .xlsx workbook.")
        )
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to a comma-decimal language save CSV with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        return _table(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ValidationError(
            _("The CSV file cannot be read: %(error)s.") % {"error": exc}
        ) from None


def _read_xlsx(content: bytes) -> ImportTable:
    from openpyxl import load_workbook  # only imports pay for openpyxl

    refused = ValidationError(
        _("This file is a zip archive but not an Excel workbook (.xlsx) that can be read.")
    )
    if evidence_type_of(io.BytesIO(content)) is not XLSX:
        raise refused
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ValidationError(_("This workbook unpacks to far more data than a list of findings."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds for a file it cannot read
        raise refused from None
    try:
        if not workbook.worksheets:
            raise ValidationError(_("The workbook has no sheet."))
        # The findings are on the first sheet (the template's second sheet only lists
        # the allowed values).
        sheet = workbook.worksheets[0]
        return _table(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def _content(file: IO[bytes] | bytes | Any) -> bytes:
    if isinstance(file, bytes | bytearray):
        content = bytes(file)
    else:
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
    return content


def import_file_content(file: IO[bytes] | bytes | Any) -> bytes:
    """The bytes of an uploaded file, refused (``ValidationError``) when empty or over
    the 10 MB limit; what the wizard keeps between its steps."""
    return _content(file)


def import_table_read(file: IO[bytes] | bytes | Any) -> ImportTable:
    """The headers and rows of a CSV or XLSX file, told apart by content.

    Raises ``ValidationError`` with one message for a file that is empty, over 10 MB or
    20,000 rows, of another type (PDF, image, old .xls, Word…), not decodable as text,
    or whose first row does not name its columns.
    """
    content = _content(file)
    if content.startswith(XLSX_SIGNATURE):
        return _read_xlsx(content)
    if content.startswith(OLE2_SIGNATURE):
        raise ValidationError(
            _("Old Excel files (.xls) cannot be read; save the sheet as .xlsx or CSV UTF-8.")
        )
    if evidence_type_of(io.BytesIO(content)) is not None:
        raise ValidationError(
            _("This is not a CSV or XLSX file. Upload the findings as CSV or as an .xlsx workbook.")
        )
    return _read_csv(content)


# --- Mapping the file's columns to the fields -------------------------------------------


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for name in FIELDS:
        spellings = [name, field_label(name), *SYNONYMS.get(name, ())]
        with translation.override("en"):
            spellings.append(field_label(name))
        for spelling in spellings:
            lookup.setdefault(_key(spelling), name)
    return lookup


def import_mapping_guess(columns: Sequence[str]) -> dict[str, str]:
    """``{header: field}`` for every column of the file; ``""`` for a column that
    matches no field (ignored unless someone maps it). A field is guessed for the first
    column that matches it only."""
    lookup = _header_lookup()
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        guess = lookup.get(_key(column), "")
        if guess in taken:
            guess = ""
        mapping[column] = guess
        if guess:
            taken.add(guess)
    return mapping


@dataclass(frozen=True)
class ImportProblem:
    """One problem: ``row`` as numbered in the spreadsheet (the header is row 1), or
    ``None`` for the whole file; ``column`` is the file's header, ``field`` the finding
    field it was mapped to."""

    row: int | None
    column: str
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }


def _mapping_used(
    columns: Sequence[str], mapping: Mapping[str, Any] | None
) -> tuple[dict[str, str], list[ImportProblem]]:
    """The mapping to apply and what is wrong with it. An explicit ``mapping`` is
    complete: a column it does not name is ignored."""
    problems: list[ImportProblem] = []
    if mapping is None:
        used = import_mapping_guess(columns)
    else:
        used = dict.fromkeys(columns, "")
        by_key: dict[str, list[str]] = {}
        for column in columns:
            by_key.setdefault(_key(column), []).append(column)
        for given, target in mapping.items():
            header = str(given).strip()
            if header not in used:
                # Spacing and case aside, when that names one column only.
                candidates = by_key.get(_key(header), [])
                if len(candidates) != 1:
                    problems.append(
                        ImportProblem(
                            None, header, "", _("The file has no column “%(c)s”.") % {"c": header}
                        )
                    )
                    continue
                header = candidates[0]
            name = "" if target is None else str(target).strip()
            if name.casefold() in ("ignore", "-"):
                name = ""
            if name and name not in FIELDS:
                problems.append(
                    ImportProblem(
                        None,
                        header,
                        name,
                        _("“%(f)s” is not a finding field. The fields are: %(fields)s.")
                        % {"f": name, "fields": ", ".join(FIELDS)},
                    )
                )
                continue
            used[header] = name
    sources: dict[str, list[str]] = {}
    for column, name in used.items():
        if name:
            sources.setdefault(name, []).append(column)
    for name, mapped in sources.items():
        if len(mapped) > 1:
            problems.append(
                ImportProblem(
                    None,
                    ", ".join(mapped),
                    name,
                    _("Only one column can fill “%(f)s”; choose one of these.")
                    % {"f": field_label(name)},
                )
            )
    for name in REQUIRED_FIELDS:
        if name not in sources:
            problems.append(
                ImportProblem(
                    None,
                    "",
                    name,
                    _("No column is mapped to “%(f)s”, which every finding needs.")
                    % {"f": field_label(name)},
                )
            )
    return used, problems


# --- Checking the rows ------------------------------------------------------------------


@dataclass
class ImportRow:
    """One row as it will be created: ``values`` hold the cleaned value of each field
    (or the file's text where it is wrong), ``labels`` what a person reads for the
    coded ones (category, severity, extent, requirement, code clause)."""

    row: int
    values: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)
    errors: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            **self.values,
            "labels": self.labels,
            "errors": [error.as_dict() for error in self.errors],
        }


@dataclass
class FindingImportReport:
    """What an import found in the file and did — or, when ``errors`` is not empty, why
    it stored nothing."""

    columns: list[str]
    mapping: dict[str, str]
    dry_run: bool
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def file_errors(self) -> list[ImportProblem]:
        """Problems of the whole file or its mapping (no row number)."""
        return [error for error in self.errors if error.row is None]

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def zero_tolerance(self) -> int:
        return sum(1 for row in self.rows if row.values.get("severity") == Severity.ZERO_TOLERANCE)

    def as_dict(self, *, rows: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "columns": self.columns,
            "mapping": self.mapping,
            "row_count": len(self.rows),
            "created": self.created,
            "errors": [error.as_dict() for error in self.errors],
        }
        if rows:
            body["rows"] = [row.as_dict() for row in self.rows]
        return body


def _choices_lookup(choices: Any, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{spelling: value}`` of a choices class: values and labels, compared by ``_key``."""
    lookup: dict[str, str] = {}
    for value, label in _in_english_and_current(lambda: choices.choices):
        lookup.setdefault(_key(value), value)
        lookup.setdefault(_key(label), value)
    for spelling, value in (extra or {}).items():
        lookup.setdefault(_key(spelling), value)
    return lookup


class _RowChecker:
    """Cleans each row into a built finding and collects every problem. Requirements
    and code clauses are looked up once per distinct value (see :meth:`prepare`)."""

    def __init__(self, audit: Audit, columns: Sequence[str], mapping: Mapping[str, str]) -> None:
        self.audit = audit
        self.positions = {
            name: (position, column)
            for position, column in enumerate(columns)
            if (name := mapping.get(column, ""))
        }
        self.categories = _choices_lookup(FindingCategory)
        self.severities = _choices_lookup(
            Severity, {"zt": Severity.ZERO_TOLERANCE, "zero tolerance": Severity.ZERO_TOLERANCE}
        )
        self.extents = _choices_lookup(Finding.Extent, {"systematic": Finding.Extent.SYSTEMIC})
        self.topics = _choices_lookup(Topic)
        # Labels are lazy translations, costly to evaluate 10,000 times: once here.
        self.labels = {
            name: {value: str(label) for value, label in choices.choices}
            for name, choices in (
                ("category", FindingCategory),
                ("severity", Severity),
                ("extent", Finding.Extent),
                ("topic", Topic),
            )
        }
        # file text → (requirement, its label) or (None, why it cannot be used)
        self.requirements: dict[str, tuple[Requirement | None, str]] = {}
        # file text → the brand's clause (or None), filled once per file in ``prepare``
        self.clauses: dict[str, CodeClause | None] = {}

    def lookup(self, spellings: dict[str, str], raw: str) -> str | None:
        """The value ``raw`` spells; the exact text is remembered, as files repeat a
        few spellings thousands of times."""
        if raw not in spellings:
            found = spellings.get(_key(raw))
            if found is None:
                return None
            spellings[raw] = found
        return spellings[raw]

    def text(self, cells: Sequence[str], name: str) -> str:
        place = self.positions.get(name)
        return cells[place[0]] if place else ""

    def column(self, name: str) -> str:
        place = self.positions.get(name)
        return place[1] if place else ""

    # -- once per file

    def prepare(self, rows: Sequence[tuple[int, list[str]]]) -> None:
        if "requirement" in self.positions:
            distinct = {self.text(cells, "requirement") for _n, cells in rows} - {""}
            self._resolve_requirements(distinct)
        if "code_clause" in self.positions:
            distinct = {self.text(cells, "code_clause") for _n, cells in rows} - {""}
            if distinct:
                self._resolve_clauses(distinct)

    def _resolve_clauses(self, values: set[str]) -> None:
        """One query: the brand's clauses, matched by reference (case and spacing
        aside, then punctuation aside) or by id."""
        exact: dict[str, CodeClause] = {}
        loose: dict[str, CodeClause] = {}
        for clause in CodeClause.objects.filter(brand_id=self.audit.brand_id):
            exact[" ".join(clause.reference.casefold().split())] = clause
            exact[str(clause.pk)] = clause
            loose.setdefault(_key(clause.reference), clause)
        for value in values:
            self.clauses[value] = exact.get(" ".join(value.casefold().split())) or loose.get(
                _key(value)
            )

    def _resolve_requirements(self, values: set[str]) -> None:
        """One query per distinct rule (and one per 500 ids): the version in force on
        the audit date in the facility's country, as ``finding_build`` would pick."""
        ids: dict[str, uuid.UUID] = {}
        for value in values:
            try:
                ids[value] = uuid.UUID(value)
            except ValueError:
                continue
        found: dict[uuid.UUID, Requirement] = {}
        id_list = sorted(set(ids.values()))
        for start in range(0, len(id_list), BATCH):
            chunk = id_list[start : start + BATCH]
            found.update((r.pk, r) for r in Requirement.objects.filter(pk__in=chunk))
        country = str(self.audit.facility.country)
        on = self.audit.start_date
        for value in values:
            if value in ids:
                requirement = found.get(ids[value])
                if requirement is None:
                    self.requirements[value] = (
                        None,
                        _("No requirement with this id in the law library."),
                    )
                    continue
                try:
                    version = requirement_for_audit(self.audit, requirement)
                except ValidationError as exc:
                    self.requirements[value] = (None, " ".join(exc.messages))
                    continue
                self.requirements[value] = (version, self._label(version))
                continue
            topic = self.topics.get(_key(value))
            if topic is None:
                self.requirements[value] = (
                    None,
                    _("“%(v)s” is neither a law topic (%(topics)s) nor a requirement id.")
                    % {"v": value, "topics": ", ".join(Topic.values)},
                )
                continue
            rule = in_force(country=country, topic=topic, on=on)
            if rule is None:
                self.requirements[value] = (
                    None,
                    _("The law library has no %(topic)s rule in force in %(country)s on %(date)s.")
                    % {
                        "topic": Topic(topic).label,
                        "country": self.audit.facility.country.name,
                        "date": on.isoformat(),
                    },
                )
                continue
            self.requirements[value] = (rule, self._label(rule))

    def _label(self, requirement: Requirement | None) -> str:
        if requirement is None:
            return ""
        citation = f" {requirement.citation}" if requirement.citation else ""
        return (
            f"{self.labels['topic'].get(requirement.topic, requirement.topic)} · "
            f"{requirement.country.code}{citation} ({requirement.effective_from.isoformat()})"
        )

    # -- once per row

    def row(self, number: int, cells: Sequence[str]) -> tuple[ImportRow, Finding | None]:
        row = ImportRow(row=number, values={})
        reported: set[str] = set()

        def problem(name: str, message: str) -> None:
            reported.add(name)
            row.errors.append(ImportProblem(number, self.column(name), name, message))

        values: dict[str, Any] = {}
        for name in ("description", "scheme_reference", "evidence"):
            row.values[name] = values[name] = self.text(cells, name)
        if not values["description"]:
            problem("description", _("Describe the finding."))

        raw = self.text(cells, "category")
        row.values["category"] = raw
        if not raw:
            problem("category", _("Give the category, e.g. HOURS."))
        elif (category := self.lookup(self.categories, raw)) is None:
            problem(
                "category",
                _("Unknown category “%(v)s”. Use one of: %(codes)s.")
                % {"v": raw, "codes": ", ".join(FindingCategory.values)},
            )
        else:
            row.values["category"] = values["category"] = category
            row.labels["category"] = self.labels["category"][category]

        raw = self.text(cells, "severity")
        row.values["severity"] = raw
        if not raw:
            problem("severity", _("Give the severity, e.g. major."))
        elif (severity := self.lookup(self.severities, raw)) is None:
            problem(
                "severity",
                _("Unknown severity “%(v)s”. Use one of: %(values)s.")
                % {"v": raw, "values": ", ".join(Severity.values)},
            )
        else:
            row.values["severity"] = values["severity"] = severity
            row.labels["severity"] = self.labels["severity"][severity]

        raw = self.text(cells, "extent")
        extent = self.lookup(self.extents, raw) if raw else Finding.Extent.ISOLATED
        row.values["extent"] = raw
        if extent is None:
            problem("extent", _("Write isolated or systemic (or leave it empty for isolated)."))
        else:
            row.values["extent"] = values["extent"] = extent
            row.labels["extent"] = self.labels["extent"][extent]

        raw = self.text(cells, "workers_affected")
        row.values["workers_affected"] = raw or None
        if raw:
            text = raw.replace(" ", "").replace("\u00a0", "")
            if _THOUSANDS.fullmatch(text):
                text = text.replace(",", "")
            if not text.isdigit():
                problem("workers_affected", _("Enter a whole number of workers, 0 or more."))
            elif int(text) > MAX_WORKERS:
                problem("workers_affected", _("More than 1,000,000 workers: check the number."))
            else:
                row.values["workers_affected"] = values["workers_affected"] = int(text)

        raw = self.text(cells, "code_clause")
        row.values["code_clause"] = raw or None
        if raw:
            clause = self.clauses.get(raw)
            if clause is None:
                problem(
                    "code_clause",
                    _("Your code of conduct has no clause “%(v)s”.") % {"v": raw},
                )
            else:
                values["code_clause"] = clause
                row.values["code_clause"] = str(clause.pk)
                row.labels["code_clause"] = str(clause)

        raw = self.text(cells, "requirement")
        row.values["requirement"] = raw or None
        requirement: Requirement | None = None
        if raw:
            requirement, text = self.requirements[raw]
            if requirement is None:
                problem("requirement", text)
            else:
                row.values["requirement"] = str(requirement.pk)
                row.labels["requirement"] = text

        try:
            # The requirement was validated once per distinct value above (with
            # ``requirement_for_audit``, as ``finding_build`` does); passing it here
            # would look its version up again, one query per row.
            finding = finding_build(audit=self.audit, values=values)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if name in reported:
                    continue
                column = self.column(name) if name != NON_FIELD_ERRORS else ""
                for message in messages:
                    row.errors.append(ImportProblem(number, column, name, message))
            return row, None
        if row.errors:
            return row, None
        finding.requirement = requirement
        return row, finding


def _check_rows(
    audit: Audit, table: ImportTable, mapping: Mapping[str, str], report: FindingImportReport
) -> list[Finding]:
    checker = _RowChecker(audit, table.columns, mapping)
    checker.prepare(table.rows)
    findings: list[Finding] = []
    for number, cells in table.rows:
        row, finding = checker.row(number, cells)
        report.rows.append(row)
        report.errors.extend(row.errors)
        if finding is not None:
            findings.append(finding)
    if not table.rows:
        report.errors.append(
            ImportProblem(None, "", "", _("The file has no findings: only the header row."))
        )
    return findings


def findings_import(
    *,
    audit: Audit,
    by: Membership,
    file: IO[bytes] | bytes | Any,
    mapping: Mapping[str, Any] | None = None,
    dry_run: bool = False,
) -> FindingImportReport:
    """Add the findings of a CSV or XLSX ``file`` to a draft ``audit``: all or none.

    ``mapping`` is ``{file header: field}`` (``""`` ignores a column); without it the
    headers are mapped by :func:`import_mapping_guess`. With ``dry_run`` nothing is
    stored: the report previews the rows. Otherwise the findings are stored in one
    transaction under the audit's row lock, numbered after the audit's existing ones,
    with zero-tolerance alerts, and ``created`` counts them.

    Every problem of every row (and of the mapping) is in ``errors``; when there is
    any, nothing is stored. Raises ``ActionForbidden`` unless ``by`` records audits for
    the audit's brand, ``StateConflict`` for a final audit, and ``ValidationError`` for
    a file that cannot be read (see :func:`import_table_read`).
    """
    require_recorder(audit, by)
    require_draft(audit)
    table = import_table_read(file)
    used, problems = _mapping_used(table.columns, mapping)
    report = FindingImportReport(columns=table.columns, mapping=used, dry_run=dry_run)
    if problems:
        report.errors = problems
        return report
    if dry_run:
        current = Audit.objects.select_related("facility").get(pk=audit.pk)
        require_draft(current)
        _check_rows(current, table, used, report)
        return report
    with transaction.atomic():
        # Checked under the lock: the audit's date and country decide which law
        # versions the rows cite, and no one finalizes it halfway through.
        locked = Audit.objects.select_for_update().select_related("facility").get(pk=audit.pk)
        require_draft(locked)
        findings = _check_rows(locked, table, used, report)
        if report.ok:
            saved = findings_save(
                audit=locked, findings=findings, by=by, source=Finding.Source.IMPORT
            )
            report.created = len(saved)
    return report


# --- The template -----------------------------------------------------------------------


def findings_import_template(fmt: str) -> tuple[bytes, str, str]:
    """A file to fill in: the column headers and one example row; the XLSX also lists
    the allowed categories, severities, extents and law topics on a second sheet.
    Returns ``(content, content type, file name)``; ``ValueError`` for another ``fmt``."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(FIELDS)
        writer.writerow([TEMPLATE_EXAMPLE[name] for name in FIELDS])
        # The byte-order mark makes Excel open the file as UTF-8.
        content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
        return content, CONTENT_TYPES["csv"], "findings-import-template.csv"
    if fmt == "xlsx":
        return _template_xlsx(), CONTENT_TYPES["xlsx"], "findings-import-template.xlsx"
    raise ValueError(fmt)


def _template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = _("Findings")[:31]
    sheet.append(list(FIELDS))
    sheet.append([TEMPLATE_EXAMPLE[name] for name in FIELDS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHI", (10, 16, 60, 18, 18, 12, 40, 18, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"

    allowed = workbook.create_sheet(_("Allowed values")[:31])
    allowed.append(
        [
            _("Category"),
            _("Category name"),
            _("Severity"),
            _("Severity name"),
            _("Extent"),
            _("Extent name"),
            _("Law topic"),
            _("Law topic name"),
        ]
    )
    for cell in allowed[1]:
        cell.font = Font(bold=True)
    lists = [
        list(FindingCategory.choices),
        list(Severity.choices),
        list(Finding.Extent.choices),
        list(Topic.choices),
    ]
    for index in range(max(len(values) for values in lists)):
        line: list[str] = []
        for values in lists:
            value, label = values[index] if index < len(values) else ("", "")
            line += [str(value), str(label)]
        allowed.append(line)
    for letter, width in zip("ABCDEFGH", (10, 48, 16, 16, 10, 12, 24, 24), strict=True):
        allowed.column_dimensions[letter].width = width

    # Drop-down lists of the codes; a name typed instead (e.g. "Zero tolerance") is
    # accepted too, so Excel only warns.
    title = allowed.title.replace("'", "''")
    for column, source, count in (
        ("A", "A", len(FindingCategory.choices)),
        ("B", "C", len(Severity.choices)),
        ("F", "E", len(Finding.Extent.choices)),
    ):
        validation = DataValidation(
            type="list",
            formula1=f"'{title}'!${source}$2:${source}${count + 1}",
            allow_blank=True,
            errorStyle="warning",
        )
        sheet.add_data_validation(validation)
        validation.add(f"{column}2:{column}{MAX_ROWS + 1}")
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
