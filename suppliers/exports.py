"""Export of the facility list as CSV or XLSX, with the filters of the list page.

The columns are those of the import file (so an export can be edited and imported by
another brand), plus, for a brand, its own relationship's status, risk grade and risk
score. A supplier exports its own facilities without anything a brand keeps to itself
(sourcing owner, status, risk). Rows are read in one query whatever their number and
fetched from the cursor in bounded batches, so memory stays flat for a long list.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django_countries import countries

from csr_platform.models import Membership
from csr_platform.roles import Role
from suppliers.models import Facility, SourcingRelationship
from suppliers.services.imports import COLUMNS
from suppliers.services.risk import GRADES

RISK_GRADES = frozenset(grade for _limit, grade in GRADES)
# The list page's value for "not rated yet" and "nobody owns it yet".
NOT_SET = "none"

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BRAND_COLUMNS: tuple[str, ...] = (*COLUMNS, "status", "risk_grade", "risk_score")
# What a brand keeps to itself is left out of a supplier's own export.
SUPPLIER_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c != "sourcing_owner_email")
FETCH_BATCH = 500
# A spreadsheet runs text starting with these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def facilities_filtered(*, membership: Membership, params: Mapping[str, str]) -> QuerySet[Facility]:
    """The facility list as ``membership`` sees it, narrowed by the list page's filters,
    so that its query string can be passed on as is: ``q`` (name, address or Open
    Supply Hub id), ``country`` (ISO code) and, for a brand, on its own relationship:
    ``status``, ``risk`` (or ``risk_grade``; ``none`` for not rated yet) and ``owner``
    (a sourcing owner's membership id, or ``none``). A supplier's facilities may have
    several brands, so those three do not apply to it. Unknown values are ignored, as
    on the list page.
    """
    rows = Facility.objects.visible_to(membership)
    query = (params.get("q") or "").strip()
    if query:
        rows = rows.filter(
            Q(name__icontains=query) | Q(address__icontains=query) | Q(os_id__icontains=query)
        )
    country = (params.get("country") or "").strip().upper()
    if country in countries:
        rows = rows.filter(country=country)
    if not membership.is_brand:
        return rows
    mine = Q(relationships__brand_id=membership.organization_id)
    narrowed = False
    status = params.get("status") or ""
    if status in SourcingRelationship.Status.values:
        mine &= Q(relationships__status=status)
        narrowed = True
    grade = params.get("risk") or params.get("risk_grade") or ""
    if grade in RISK_GRADES or grade == NOT_SET:
        mine &= Q(relationships__risk_grade="" if grade == NOT_SET else grade)
        narrowed = True
    owner = params.get("owner") or ""
    if owner == NOT_SET:
        mine &= Q(relationships__sourcing_owner__isnull=True)
        narrowed = True
    elif _is_uuid(owner):
        mine &= Q(relationships__sourcing_owner_id=owner)
        narrowed = True
    # One filter() call: every condition on the same (the brand's own) relationship.
    return rows.filter(mine) if narrowed else rows


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def export_columns(membership: Membership) -> tuple[str, ...]:
    return BRAND_COLUMNS if membership.is_brand else SUPPLIER_COLUMNS


def facility_export_rows(
    *, membership: Membership, queryset: QuerySet[Facility]
) -> Iterator[list[Any]]:
    """The header, then one list of values per facility of ``queryset`` that
    ``membership`` may see (visibility is applied again here, whatever was passed)."""
    columns = export_columns(membership)
    yield list(columns)
    admin_email = (
        Membership.objects.filter(
            organization_id=OuterRef("supplier_id"), role=Role.ADMIN, is_active=True
        )
        .order_by("created_at")
        .values("user__email")[:1]
    )
    rows = (
        Facility.objects.visible_to(membership)
        .filter(pk__in=queryset.values("pk"))
        .annotate(supplier_admin_email=Subquery(admin_email))
    )
    fields = [
        "name",
        "country",
        "address",
        "os_id",
        "supplier__name",
        "supplier_admin_email",
        "worker_count",
        "workers_female",
        "workers_male",
        "processes",
        "product_types",
    ]
    if membership.is_brand:
        rows = rows.annotate(
            mine=FilteredRelation(
                "relationships",
                condition=Q(relationships__brand_id=membership.organization_id),
            )
        )
        fields += [
            "mine__sourcing_owner__user__email",
            "mine__status",
            "mine__risk_grade",
            "mine__risk_score",
        ]
    lists = [fields.index("processes"), fields.index("product_types")]
    for values in rows.order_by("name", "pk").values_list(*fields).iterator(FETCH_BATCH):
        row = list(values)
        for index in lists:
            row[index] = "; ".join(str(item) for item in row[index] or [])
        yield ["" if value is None else value for value in row]


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def facilities_export_csv(
    *, membership: Membership, queryset: QuerySet[Facility]
) -> Iterator[bytes]:
    """The CSV file in pieces of about ``FETCH_BATCH`` rows, for a streaming response.
    UTF-8 with a byte-order mark, so Excel opens accents and scripts correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    for count, row in enumerate(facility_export_rows(membership=membership, queryset=queryset)):
        writer.writerow([_csv_safe(value) for value in row])
        if count % FETCH_BATCH == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def facilities_export_xlsx(*, membership: Membership, queryset: QuerySet[Facility]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Facilities")
    for row in facility_export_rows(membership=membership, queryset=queryset):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def facilities_export(
    *, membership: Membership, queryset: QuerySet[Facility], file_format: str = "csv"
) -> bytes:
    """The whole export file as bytes (``file_format``: csv or xlsx)."""
    if file_format == "xlsx":
        return facilities_export_xlsx(membership=membership, queryset=queryset)
    if file_format != "csv":
        raise ValueError(f"Unknown export format {file_format!r}; use one of {FORMATS}.")
    return b"".join(facilities_export_csv(membership=membership, queryset=queryset))
