"""A brand brings its whole supplier list in from a spreadsheet — every row or none,
with every problem of every row reported — and takes the filtered list out again as
CSV or XLSX. A supplier exports its own facilities without what brands keep to
themselves."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from csr_platform.errors import ActionForbidden
from csr_platform.models import Invitation, Membership, Organization
from csr_platform.roles import OrganizationKind
from suppliers.exports import facilities_export, facilities_filtered
from suppliers.models import Facility, FacilityEvent, SourcingRelationship
from suppliers.services import imports
from suppliers.services.facilities import facility_add
from suppliers.services.imports import (
    COLUMNS,
    MAX_UPLOAD_BYTES,
    ImportReport,
    facilities_import,
    parse_upload,
)
from tests.conftest import signed_in
from tests.factories import member

pytestmark = pytest.mark.django_db

IMPORT_URL = "/suppliers/import/"
TEMPLATE_URL = "/suppliers/import/template.csv"
EXPORT_URL = "/suppliers/export/"
BRAND_ONLY = ("status", "risk_grade", "risk_score", "sourcing_owner_email")


def row(n: int, **values: str) -> dict[str, str]:
    """A good import row for facility ``n``; override any column."""
    return {
        "name": f"Knitting Unit {n}",
        "country": "BD",
        "address": f"{n} Kashimpur Road, Gazipur",
        "os_id": f"BD2024IMP{n:06d}",
        "supplier_name": f"Supplier {n}",
        "supplier_admin_email": f"admin{n}@supplier.example",
        "worker_count": "1200",
        "workers_female": "700",
        "workers_male": "500",
        "processes": "knitting; sewing",
        "product_types": "t-shirts, sweaters",
        "sourcing_owner_email": "",
        **values,
    }


def csv_bytes(rows: list[dict[str, str]], *, delimiter: str = ",", bom: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode()


def xlsx_bytes(table: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for line in table:
        sheet.append(line)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(content: bytes, name: str = "facilities.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def counts() -> dict[str, int]:
    return {
        "facilities": Facility.objects.count(),
        "organizations": Organization.objects.count(),
        "relationships": SourcingRelationship.objects.count(),
        "events": FacilityEvent.objects.count(),
        "invitations": Invitation.objects.count(),
    }


def problems(report: ImportReport) -> set[tuple[int | None, str]]:
    return {(error.row, error.field) for error in report.errors}


@pytest.fixture
def csr() -> Membership:
    return member(role="csr")


# --- Import: the good file ------------------------------------------------------------


def test_a_csv_file_adds_every_facility_with_its_supplier_owner_and_timeline(
    csr: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    owner = member(role="sourcing", organization=csr.organization, email="owner@brand.example")
    rows = [
        row(1, sourcing_owner_email="Owner@Brand.example", country="Bangladesh"),
        # Two facilities of one supplier: one organization, one invitation.
        row(2, supplier_name="Saigon Stitch", country="vn", supplier_admin_email="a@ss.example"),
        row(
            3,
            supplier_name="saigon  stitch",
            country="Viet Nam",
            supplier_admin_email="a@ss.example",
        ),
        row(4, os_id="", processes="cutting,sewing;  packing", supplier_admin_email=""),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        report = facilities_import(by=csr, rows=parse_upload(upload(csv_bytes(rows))))

    assert report.ok, report.errors
    assert (report.rows, report.facilities_created, report.facilities_matched) == (4, 4, 0)
    assert (report.suppliers_created, report.invitations_sent) == (3, 2)
    mine = SourcingRelationship.objects.filter(brand=csr.organization).select_related(
        "facility__supplier"
    )
    assert {r.status for r in mine} == {"prospective"}
    first = mine.get(facility__os_id="BD2024IMP000001")
    assert first.sourcing_owner == owner
    assert first.facility.processes == ["knitting", "sewing"]
    assert first.facility.product_types == ["t-shirts", "sweaters"]
    assert (first.facility.worker_count, first.facility.workers_female) == (1200, 700)
    saigon = {r.facility.supplier_id for r in mine if r.facility.country == "VN"}
    assert len(saigon) == 1
    assert mine.get(facility__os_id="").facility.processes == ["cutting", "sewing", "packing"]
    # The timeline: the facility was added, and the brand's relationship began.
    assert FacilityEvent.objects.filter(action="facility_added").count() == 4
    assert (
        FacilityEvent.objects.filter(
            action="relationship_added", relationship__brand=csr.organization, actor=csr.user
        ).count()
        == 4
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["a@ss.example", "admin1@supplier.example"]
    invitation = Invitation.objects.get(email="a@ss.example")
    assert invitation.organization.kind == OrganizationKind.SUPPLIER
    assert invitation.role == "admin"


def test_an_xlsx_workbook_is_read_by_its_content_whatever_its_name(csr: Membership) -> None:
    workbook = xlsx_bytes(
        [
            ["Name", "Country", "OS ID", "Supplier name", "Worker count", "Workers female"],
            ["Thu Duc Factory", "VN", "VN2024XLSX0001", "Saigon Stitch", 980, 720],
            [None, None, None, None, None, None],  # a blank line is skipped
            ["Binh Duong Plant", "Vietnam", "VN2024XLSX0002", "Saigon Stitch", 760.0, None],
        ]
    )

    rows = parse_upload(upload(workbook, name="facilities.csv"))
    report = facilities_import(by=csr, rows=rows)

    assert report.ok, report.errors
    assert report.facilities_created == 2
    assert report.suppliers_created == 1
    plant = Facility.objects.get(os_id="VN2024XLSX0002")
    assert (plant.name, plant.country.code, plant.worker_count) == ("Binh Duong Plant", "VN", 760)


def test_row_numbers_are_the_spreadsheets_and_formatted_empty_rows_are_ignored(
    csr: Membership,
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "country", "supplier_name"])
    sheet.append(["Unit A", "BD", "Supplier A"])
    sheet.append([])  # row 3 left empty
    sheet.append(["Unit B", "Atlantis", "Supplier B"])
    for line in range(5, 20_000):  # formatting far below the data, as spreadsheets do
        sheet.cell(row=line, column=1).font = Font(bold=True)
    output = io.BytesIO()
    workbook.save(output)

    report = facilities_import(by=csr, rows=parse_upload(upload(output.getvalue())))

    assert problems(report) == {(4, "country")}
    assert report.rows == 2


def test_a_file_with_more_rows_than_the_limit_is_refused(
    csr: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 3)

    with pytest.raises(ValidationError, match="more than 3 rows"):
        parse_upload(upload(csv_bytes([row(n) for n in range(4)])))
    report = facilities_import(by=csr, rows=[row(n) for n in range(4)])
    assert problems(report) == {(None, "")}


def test_a_semicolon_csv_from_a_comma_decimal_spreadsheet_is_read(csr: Membership) -> None:
    content = csv_bytes([row(1, processes="knitting, sewing")], delimiter=";", bom=False)

    report = facilities_import(by=csr, rows=parse_upload(upload(content)))

    assert report.ok, report.errors
    assert Facility.objects.get().processes == ["knitting", "sewing"]


# --- Import: all rows or none ---------------------------------------------------------


def test_one_bad_row_among_many_writes_nothing_and_names_the_row(csr: Membership) -> None:
    rows = [row(n) for n in range(1, 51)]
    rows[25]["country"] = "Atlantis"  # spreadsheet row 27: the header is row 1
    before = counts()

    report = facilities_import(by=csr, rows=parse_upload(upload(csv_bytes(rows))))

    assert not report.ok
    assert problems(report) == {(27, "country")}
    assert "Atlantis" in report.errors[0].message
    assert counts() == before


def test_every_problem_of_every_row_is_reported(csr: Membership) -> None:
    member(role="viewer", organization=csr.organization, email="viewer@brand.example")
    rows = [
        row(1),
        row(2, name=""),
        row(3, supplier_admin_email="not-an-address", worker_count="many"),
        row(4, worker_count="100", workers_female="80", workers_male="30"),
        row(5, os_id="BD2024IMP000001"),  # repeats row 2's id
        row(6, sourcing_owner_email="viewer@brand.example"),
        row(7, sourcing_owner_email="nobody@brand.example"),
        row(8, supplier_name="", os_id="BD2024NEW0008"),
        row(9, country="", os_id="BD-2024/9"),
        row(10, name="x" * 201, supplier_admin_email="a" * 60 + "@" + "b" * 60 + ".example" * 20),
        row(11),
    ]

    report = facilities_import(by=csr, rows=rows)

    assert problems(report) == {
        (3, "name"),
        (4, "supplier_admin_email"),
        (4, "worker_count"),
        (5, "workers_female"),
        (6, "os_id"),
        (7, "sourcing_owner_email"),
        (8, "sourcing_owner_email"),
        (9, "supplier_name"),
        (10, "country"),
        (10, "os_id"),
        (11, "name"),
        (11, "supplier_admin_email"),
    }
    messages = {(e.row, e.field): e.message for e in report.errors}
    assert "row 2" in messages[(6, "os_id")]
    assert "sourcing manager" in messages[(7, "sourcing_owner_email")]
    assert "nobody@brand.example" in messages[(8, "sourcing_owner_email")]
    assert Facility.objects.count() == 0


def test_unknown_or_missing_columns_are_refused_before_any_row(csr: Membership) -> None:
    report = facilities_import(by=csr, rows=[{"name": "A", "suplier_name": "Typo Ltd"}])

    assert problems(report) == {(1, "suplier_name"), (1, "country")}
    assert "supplier_name" in report.errors[0].message  # the right spellings are listed


def test_a_role_that_may_not_add_facilities_cannot_import() -> None:
    viewer = member(role="viewer")

    with pytest.raises(ActionForbidden):
        facilities_import(by=viewer, rows=[row(1)])
    response = signed_in(viewer).get(IMPORT_URL)
    assert response.status_code == 403


# --- Import: matching facilities already on the platform ------------------------------


def test_a_known_os_id_adds_only_the_relationship_and_a_listed_one_is_skipped(
    csr: Membership,
) -> None:
    other_brand = member(role="csr")
    shared = facility_add(
        by=other_brand, name="Thu Duc", country="VN", supplier_name="Saigon", os_id="VN123ABC"
    ).facility
    already = facility_add(by=csr, name="Mine", country="BD", supplier_name="Own", os_id="BD9")
    organizations = Organization.objects.count()

    report = facilities_import(
        by=csr,
        rows=[
            row(1, os_id=" vn123abc ", name="Another name", supplier_name=""),
            row(2, os_id="bd9"),
        ],
    )

    assert report.ok, report.errors
    assert (report.facilities_created, report.facilities_matched) == (0, 1)
    assert report.already_listed == [3]
    assert Organization.objects.count() == organizations
    assert SourcingRelationship.objects.filter(brand=csr.organization, facility=shared).exists()
    shared.refresh_from_db()
    assert shared.name == "Thu Duc"  # the supplier's record is not overwritten
    assert SourcingRelationship.objects.filter(facility=already.facility).count() == 1


def test_a_merged_duplicate_id_leads_to_the_facility_it_was_merged_into(csr: Membership) -> None:
    other_brand = member(role="csr")
    real = facility_add(
        by=other_brand, name="Real", country="VN", supplier_name="S", os_id="VNREAL1"
    ).facility
    Facility.objects.create(
        supplier=real.supplier,
        name="Duplicate",
        country="VN",
        os_id="VNDUP1",
        lifecycle=Facility.Lifecycle.MERGED,
        merged_into=real,
    )

    report = facilities_import(by=csr, rows=[row(1, os_id="VNDUP1")])

    assert report.ok, report.errors
    assert SourcingRelationship.objects.get(brand=csr.organization).facility == real


# --- Import: size ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_list_of_5000_facilities_imports_in_one_go() -> None:
    csr = member(role="csr")
    # A brand's whole list: 5,000 facilities of 500 suppliers, each invited once.
    rows = [row(n, supplier_name=f"Supplier {n // 10}") for n in range(5000)]
    for line in rows:
        line["supplier_admin_email"] = f"admin@{line['supplier_name'].replace(' ', '')}.example"
    content = csv_bytes(rows)

    started = time.perf_counter()
    report = facilities_import(by=csr, rows=parse_upload(upload(content)))
    elapsed = time.perf_counter() - started

    print(f"\n5,000-row import on {connection.vendor}: {elapsed:.2f} s")
    assert report.ok, report.errors[:5]
    assert (report.facilities_created, report.suppliers_created) == (5000, 500)
    assert report.invitations_sent == 500
    assert SourcingRelationship.objects.filter(brand=csr.organization).count() == 5000
    assert FacilityEvent.objects.count() == 10_000


# --- Uploads that are refused ---------------------------------------------------------


def refusal(content: bytes, name: str = "facilities.csv") -> str:
    with pytest.raises(ValidationError) as caught:
        parse_upload(upload(content, name))
    return " ".join(caught.value.messages)


def test_files_that_are_not_a_utf8_csv_or_an_xlsx_are_refused() -> None:
    assert "UTF-8" in refusal("name,country\nUsine Générale,FR\n".encode("latin-1"))
    assert "UTF-8" in refusal(b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n1 0 obj", "list.pdf")
    assert ".xls" in refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "list.xls")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "not a workbook")
    assert "xlsx" in refusal(archive.getvalue(), "list.xlsx")
    assert "empty" in refusal(b"")


def test_a_file_over_10_mb_is_refused(csr: Membership) -> None:
    big = b"name,country\n" + b"x" * MAX_UPLOAD_BYTES
    assert "10 MB" in refusal(big)

    response = signed_in(csr).post(IMPORT_URL, {"file": upload(big)})

    assert response.status_code == 400
    assert "10 MB" in response.content.decode()
    assert Facility.objects.count() == 0


# --- The import page ------------------------------------------------------------------


def test_the_page_imports_and_returns_to_the_list_with_the_counts(csr: Membership) -> None:
    client = signed_in(csr)
    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    assert TEMPLATE_URL in page.content.decode()

    response = client.post(IMPORT_URL, {"file": upload(csv_bytes([row(1), row(2)]))})

    assert response.status_code == 302
    assert response["Location"] == "/suppliers/"
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert "2 facilities added to your list" in message
    assert Facility.objects.count() == 2


def test_the_page_lists_every_rows_problems_with_status_400(csr: Membership) -> None:
    rows = [row(1), row(2, country="Narnia"), row(3), row(4, worker_count="-5")]

    response = signed_in(csr).post(IMPORT_URL, {"file": upload(csv_bytes(rows))})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "Narnia" in html
    assert '<td class="nowrap">3</td>' in html
    assert '<td class="nowrap">5</td>' in html
    assert Facility.objects.count() == 0


def test_the_template_file_has_every_column(csr: Membership) -> None:
    response = signed_in(csr).get(TEMPLATE_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header = response.content.decode("utf-8-sig").strip().split(",")
    assert tuple(header) == COLUMNS
    # And the template, filled in, imports.
    filled = response.content + csv_bytes([row(1)], bom=False).split(b"\n", 1)[1]
    assert facilities_import(by=csr, rows=parse_upload(upload(filled))).ok


# --- Export ---------------------------------------------------------------------------


def brand_list(csr: Membership, n: int, **values: str) -> None:
    rows = [row(i, **values) for i in range(n)]
    assert facilities_import(by=csr, rows=rows).ok


def export_rows(response: Any) -> list[dict[str, str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_brand_exports_its_filtered_list_with_its_own_status_and_risk(csr: Membership) -> None:
    brand_list(csr, 3)
    assert facilities_import(
        by=csr, rows=[row(7, country="VN", name="Saigon Unit", os_id="VN7")]
    ).ok
    # Arrange: the brand's assessment of one Bangladeshi facility.
    SourcingRelationship.objects.filter(facility__os_id="BD2024IMP000001").update(
        status="approved", risk_grade="low", risk_score=12
    )
    stranger = member(role="csr")
    assert facilities_import(by=stranger, rows=[row(9, os_id="BD2024OTHER")]).ok
    client = signed_in(csr)

    everything = export_rows(client.get(EXPORT_URL))
    bangladesh = export_rows(client.get(EXPORT_URL, {"country": "BD"}))
    approved_low = export_rows(
        client.get(EXPORT_URL, {"status": "approved", "risk_grade": "low", "format": "csv"})
    )
    searched = export_rows(client.get(EXPORT_URL, {"q": "saigon"}))

    assert {r["os_id"] for r in everything} == {
        "BD2024IMP000000",
        "BD2024IMP000001",
        "BD2024IMP000002",
        "VN7",
    }
    assert len(bangladesh) == 3
    assert [(r["os_id"], r["status"], r["risk_grade"], r["risk_score"]) for r in approved_low] == [
        ("BD2024IMP000001", "approved", "low", "12")
    ]
    assert [r["name"] for r in searched] == ["Saigon Unit"]
    first = approved_low[0]
    assert first["supplier_name"] == "Supplier 1"
    assert first["processes"] == "knitting; sewing"
    assert tuple(first) == (*COLUMNS, "status", "risk_grade", "risk_score")


def test_the_export_takes_the_list_pages_own_query_string(csr: Membership) -> None:
    owner = member(role="sourcing", organization=csr.organization)
    brand_list(csr, 3)
    # Arrange: one facility rated and owned, the others not yet.
    SourcingRelationship.objects.filter(facility__os_id="BD2024IMP000002").update(
        risk_grade="medium", risk_score=40, sourcing_owner=owner
    )
    client = signed_in(csr)

    not_rated = export_rows(client.get(EXPORT_URL, {"risk": "none"}))
    medium = export_rows(client.get(EXPORT_URL, {"risk": "medium", "owner": str(owner.pk)}))
    unowned = export_rows(client.get(EXPORT_URL, {"owner": "none", "q": "kashimpur"}))
    ignored = export_rows(client.get(EXPORT_URL, {"status": "bogus", "owner": "not-an-id"}))

    assert [r["os_id"] for r in not_rated] == ["BD2024IMP000000", "BD2024IMP000001"]
    assert [(r["os_id"], r["sourcing_owner_email"]) for r in medium] == [
        ("BD2024IMP000002", owner.user.email)
    ]
    assert len(unowned) == 2
    assert len(ignored) == 3


def test_the_xlsx_export_holds_the_same_rows(csr: Membership) -> None:
    brand_list(csr, 2)
    assert facilities_import(by=csr, rows=[row(5, name='=HYPERLINK("x")', os_id="BD5")]).ok

    response = signed_in(csr).get(EXPORT_URL, {"format": "xlsx", "country": "BD"})

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    table = [list(line) for line in sheet.iter_rows(values_only=True)]
    assert tuple(table[0]) == (*COLUMNS, "status", "risk_grade", "risk_score")
    assert sorted(line[3] for line in table[1:]) == ["BD2024IMP000000", "BD2024IMP000001", "BD5"]
    # Text that looks like a formula stays text.
    assert [table[1][0], table[1][6]] == ['=HYPERLINK("x")', 1200]


def test_a_supplier_exports_its_own_facilities_without_brand_internal_fields(
    csr: Membership,
) -> None:
    brand_list(csr, 2)
    SourcingRelationship.objects.update(status="approved", risk_grade="high", risk_score=71)
    SourcingRelationship.objects.update(sourcing_owner=csr)
    supplier_org = Facility.objects.get(os_id="BD2024IMP000000").supplier
    supplier = member(OrganizationKind.SUPPLIER, organization=supplier_org)

    rows = export_rows(signed_in(supplier).get(EXPORT_URL))
    workbook = facilities_export(
        membership=supplier,
        queryset=facilities_filtered(membership=supplier, params={}),
        file_format="xlsx",
    )

    assert [r["os_id"] for r in rows] == ["BD2024IMP000000"]
    assert not set(BRAND_ONLY) & set(rows[0])
    assert rows[0]["supplier_admin_email"] == supplier.user.email
    text = " ".join(str(v) for v in rows[0].values())
    assert "approved" not in text
    assert "high" not in text
    assert csr.user.email not in text
    header = next(load_workbook(io.BytesIO(workbook)).worksheets[0].iter_rows(values_only=True))
    assert not set(BRAND_ONLY) & set(header)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_reads_in_a_fixed_number_of_queries(csr: Membership, file_format: str) -> None:
    def queries_for(n: int) -> int:
        SourcingRelationship.objects.all().delete()
        brand_list(csr, n)
        queryset = facilities_filtered(membership=csr, params={"country": "BD"})
        with CaptureQueriesContext(connection) as captured:
            facilities_export(membership=csr, queryset=queryset, file_format=file_format)
        return len(captured)

    assert queries_for(3) == queries_for(30)


def test_an_unknown_export_format_is_a_400(csr: Membership) -> None:
    response = signed_in(csr).get(EXPORT_URL, {"format": "pdf"})

    assert response.status_code == 400
