"""The purchasing-practice counts read a brand's plans and their brand-side causes
from indexes alone on PostgreSQL: the causes by a partial index that carries their
code, the brand's uncancelled plans by a partial index on (brand, id). At scale the
plans were otherwise scanned in full, every brand's, for one brand's counts."""

from __future__ import annotations

import pytest
from django.db import connection

from csr_platform.roles import OrganizationKind, Role
from remediation.selectors import purchasing_causes
from tests.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_causes_by_code_are_read_from_the_two_partial_indexes() -> None:
    sourcing = member(OrganizationKind.BRAND, Role.SOURCING)
    rows = purchasing_causes(sourcing).order_by().values("purchasing_code", "cap_id")
    with connection.cursor() as cursor:
        # Empty test tables would be read sequentially; ask for the plan PostgreSQL
        # picks at scale, which reads only indexes if they cover the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plan = rows.explain()

    assert "Index Only Scan using root_cause_purchasing" in plan
    assert "Index Only Scan using cap_uncancelled_by_brand" in plan
