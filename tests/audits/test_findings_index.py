"""The findings list counts its rows from an index alone on PostgreSQL: the (category,
severity) index carries the audit, so the paginator's COUNT, filtered by category and
severity and joined to audits, never reads the findings themselves."""

from __future__ import annotations

import pytest
from django.db import connection

from audits.models import Finding

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _index_definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [Finding._meta.db_table],
        )
        return dict(cursor.fetchall())


def test_the_category_and_severity_index_carries_the_audit() -> None:
    definitions = _index_definitions()

    assert definitions["finding_category_severity"].endswith(
        "USING btree (category, severity) INCLUDE (audit_id)"
    )
    # It replaces the index on the same keys without the audit.
    keyed_alike = [d for d in definitions.values() if "(category, severity)" in d]
    assert len(keyed_alike) == 1


def test_what_the_list_count_reads_of_a_finding_comes_from_the_index() -> None:
    # The count needs only the filtered keys and the audit to join on.
    rows = Finding.objects.filter(category="HOURS", severity="major").order_by().values("audit_id")
    with connection.cursor() as cursor:
        # An empty test table would be read sequentially; ask for the index-only plan
        # PostgreSQL picks at scale, which exists only if the index covers the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plan = rows.explain()

    assert "Index Only Scan using finding_category_severity" in plan
