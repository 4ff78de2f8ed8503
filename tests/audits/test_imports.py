"""CSR staff bring an audit firm's findings in from a spreadsheet: the columns are
matched to the finding fields, every row is previewed with its problems, and then all
rows are stored or none — through the wizard and through the API alike."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from openpyxl import Workbook, load_workbook

from audits.models import Audit, Finding
from audits.services import imports
from audits.services.imports import (
    FIELDS,
    FindingImportReport,
    findings_import,
    findings_import_template,
    import_mapping_guess,
    import_table_read,
)
from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership, Notification
from laws.models import CodeClause, Requirement
from laws.taxonomy import FindingCategory, Severity
from suppliers.models import Facility
from tests.audits.helpers import (
    add_finding,
    bd_overtime_rule,
    draft_audit,
    facility_of,
    final_audit,
    supplier_admin_of,
)
from tests.conftest import api_error, signed_in, token_client
from tests.factories import member

pytestmark = pytest.mark.django_db

HEADER = ["category", "severity", "description", "workers_affected", "extent", "requirement"]


def api_url(audit: Audit) -> str:
    return f"/api/v1/audits/{audit.pk}/import-findings/"


def page_url(audit: Audit) -> str:
    return f"/audits/{audit.pk}/import/"


def csv_bytes(
    header: Sequence[str], rows: Sequence[Sequence[Any]], *, delimiter: str = ","
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(table: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in table:
        sheet.append(list(line))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(content: bytes, name: str = "findings.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def good_row(n: int, **values: Any) -> list[Any]:
    """A good row of ``HEADER``; override any column by name."""
    row = {
        "category": "HOURS",
        "severity": "major",
        "description": f"Finding {n}: 72 hours worked in the peak week.",
        "workers_affected": str(n % 300),
        "extent": "systemic",
        "requirement": "overtime",
        **values,
    }
    return [row[name] for name in HEADER]


def problems(report: FindingImportReport) -> set[tuple[int | None, str]]:
    return {(error.row, error.field) for error in report.errors}


@pytest.fixture
def csr() -> Membership:
    return member(role="csr")


@pytest.fixture
def facility(csr: Membership) -> Facility:
    return facility_of(csr)


@pytest.fixture
def audit(csr: Membership, facility: Facility) -> Audit:
    return draft_audit(csr, facility)


@pytest.fixture
def overtime() -> Requirement:
    """Bangladesh's overtime rule: a 2006 version replaced by a stricter one in 2020,
    so that an audit of 2025 must cite the newer one."""
    old = bd_overtime_rule(limit=66)
    Requirement.objects.filter(pk=old.pk).update(effective_to="2019-12-31")
    return bd_overtime_rule(effective_from=old.effective_from.replace(year=2020), limit=60)


@pytest.fixture
def clause(csr: Membership) -> CodeClause:
    return CodeClause.objects.create(
        brand=csr.organization,
        reference="CoC 4.1",
        title="Working hours",
        text="At most 60 hours a week, overtime included.",
        category="HOURS",
    )


# --- Reading and mapping the file -------------------------------------------------------


def test_a_csv_file_lands_whole_with_its_law_version_clause_and_numbers(
    csr: Membership, audit: Audit, overtime: Requirement, clause: CodeClause
) -> None:
    add_finding(csr, audit)  # F-1, recorded by hand before the import
    old_version = Requirement.objects.exclude(pk=overtime.pk).get()
    header = [*HEADER, "scheme_reference", "evidence", "code_clause"]
    content = csv_bytes(
        header,
        [
            [*good_row(1), "SMETA 6.1", "Time cards of March", "coc 4.1"],
            # A label instead of a code, case and spacing aside; an older version's id.
            [
                *good_row(
                    2,
                    category="working hours, overtime, rest days",
                    severity="Zero Tolerance",
                    requirement=str(old_version.pk),
                    workers_affected="1,200",
                    extent="",
                ),
                "",
                "",
                "",
            ],
            [
                *good_row(3, category="osh", severity="OBSERVATION", requirement=""),
                "SMETA 3",
                "",
                "CoC 4.1",
            ],
        ],
    )

    report = findings_import(audit=audit, by=csr, file=upload(content))

    assert report.ok, report.errors
    assert report.created == 3
    findings = list(audit.findings.order_by("number"))
    assert [f.number for f in findings] == [1, 2, 3, 4]
    first, second, third = findings[1:]
    assert (first.category, first.severity, first.extent) == ("HOURS", "major", "systemic")
    assert first.scheme_reference == "SMETA 6.1"
    assert first.evidence == "Time cards of March"
    assert first.code_clause == clause
    # Both the topic and the old version's id cite the version in force on the audit date.
    assert first.requirement == overtime
    assert second.requirement == overtime
    assert (second.category, second.severity) == ("HOURS", Severity.ZERO_TOLERANCE)
    assert (second.workers_affected, second.extent) == (1200, "isolated")
    assert (third.category, third.severity, third.requirement) == ("OSH", "observation", None)
    assert {f.source for f in findings[1:]} == {Finding.Source.IMPORT}
    assert {f.created_by for f in findings[1:]} == {csr.user}


def test_an_xlsx_workbook_imports_its_numbers_and_blank_lines(
    csr: Membership, audit: Audit, overtime: Requirement
) -> None:
    content = xlsx_bytes(
        [
            HEADER,
            ["WAGE", "critical", "Overtime paid at the ordinary rate.", 45.0, "systemic", None],
            [None] * 6,  # a blank line: skipped, but row numbers stay the spreadsheet's
            ["HOURS", "ZT", "Forced overtime on Sundays.", 12, None, "Overtime"],
            ["FOA", "minor", "No union notice board.", None, "isolated", None],
        ]
    )

    report = findings_import(audit=audit, by=csr, file=upload(content, "findings.xlsx"))

    assert report.ok, report.errors
    assert [row.row for row in report.rows] == [2, 4, 5]
    found = {f.category: f for f in audit.findings.all()}
    assert found["WAGE"].workers_affected == 45
    assert found["HOURS"].severity == Severity.ZERO_TOLERANCE
    assert found["HOURS"].requirement == overtime
    assert found["FOA"].workers_affected is None


def test_an_audit_firms_headers_are_matched_to_the_fields() -> None:
    columns = [
        "Issue category",
        "Severity",
        "Finding",
        "SMETA clause",
        "Workers affected",
        "Extent",
        "Evidence",
        "Law requirement",
        "Code clause",
        "Auditor's note",
    ]

    mapping = import_mapping_guess(columns)

    assert mapping == {
        "Issue category": "category",
        "Severity": "severity",
        "Finding": "description",
        "SMETA clause": "scheme_reference",
        "Workers affected": "workers_affected",
        "Extent": "extent",
        "Evidence": "evidence",
        "Law requirement": "requirement",
        "Code clause": "code_clause",
        "Auditor's note": "",
    }
    assert import_mapping_guess(["Category", "Description", "Clause", "Requirement id"]) == {
        "Category": "category",
        "Description": "description",
        "Clause": "scheme_reference",
        "Requirement id": "requirement",
    }
    # Only the first of two candidate columns is taken; the other waits for a person.
    assert import_mapping_guess(["Finding", "Description"]) == {
        "Finding": "description",
        "Description": "",
    }


def test_odd_headers_import_with_an_explicit_mapping(csr: Membership, audit: Audit) -> None:
    content = csv_bytes(
        ["NC", "Level", "What we saw", "Ref"],
        [["HOURS", "major", "Long hours.", "x1"], ["OSH", "minor", "Blocked exit.", "x2"]],
    )

    guessed = findings_import(audit=audit, by=csr, file=content, dry_run=True)
    mapped = findings_import(
        audit=audit,
        by=csr,
        file=content,
        mapping={"NC": "category", "level": "severity", "What we saw": "description", "Ref": ""},
    )

    # "Level" is a known spelling of severity; the rest are not.
    assert guessed.mapping == {"NC": "", "Level": "severity", "What we saw": "", "Ref": ""}
    assert problems(guessed) == {(None, "category"), (None, "description")}
    assert mapped.ok, mapped.errors
    assert mapped.mapping["Level"] == "severity"
    assert sorted(audit.findings.values_list("description", flat=True)) == [
        "Blocked exit.",
        "Long hours.",
    ]
    assert not audit.findings.exclude(scheme_reference="").exists()


def test_a_wrong_mapping_is_reported_and_stores_nothing(csr: Membership, audit: Audit) -> None:
    content = csv_bytes(["A", "B", "C"], [["HOURS", "major", "Long hours."]])

    report = findings_import(
        audit=audit,
        by=csr,
        file=content,
        mapping={"A": "category", "B": "category", "C": "colour", "D": "severity"},
    )

    assert not report.ok
    assert {(e.column, e.field) for e in report.errors} == {
        ("D", ""),  # no such column in the file
        ("C", "colour"),  # not a field
        ("A, B", "category"),  # one field filled by two columns
        ("", "severity"),  # required and unmapped
        ("", "description"),
    }
    assert not audit.findings.exists()


# --- Preview, errors, all or none -----------------------------------------------------


def test_a_preview_shows_every_row_and_stores_nothing(
    csr: Membership, audit: Audit, overtime: Requirement
) -> None:
    content = csv_bytes(HEADER, [good_row(1), good_row(2, severity="zt")])

    report = findings_import(audit=audit, by=csr, file=content, dry_run=True)

    assert report.ok
    assert report.created == 0
    assert not audit.findings.exists()
    assert not Notification.objects.exists()
    first = report.as_dict()["rows"][0]
    assert first["row"] == 2
    assert first["category"] == "HOURS"
    assert first["requirement"] == str(overtime.pk)
    assert first["labels"]["category"] == FindingCategory.HOURS.label
    assert report.zero_tolerance == 1


def test_one_bad_row_among_many_stores_nothing_and_names_each_problem(
    csr: Membership, audit: Audit, overtime: Requirement
) -> None:
    rows = [good_row(n) for n in range(40)]
    rows[25] = good_row(25, category="HOURZ", workers_affected="many", description="")
    rows[30] = good_row(30, severity="severe", extent="everywhere", requirement="bonus")
    content = csv_bytes(HEADER, rows)

    report = findings_import(audit=audit, by=csr, file=content)

    assert not audit.findings.exists()
    assert report.created == 0
    # Spreadsheet rows: the header is row 1, so rows[25] is row 27.
    assert problems(report) == {
        (27, "category"),
        (27, "workers_affected"),
        (27, "description"),
        (32, "severity"),
        (32, "extent"),
        (32, "requirement"),
    }
    by_field = {error.field: error for error in report.errors if error.row == 27}
    assert "HOURZ" in by_field["category"].message
    assert by_field["category"].column == "category"
    assert len(report.rows) == 40
    assert report.rows_with_errors == 2


def test_a_requirement_the_law_library_cannot_give_is_an_error_of_that_row(
    csr: Membership, audit: Audit, overtime: Requirement
) -> None:
    other_country = Requirement.objects.create(
        country="VN",
        topic="overtime",
        instrument=overtime.instrument,
        summary="Vietnam's cap",
        effective_from="2019-01-01",
    )
    content = csv_bytes(
        HEADER,
        [
            good_row(1, requirement="minimum_wage"),  # no such rule for Bangladesh
            good_row(2, requirement=str(other_country.pk)),
            good_row(3, requirement="7d4c1a7e-0000-4000-8000-000000000000"),
        ],
    )

    report = findings_import(audit=audit, by=csr, file=content, dry_run=True)

    messages = {error.row: error.message for error in report.errors}
    assert set(messages) == {2, 3, 4}
    assert "Bangladesh" in messages[2]
    assert "country" in messages[3]
    assert "No requirement" in messages[4]


def test_an_unknown_code_clause_or_another_brands_is_refused(
    csr: Membership, audit: Audit, clause: CodeClause
) -> None:
    stranger = member(role="csr")
    theirs = CodeClause.objects.create(
        brand=stranger.organization, reference="CoC 9", title="t", text="t", category="HOURS"
    )
    content = csv_bytes(
        ["category", "severity", "description", "code_clause"],
        [["HOURS", "major", "A", "CoC 9"], ["HOURS", "major", "B", str(theirs.pk)]],
    )

    report = findings_import(audit=audit, by=csr, file=content)

    assert problems(report) == {(2, "code_clause"), (3, "code_clause")}
    assert not audit.findings.exists()


def test_ten_thousand_rows_land_whole(
    csr: Membership, audit: Audit, overtime: Requirement, clause: CodeClause
) -> None:
    header = [*HEADER, "code_clause"]
    rows = [[*good_row(n), "CoC 4.1"] for n in range(10_000)]
    content = csv_bytes(header, rows)

    queries: list[str] = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        # Counted without Django's query log, which on SQLite costs more than the import.
        queries.append(sql)
        return execute(sql, *args)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        report = findings_import(audit=audit, by=csr, file=upload(content))
    seconds = time.perf_counter() - started

    print(f"\n10,000-row import ({connection.vendor}): {seconds:.2f} s, {len(queries)} queries")
    assert report.ok, report.errors[:5]
    assert report.created == 10_000
    assert audit.findings.count() == 10_000
    assert audit.findings.filter(requirement=overtime, code_clause=clause).count() == 10_000
    # Looked up once per distinct value and inserted in batches, never once per row:
    # SQLite takes at most 999 parameters per INSERT (about 45 findings).
    assert len(queries) < 260


def test_ten_thousand_rows_with_bad_ones_land_nothing_and_report_them(
    csr: Membership, audit: Audit, overtime: Requirement
) -> None:
    rows = [good_row(n) for n in range(10_000)]
    for index in (0, 4_321, 9_999):
        rows[index] = good_row(index, severity="catastrophic")
    rows[7_000] = good_row(7_000, workers_affected="-3")
    content = csv_bytes(HEADER, rows)

    started = time.perf_counter()
    report = findings_import(audit=audit, by=csr, file=upload(content))
    seconds = time.perf_counter() - started

    print(f"\n10,000 rows, 4 bad ({connection.vendor}): {seconds:.2f} s")
    assert problems(report) == {
        (2, "severity"),
        (4_323, "severity"),
        (7_002, "workers_affected"),
        (10_001, "severity"),
    }
    assert report.created == 0
    assert not audit.findings.exists()


def test_zero_tolerance_rows_alert_the_brands_csr_staff(
    csr: Membership, audit: Audit, django_capture_on_commit_callbacks: Any
) -> None:
    admin = member(role="admin", organization=csr.organization)
    member(role="viewer", organization=csr.organization)
    content = csv_bytes(
        HEADER,
        [
            good_row(1, severity="ZT", category="CHILD", requirement=""),
            good_row(2, severity="zero_tolerance", category="FORCED", requirement=""),
            good_row(3, severity="minor", requirement=""),
        ],
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = findings_import(audit=audit, by=csr, file=content)

    assert report.created == 3
    alerts = Notification.objects.filter(kind=Notification.Kind.ZERO_TOLERANCE)
    # One alert per recorder for both findings; viewers are not alerted.
    assert sorted(alerts.values_list("membership", flat=True)) == sorted([csr.pk, admin.pk])
    assert "2 zero-tolerance findings" in alerts.first().title  # type: ignore[union-attr]


# --- Who may import, and when ----------------------------------------------------------


def test_only_the_audits_brand_recorders_import_into_a_draft(
    csr: Membership, facility: Facility, audit: Audit
) -> None:
    content = csv_bytes(HEADER, [good_row(1, requirement="")])
    viewer = member(role="viewer", organization=csr.organization)
    sourcing = member(role="sourcing", organization=csr.organization)
    finished = final_audit(csr, facility)

    for outsider in (viewer, sourcing):
        with pytest.raises(ActionForbidden):
            findings_import(audit=audit, by=outsider, file=content)
    with pytest.raises(ActionForbidden):
        findings_import(audit=audit, by=member(role="csr"), file=content)
    with pytest.raises(StateConflict):
        findings_import(audit=finished, by=csr, file=content, dry_run=True)
    assert not audit.findings.exists()


def test_the_api_refuses_strangers_viewers_suppliers_and_final_audits(
    csr: Membership, facility: Facility, audit: Audit
) -> None:
    content = csv_bytes(HEADER, [good_row(1, requirement="")])
    finished = final_audit(csr, facility)

    def post(membership: Membership, target: Audit) -> Any:
        return token_client(membership).post(
            api_url(target), {"file": upload(content)}, format="multipart"
        )

    api_error(post(member(role="csr"), audit), 404)  # another brand's audit
    api_error(post(supplier_admin_of(facility), audit), 404)  # drafts are the brand's
    api_error(post(member(role="viewer", organization=csr.organization), audit), 403)
    api_error(post(csr, finished), 409, "conflict")
    assert not audit.findings.exists()
    assert finished.findings.count() == 1


def test_the_api_says_whether_an_import_is_possible_and_which_columns(
    csr: Membership, facility: Facility, audit: Audit
) -> None:
    viewer = member(role="viewer", organization=csr.organization)
    finished = final_audit(csr, facility)

    mine = token_client(csr).get(api_url(audit)).json()
    theirs = token_client(viewer).get(api_url(audit)).json()
    frozen = token_client(csr).get(api_url(finished)).json()

    assert (mine["allowed"], mine["status"]) == (True, None)
    assert [c["field"] for c in mine["columns"]] == list(FIELDS)
    assert {c["field"] for c in mine["columns"] if c["required"]} == {
        "category",
        "severity",
        "description",
    }
    assert mine["templates"]["xlsx"].endswith("/audits/import-template.xlsx")
    assert (theirs["allowed"], theirs["status"]) == (False, 403)
    assert (frozen["allowed"], frozen["status"]) == (False, 409)
    assert frozen["detail"]
    assert token_client(member(role="csr")).get(api_url(audit)).status_code == 404


# --- The API -------------------------------------------------------------------------


def test_the_api_previews_then_imports_all_rows(
    csr: Membership, audit: Audit, overtime: Requirement
) -> None:
    client = token_client(csr)
    content = csv_bytes(["Issue category", "Grading", "Details"], [["HOURS", "major", "Long."]])
    mapping = '{"Issue category": "category", "Grading": "severity", "Details": "description"}'

    preview = client.post(
        api_url(audit),
        {"file": upload(content), "mapping": mapping, "dry_run": "true"},
        format="multipart",
    )
    stored = client.post(
        api_url(audit), {"file": upload(content), "mapping": mapping}, format="multipart"
    )

    assert preview.status_code == 200, preview.json()
    body = preview.json()
    assert (body["ok"], body["dry_run"], body["created"]) == (True, True, 0)
    assert body["columns"] == ["Issue category", "Grading", "Details"]
    assert body["rows"][0]["description"] == "Long."
    assert stored.status_code == 201, stored.json()
    assert stored.json()["created"] == 1
    assert "rows" not in stored.json()
    assert audit.findings.get().source == Finding.Source.IMPORT


def test_the_api_returns_every_rows_errors_and_stores_nothing(
    csr: Membership, audit: Audit, overtime: Requirement
) -> None:
    rows = [good_row(n) for n in range(10)]
    rows[4] = good_row(4, category="??", severity="")
    content = xlsx_bytes([HEADER, *rows])

    response = token_client(csr).post(
        api_url(audit), {"file": upload(content, "findings.xlsx")}, format="multipart"
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"], body["ok"]) == (400, "invalid", False)
    assert {(e["row"], e["column"], e["field"]) for e in body["errors"]} == {
        (6, "category", "category"),
        (6, "severity", "severity"),
    }
    assert all(e["message"] for e in body["errors"])
    assert not audit.findings.exists()


def test_the_api_refuses_a_file_it_cannot_read_or_a_mapping_that_is_not_an_object(
    csr: Membership, audit: Audit
) -> None:
    client = token_client(csr)

    pdf = client.post(
        api_url(audit), {"file": upload(b"%PDF-1.7\n...", "findings.csv")}, format="multipart"
    )
    listed = client.post(
        api_url(audit),
        {"file": upload(csv_bytes(HEADER, [good_row(1)])), "mapping": '["category"]'},
        format="multipart",
    )

    assert "not a CSV or XLSX" in api_error(pdf, 400, "invalid")["fields"]["file"][0]
    assert "mapping" in api_error(listed, 400, "invalid")["fields"]


# --- Files that are refused -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n1 0 obj", "not a CSV or XLSX"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not a CSV or XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "Old Excel files"),
        (b"PK\x03\x04not really a zip", "not an Excel workbook"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "not a CSV or XLSX"),
        (b"   \n", "empty"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused_by_content(
    content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        import_table_read(upload(content, "findings.csv"))

    assert message in refused.value.messages[0]


def test_a_word_document_renamed_xlsx_is_refused() -> None:
    output = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")

    with pytest.raises(ValidationError) as refused:
        import_table_read(upload(output.getvalue(), "findings.xlsx"))

    assert "not an Excel workbook" in refused.value.messages[0]


def test_files_over_ten_megabytes_or_twenty_thousand_rows_are_refused(
    csr: Membership, audit: Audit
) -> None:
    big = upload(b"category\n" + b"x" * (imports.MAX_UPLOAD_BYTES + 1))
    long = csv_bytes(["category", "severity", "description"], [["OSH", "minor", "x"]] * 20_001)

    with pytest.raises(ValidationError) as too_big:
        findings_import(audit=audit, by=csr, file=big)
    with pytest.raises(ValidationError) as too_long:
        findings_import(audit=audit, by=csr, file=long)

    assert "limit is 10 MB" in too_big.value.messages[0]
    assert "more than 20,000 rows" in too_long.value.messages[0]
    assert not audit.findings.exists()


def test_windows_csv_files_with_semicolons_or_a_byte_order_mark_are_read() -> None:
    header = ["Category", "Severity", "Description"]
    cp1252 = csv_bytes(header, [["OSH", "minor", "Fire exit blocked – café"]], delimiter=";")
    cp1252 = cp1252.decode().encode("cp1252")
    with_bom = "\ufeff".encode() + csv_bytes(header, [["OSH", "minor", "Ünïcode"]])

    assert import_table_read(cp1252).rows == [(2, ["OSH", "minor", "Fire exit blocked – café"])]
    assert import_table_read(with_bom).columns == header


def test_duplicate_headers_and_values_under_no_header_are_refused() -> None:
    with pytest.raises(ValidationError) as twice:
        import_table_read(csv_bytes(["Severity", "severity"], [["a", "b"]]))
    with pytest.raises(ValidationError) as stray:
        import_table_read(b"category,severity\nOSH,minor,extra\n")

    assert "appear twice" in twice.value.messages[0]
    assert "Rows 2 have values in a column without a name" in stray.value.messages[0]


# --- Templates ------------------------------------------------------------------------


def test_the_templates_download_and_the_xlsx_lists_the_allowed_values(csr: Membership) -> None:
    client = signed_in(csr)

    as_csv = client.get("/audits/import-template.csv")
    as_xlsx = client.get("/audits/import-template.xlsx")

    assert as_csv.status_code == 200
    assert "attachment" in as_csv["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert lines[0] == list(FIELDS)
    assert len(lines) == 2
    assert as_xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(as_xlsx.content))
    findings, allowed = workbook.worksheets
    assert [cell.value for cell in findings[1]] == list(FIELDS)
    assert findings.max_row == 2
    listed = list(allowed.iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1]) for row in listed] == [
        (code, str(label)) for code, label in FindingCategory.choices
    ]
    assert [row[2] for row in listed if row[2]] == list(Severity.values)
    assert client.get("/audits/import-template.pdf").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_filled_template_imports_cleanly(
    fmt: str, csr: Membership, audit: Audit, overtime: Requirement
) -> None:
    content, _type, name = findings_import_template(fmt)

    report = findings_import(audit=audit, by=csr, file=upload(content, name))

    assert report.ok, report.errors
    finding = audit.findings.get()
    assert (finding.category, finding.severity, finding.requirement) == ("HOURS", "major", overtime)
    assert finding.workers_affected == 120


# --- The wizard -----------------------------------------------------------------------


def _upload_step(client: Client, audit: Audit, content: bytes, name: str = "f.csv") -> str:
    """Upload through the page; returns the token of the kept file."""
    response = client.post(
        page_url(audit), {"step": "upload", "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return parse_qs(urlsplit(response["Location"]).query)["token"][0]


def _selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else ""


def test_the_wizard_uploads_maps_previews_and_imports(
    csr: Membership, audit: Audit, overtime: Requirement
) -> None:
    client = Client(enforce_csrf_checks=False)
    client.force_login(csr.user)
    content = xlsx_bytes(
        [
            ["Issue category", "Grading", "Finding", "Auditor"],
            ["HOURS", "major", "Long hours in sewing.", "A. Rahman"],
            ["OSH", "ZT", "Locked fire exit.", "A. Rahman"],
        ]
    )

    assert "import-template.xlsx" in client.get(page_url(audit)).content.decode()
    token = _upload_step(client, audit, content, "march.xlsx")
    mapping_page = client.get(page_url(audit), {"token": token}).content.decode()
    preview = client.post(
        page_url(audit),
        {
            "step": "preview",
            "token": token,
            "col-0": "category",
            "col-1": "severity",
            "col-2": "description",
            "col-3": "",
        },
    )

    assert _selected(mapping_page, "col-0") == "category"
    assert _selected(mapping_page, "col-1") == "severity"  # "Grading"
    assert _selected(mapping_page, "col-2") == "description"
    assert _selected(mapping_page, "col-3") == ""
    assert "A. Rahman" in mapping_page  # the first values help recognise a column
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Locked fire exit." in html
    assert "Import 2 findings" in html
    assert not audit.findings.exists()

    done = client.post(
        page_url(audit),
        {
            "step": "import",
            "token": token,
            "col-0": "category",
            "col-1": "severity",
            "col-2": "description",
            "col-3": "",
        },
    )

    assert done.status_code == 302
    assert done["Location"] == f"/audits/{audit.pk}/"
    assert audit.findings.count() == 2
    assert any("2 findings imported" in str(m) for m in get_messages(done.wsgi_request))
    # The kept file is gone once imported: a second click imports nothing twice.
    again = client.post(
        page_url(audit),
        {
            "step": "import",
            "token": token,
            "col-0": "category",
            "col-1": "severity",
            "col-2": "description",
            "col-3": "",
        },
    )
    assert again.status_code == 400
    assert audit.findings.count() == 2


def test_the_wizard_shows_each_bad_rows_problems_and_offers_no_import(
    csr: Membership, audit: Audit, overtime: Requirement
) -> None:
    client = signed_in(csr)
    rows = [good_row(n) for n in range(5)]
    rows[2] = good_row(2, category="HOURZ")
    token = _upload_step(client, audit, csv_bytes(HEADER, rows))
    mapping = {f"col-{i}": name for i, name in enumerate(HEADER)}

    preview = client.post(page_url(audit), {"step": "preview", "token": token, **mapping})
    forced = client.post(page_url(audit), {"step": "import", "token": token, **mapping})

    assert preview.status_code == 400
    html = preview.content.decode()
    assert 'id="row-4" class="row-error' in html
    assert "Unknown category “HOURZ”" in html
    assert "Fix the file and upload it again" in html
    assert "Import 5 findings" not in html
    assert forced.status_code == 400  # a crafted import post stores nothing either
    assert not audit.findings.exists()


def test_the_wizard_sends_a_wrong_mapping_back_to_the_mapping_step(
    csr: Membership, audit: Audit
) -> None:
    client = signed_in(csr)
    token = _upload_step(client, audit, csv_bytes(HEADER, [good_row(1, requirement="")]))

    response = client.post(
        page_url(audit),
        {"step": "preview", "token": token, "col-0": "category", "col-1": "category"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="column-mapping"' in html
    assert "Only one column can fill" in html
    assert "No column is mapped to “Description”" in html


def test_the_wizard_refuses_bad_files_with_a_clear_message(csr: Membership, audit: Audit) -> None:
    client = signed_in(csr)

    pdf = client.post(
        page_url(audit), {"step": "upload", "file": SimpleUploadedFile("a.csv", b"%PDF-1.4 x")}
    )
    empty = client.post(
        page_url(audit),
        {"step": "upload", "file": SimpleUploadedFile("a.csv", b"category,severity\n")},
    )
    huge = client.post(
        page_url(audit),
        {"step": "upload", "file": SimpleUploadedFile("a.csv", b"a\n" * (5 * 1024 * 1024 + 1))},
    )

    assert pdf.status_code == 400
    assert "not a CSV or XLSX" in pdf.content.decode()
    assert "only the header row" in empty.content.decode()
    assert huge.status_code == 400
    assert "the limit is 10 MB" in huge.content.decode()


def test_a_kept_file_serves_only_its_uploader_and_audit(
    csr: Membership, facility: Facility, audit: Audit
) -> None:
    token = _upload_step(signed_in(csr), audit, csv_bytes(HEADER, [good_row(1)]))
    colleague = member(role="csr", organization=csr.organization)
    other_audit = draft_audit(csr, facility)

    theirs = signed_in(colleague).get(page_url(audit), {"token": token})
    elsewhere = signed_in(csr).get(page_url(other_audit), {"token": token})

    assert "no longer available" in theirs.content.decode()
    assert "no longer available" in elsewhere.content.decode()


def test_the_wizard_answers_404_403_and_409_like_the_api(
    csr: Membership, facility: Facility, audit: Audit
) -> None:
    finished = final_audit(csr, facility)
    viewer = member(role="viewer", organization=csr.organization)

    assert signed_in(member(role="csr")).get(page_url(audit)).status_code == 404
    assert signed_in(viewer).get(page_url(audit)).status_code == 403
    frozen = signed_in(csr).get(page_url(finished))
    assert frozen.status_code == 409
    assert "final and read-only" in frozen.content.decode()
    assert 'name="file"' not in frozen.content.decode()
