"""Baselines: the rows of a list endpoint fetched with ONE hand-written SQL statement
(the same visibility conditions, filters, order and page) and serialized with
``json.dumps``. An endpoint's latency divided by its baseline's is what the ORM, the
serializers or templates and the framework add on top of the database's own work.

Each statement returns the page's rows with the total the paginator reports (as a
scalar subquery, so it is one statement) in a ``total`` column. Columns named
``a__b`` are nested (``{"a": {"b": …}}``) the way the API nests related objects.

The statements are put together from this module's constants only; every value
comes in as a bound parameter (``%(name)s``). This module needs nothing but a DB-API
cursor (psycopg2's, or Django's wrapper of it): the baseline server runs it without
Django. The scorecard weights are copied from ``reports.scorecards``; ``tests/bench``
checks every baseline returns what its endpoint returns, which catches a weight or
rule that changed there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Params = Mapping[str, str]

OPEN_CAP_STATES = "('open', 'in_progress', 'submitted', 'returned')"


def nest(columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    """One row as a dict, ``a__b`` columns nested under ``a``; a nested object whose
    ``id`` is NULL (a missing optional relation) becomes ``None``."""
    result: dict[str, Any] = {}
    for column, value in zip(columns, row, strict=True):
        *path, leaf = column.split("__")
        node = result
        for part in path:
            node = node.setdefault(part, {})
        node[leaf] = value
    return _nulls(result)


def _nulls(node: dict[str, Any]) -> dict[str, Any]:
    for key, value in node.items():
        if isinstance(value, dict):
            node[key] = None if value.get("id", True) is None else _nulls(value)
    return node


def page_arguments(params: Params) -> dict[str, Any]:
    """``limit`` and ``offset`` as integers (50 and 0 unless given), with the rest."""
    arguments: dict[str, Any] = dict(params)
    arguments["limit"] = int(params.get("limit", "50"))
    arguments["offset"] = int(params.get("offset", "0"))
    return arguments


@dataclass(frozen=True)
class Baseline:
    """One statement and the parameters it takes (``%(name)s``)."""

    name: str
    sql: str
    required: tuple[str, ...]
    # Parameters that may be left out, with the value they then take.
    optional: Mapping[str, str] = field(default_factory=dict)

    def fetch(self, cursor: Any, params: Params) -> dict[str, Any]:
        """``{"count": total, "results": [row, …]}`` for ``params``; ``ValueError``
        when a required parameter is missing."""
        missing = [name for name in self.required if not params.get(name)]
        if missing:
            raise ValueError(f"{self.name} needs {', '.join(missing)}")
        cursor.execute(self.sql, page_arguments({**self.optional, **params}))
        columns = [column[0] for column in cursor.description]
        rows = [nest(columns, row) for row in cursor.fetchall()]
        total = rows[0]["total"] if rows else 0
        for row in rows:
            del row["total"]
        return {"count": total, "results": rows}

    def render(self, cursor: Any, params: Params) -> bytes:
        return json.dumps(self.fetch(cursor, params), default=str).encode()


# --- Facilities (API facilities/ and the /suppliers/ page) ---------------------------------

_USER = (
    "{alias}.id AS {prefix}__id, {alias}.email AS {prefix}__email, "
    "{alias}.full_name AS {prefix}__full_name"
)

FACILITIES = Baseline(
    "facilities",
    f"""
    SELECT f.id, f.name, f.country, f.address, f.os_id, f.worker_count, f.workers_female,
           f.workers_male, f.processes, f.product_types, f.lifecycle, f.moved_to,
           f.merged_into_id AS merged_into, f.created_at,
           s.id AS supplier__id, s.name AS supplier__name,
           (SELECT coalesce(json_agg(json_build_object(
                       'id', c.id, 'name', c.name, 'number', c.number,
                       'issued_on', c.issued_on, 'expires_on', c.expires_on,
                       'valid', c.expires_on IS NULL OR c.expires_on >= current_date)
                       ORDER BY c.name), '[]')
              FROM suppliers_certification c WHERE c.facility_id = f.id) AS certifications,
           r.id AS relationship__id,
           b.id AS relationship__brand__id, b.name AS relationship__brand__name,
           r.status AS relationship__status,
           r.pending_decision AS relationship__pending_decision,
           r.decided_at AS relationship__decided_at, r.rationale AS relationship__rationale,
           r.conditions AS relationship__conditions,
           r.signed_off_at AS relationship__signed_off_at,
           r.risk_score AS relationship__risk_score, r.risk_grade AS relationship__risk_grade,
           r.risk_breakdown AS relationship__risk_breakdown,
           r.risk_notes AS relationship__risk_notes,
           r.created_at AS relationship__created_at, r.updated_at AS relationship__updated_at,
           om.id AS relationship__sourcing_owner__id,
           om.role AS relationship__sourcing_owner__role,
           {_USER.format(alias="ou", prefix="relationship__sourcing_owner__user")},
           {_USER.format(alias="du", prefix="relationship__decided_by")},
           {_USER.format(alias="su", prefix="relationship__signed_off_by")},
           (SELECT count(*) FROM suppliers_sourcingrelationship
             WHERE brand_id = %(brand)s) AS total
      FROM suppliers_sourcingrelationship r
      JOIN suppliers_facility f ON f.id = r.facility_id
      JOIN csr_platform_organization s ON s.id = f.supplier_id
      JOIN csr_platform_organization b ON b.id = r.brand_id
      LEFT JOIN csr_platform_membership om ON om.id = r.sourcing_owner_id
      LEFT JOIN csr_platform_user ou ON ou.id = om.user_id
      LEFT JOIN csr_platform_user du ON du.id = r.decided_by_id
      LEFT JOIN csr_platform_user su ON su.id = r.signed_off_by_id
     WHERE r.brand_id = %(brand)s
     ORDER BY f.name, f.id
     LIMIT %(limit)s OFFSET %(offset)s
    """,  # noqa: S608 — built from this module's constants
    ("brand",),
)


# --- Findings with three filters (API findings/?severity=&category=&country=) --------------

_VISIBLE_AUDIT = """
    (a.brand_id = %(brand)s OR (a.status = 'final' AND EXISTS (
        SELECT 1 FROM audits_auditshare sh
         WHERE sh.audit_id = a.id AND sh.brand_id = %(brand)s AND sh.status = 'active')))
"""
_FINDING_FILTERS = """
    fi.severity = %(severity)s AND fi.category = %(category)s AND fa.country = %(country)s
"""

FINDINGS = Baseline(
    "findings",
    f"""
    SELECT fi.id, fi.number, 'F-' || fi.number AS label,
           a.id AS audit__id, a.start_date AS audit__start_date, a.scheme AS audit__scheme,
           a.status AS audit__status,
           fa.id AS facility__id, fa.name AS facility__name, fa.country AS facility__country,
           fi.category, fi.severity, fi.description, fi.scheme_reference, fi.workers_affected,
           fi.extent, fi.evidence,
           rq.id AS requirement__id, rq.country AS requirement__country,
           rq.topic AS requirement__topic,
           trim(ins.title || ' ' || rq.citation) AS requirement__reference,
           rq.summary AS requirement__summary,
           rq.effective_from AS requirement__effective_from,
           rq.effective_to AS requirement__effective_to,
           rq.source_url AS requirement__source_url,
           cc.id AS code_clause__id, cc.reference AS code_clause__reference,
           cc.title AS code_clause__title,
           fi.status, fi.resolved_at, fi.due_date, fi.repeat_of_id AS repeat_of,
           fi.not_sustained_at, fi.law_review_needed, fi.law_review_note, fi.source,
           fi.created_at,
           (SELECT count(*) FROM audits_finding fi
              JOIN audits_audit a ON a.id = fi.audit_id
              JOIN suppliers_facility fa ON fa.id = a.facility_id
             WHERE {_VISIBLE_AUDIT} AND {_FINDING_FILTERS}) AS total
      FROM audits_finding fi
      JOIN audits_audit a ON a.id = fi.audit_id
      JOIN suppliers_facility fa ON fa.id = a.facility_id
      LEFT JOIN laws_requirement rq ON rq.id = fi.requirement_id
      LEFT JOIN laws_legalinstrument ins ON ins.id = rq.instrument_id
      LEFT JOIN laws_codeclause cc ON cc.id = fi.code_clause_id
     WHERE {_VISIBLE_AUDIT} AND {_FINDING_FILTERS}
     ORDER BY a.start_date DESC, a.created_at DESC, fi.number
     LIMIT %(limit)s OFFSET %(offset)s
    """,  # noqa: S608 — built from this module's constants
    ("brand", "severity", "category", "country"),
)


# --- CAPs: the overdue list and one CAP (API caps/?overdue=true and caps/{id}/) ------------

_CAP_COLUMNS = f"""
    c.id, c.status, c.due_date,
    (c.status IN {OPEN_CAP_STATES} AND c.due_date < %(today)s) AS overdue,
    c.verification_method, c.follow_up_audit_id AS follow_up_audit, c.verification_note,
    c.return_reason, c.cancel_reason, c.not_sustained_at, c.started_at, c.submitted_at,
    c.verified_at, c.created_at,
    b.id AS brand__id, b.name AS brand__name,
    fa.id AS facility__id, fa.name AS facility__name, fa.country AS facility__country,
    fi.id AS finding__id, 'F-' || fi.number AS finding__label,
    fi.category AS finding__category, fi.severity AS finding__severity,
    fi.description AS finding__description, fi.scheme_reference AS finding__scheme_reference,
    fi.requirement_id AS finding__requirement,
    trim(ins.title || ' ' || rq.citation) AS finding__requirement_reference,
    a.id AS finding__audit__id, a.start_date AS finding__audit__start_date,
    a.scheme AS finding__audit__scheme,
    (SELECT count(*) FROM remediation_rootcause x WHERE x.cap_id = c.id) AS root_cause_count,
    (SELECT count(*) FROM remediation_capaction x WHERE x.cap_id = c.id) AS action_count,
    (SELECT count(*) FROM remediation_evidence x WHERE x.cap_id = c.id) AS evidence_count,
    EXISTS (SELECT 1 FROM remediation_extensionrequest x
             WHERE x.cap_id = c.id AND x.status = 'pending') AS extension_pending,
    coalesce(rq.remediation_guidance, '') AS remediation_guidance
"""  # noqa: S608 — built from this module's constants
_CAP_JOINS = """
    FROM remediation_correctiveactionplan c
    JOIN csr_platform_organization b ON b.id = c.brand_id
    JOIN suppliers_facility fa ON fa.id = c.facility_id
    JOIN audits_finding fi ON fi.id = c.finding_id
    JOIN audits_audit a ON a.id = fi.audit_id
    LEFT JOIN laws_requirement rq ON rq.id = fi.requirement_id
    LEFT JOIN laws_legalinstrument ins ON ins.id = rq.instrument_id
"""
_VISIBLE_CAP = """
    (c.brand_id = %(brand)s OR EXISTS (
        SELECT 1 FROM remediation_capparticipant p
         WHERE p.cap_id = c.id AND p.organization_id = %(brand)s AND p.removed_at IS NULL))
"""
_OVERDUE = f"c.status IN {OPEN_CAP_STATES} AND c.due_date < %(today)s"

OVERDUE_CAPS = Baseline(
    "overdue_caps",
    f"""
    SELECT {_CAP_COLUMNS},
           (SELECT count(*) FROM remediation_correctiveactionplan c
             WHERE {_VISIBLE_CAP} AND {_OVERDUE}) AS total
      {_CAP_JOINS}
     WHERE {_VISIBLE_CAP} AND {_OVERDUE}
     ORDER BY c.due_date, c.created_at
     LIMIT %(limit)s OFFSET %(offset)s
    """,  # noqa: S608 — built from this module's constants
    ("brand", "today"),
)

CAP_DETAIL = Baseline(
    "cap_detail",
    f"""
    SELECT {_CAP_COLUMNS}, 1 AS total
      {_CAP_JOINS}
     WHERE {_VISIBLE_CAP} AND c.id = %(cap)s
     LIMIT %(limit)s OFFSET %(offset)s
    """,
    ("brand", "today", "cap"),
)


# --- The supplier's "My CAPs" page (/caps/mine/) -----------------------------------------

MY_CAPS = Baseline(
    "my_caps",
    """
    SELECT c.id, c.status, c.due_date, c.created_at, c.submitted_at, c.verified_at,
           b.id AS brand__id, b.name AS brand__name,
           fa.id AS facility__id, fa.name AS facility__name, fa.country AS facility__country,
           fi.id AS finding__id, fi.number AS finding__number,
           fi.category AS finding__category, fi.severity AS finding__severity,
           fi.description AS finding__description,
           (SELECT count(*) FROM remediation_rootcause x WHERE x.cap_id = c.id)
               AS root_cause_count,
           (SELECT count(*) FROM remediation_capaction x
             WHERE x.cap_id = c.id AND x.kind = 'preventive') AS preventive_count,
           (SELECT count(*) FROM remediation_evidence x WHERE x.cap_id = c.id)
               AS evidence_count,
           (SELECT count(*) FROM remediation_correctiveactionplan c
              JOIN suppliers_facility fa ON fa.id = c.facility_id
             WHERE fa.supplier_id = %(supplier)s) AS total
      FROM remediation_correctiveactionplan c
      JOIN suppliers_facility fa ON fa.id = c.facility_id
      JOIN csr_platform_organization b ON b.id = c.brand_id
      JOIN audits_finding fi ON fi.id = c.finding_id
     WHERE fa.supplier_id = %(supplier)s
     ORDER BY CASE WHEN c.status IN ('verified', 'cancelled') THEN 1 ELSE 0 END,
              c.due_date NULLS LAST, c.created_at, c.id
     LIMIT %(limit)s OFFSET %(offset)s
    """,
    ("supplier",),
)


# --- Law search (API laws/requirements/?search= and the /laws/?q= page) -------------------

_LAW_DOCUMENT = """
    setweight(to_tsvector(coalesce(r.summary, '')), 'A')
    || setweight(to_tsvector(coalesce(i.title, '') || ' ' || coalesce(r.citation, '')), 'B')
    || setweight(to_tsvector(coalesce(r.interpretation, '') || ' '
                             || coalesce(r.remediation_guidance, '')), 'C')
"""
# The page lists the versions in force on a day; the API, without ``on``, every live one.
_ON = "nullif(%(on)s, '')::date"
_IN_FORCE = f"""
    ({_ON} IS NULL OR (r.effective_from <= {_ON}
                       AND (r.effective_to IS NULL OR r.effective_to >= {_ON})))
"""

LAW_SEARCH = Baseline(
    "law_search",
    f"""
    SELECT r.id, r.country, r.topic, r.scope,
           i.id AS instrument__id, i.country AS instrument__country,
           i.title AS instrument__title, i.year AS instrument__year,
           i.kind AS instrument__kind, i.source_url AS instrument__source_url,
           r.citation, trim(i.title || ' ' || r.citation) AS reference, r.summary,
           r.interpretation, r.remediation_guidance, r.parameters, r.effective_from,
           r.effective_to, r.superseded_by_id AS superseded_by,
           (SELECT coalesce(array_agg(v.id), '{{}}') FROM laws_requirement v
             WHERE v.superseded_by_id = r.id) AS supersedes,
           r.retracted, r.source_url, r.source_note, r.last_reviewed, r.reviewer,
           r.needs_review, r.review_note,
           count(*) OVER () AS total
      FROM laws_requirement r
      JOIN laws_legalinstrument i ON i.id = r.instrument_id,
           websearch_to_tsquery(%(search)s) AS query
     WHERE NOT r.retracted AND ({_LAW_DOCUMENT}) @@ query AND {_IN_FORCE}
     ORDER BY ts_rank({_LAW_DOCUMENT}, query) DESC, r.country, r.topic
     LIMIT %(limit)s OFFSET %(offset)s
    """,  # noqa: S608 — built from this module's constants
    ("search",),
    optional={"on": ""},
)


# --- Scorecards (API scorecards/ and the /reports/scorecards/ page) -----------------------
#
# The same facts as reports.scorecards.compute_scorecards — open findings by severity
# and age, overdue CAPs, repeats, days to submit, the last audit, the vetting risk —
# and the same points, in one statement, lowest score first, ties by name.

FINDING_POINTS = {"zero_tolerance": 20, "critical": 8, "major": 4, "minor": 2}
_OPEN_FINDING = "(fi.status = 'open' OR fi.resolved_at >= p.cutoff)"
_AGED = "(a.end_date < p.on_day - 90)"


def _finding_counts() -> str:
    columns = []
    for severity in FINDING_POINTS:
        this = f"{_OPEN_FINDING} AND fi.severity = '{severity}'"
        columns.append(f"count(*) FILTER (WHERE {this} AND NOT {_AGED}) AS {severity}")
        columns.append(f"count(*) FILTER (WHERE {this} AND {_AGED}) AS {severity}_aged")
    return ",\n".join(columns)


def _finding_points() -> str:
    # Aged findings count half as much again, rounded down per severity.
    terms = [
        f"coalesce(fc.{severity}, 0) * {points}"
        f" + coalesce(fc.{severity}_aged, 0) * {points} * 3 / 2"
        for severity, points in FINDING_POINTS.items()
    ]
    return " + ".join(terms)


_RISK = "least(s.risk_score, 100)"

SCORECARDS = Baseline(
    "scorecards",
    f"""
    WITH p AS (
        SELECT %(on)s::date AS on_day,
               (%(on)s::date + 1)::timestamp AT TIME ZONE 'UTC' AS cutoff,
               ((%(on)s::date - interval '12 months')::date + 1)::timestamp AT TIME ZONE 'UTC'
                   AS responsive_since
    ),
    scored AS (
        SELECT r.id, r.facility_id, r.status, r.risk_score, r.risk_grade,
               f.name AS facility_name, f.country AS facility_country
          FROM suppliers_sourcingrelationship r
          JOIN suppliers_facility f ON f.id = r.facility_id
         WHERE r.brand_id = %(brand)s AND r.status NOT IN ('rejected', 'exited')
    ),
    seen_audits AS (
        SELECT a.id, a.facility_id, a.end_date
          FROM audits_audit a, p
         WHERE a.status = 'final' AND a.end_date <= p.on_day
           AND a.facility_id IN (SELECT facility_id FROM scored)
           AND {_VISIBLE_AUDIT}
    ),
    findings AS (
        SELECT a.facility_id,
               count(*) FILTER (WHERE fi.repeat_of_id IS NOT NULL
                                  AND a.end_date > p.on_day - interval '24 months') AS repeats,
               {_finding_counts()}
          FROM audits_finding fi
          JOIN seen_audits a ON a.id = fi.audit_id, p
         WHERE fi.severity <> 'observation'
         GROUP BY a.facility_id
    ),
    overdue AS (
        SELECT c.facility_id, count(*) AS overdue
          FROM remediation_correctiveactionplan c
          JOIN audits_finding fi ON fi.id = c.finding_id
          JOIN audits_audit a ON a.id = fi.audit_id, p
         WHERE c.brand_id = %(brand)s
           AND c.facility_id IN (SELECT facility_id FROM scored)
           AND c.due_date < p.on_day AND a.end_date <= p.on_day
           AND (c.status IN {OPEN_CAP_STATES}
                OR (c.status = 'verified' AND c.verified_at >= p.cutoff)
                OR (c.status = 'cancelled' AND EXISTS (
                        SELECT 1 FROM remediation_capevent e
                         WHERE e.cap_id = c.id AND e.action = 'cancel'
                           AND e.created_at >= p.cutoff)))
         GROUP BY c.facility_id
    ),
    responsiveness AS (
        SELECT c.facility_id,
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY floor(extract(epoch FROM c.submitted_at - c.created_at) / 86400)
               ) AS median_days
          FROM remediation_correctiveactionplan c, p
         WHERE c.brand_id = %(brand)s
           AND c.facility_id IN (SELECT facility_id FROM scored)
           AND c.submitted_at >= p.responsive_since AND c.submitted_at < p.cutoff
         GROUP BY c.facility_id
    ),
    last_audits AS (
        SELECT facility_id, max(end_date) AS last_audit FROM seen_audits GROUP BY facility_id
    ),
    points AS (
        SELECT s.*, la.last_audit,
               least(40, {_finding_points()}) AS open_findings,
               least(15, 4 * coalesce(o.overdue, 0)) AS overdue_caps,
               least(15, 3 * coalesce(fc.repeats, 0)) AS repeat_findings,
               CASE WHEN rs.median_days IS NULL OR rs.median_days <= 30 THEN 0
                    WHEN rs.median_days <= 60 THEN 4
                    WHEN rs.median_days <= 90 THEN 7
                    ELSE 10 END AS responsiveness,
               CASE WHEN la.last_audit IS NULL THEN 10
                    WHEN la.last_audit > p.on_day - interval '12 months' THEN 0
                    WHEN la.last_audit > p.on_day - interval '18 months' THEN 5
                    ELSE 10 END AS audit_recency,
               -- Python's round(): halves to the even neighbour.
               CASE WHEN s.risk_score IS NULL THEN 0
                    WHEN mod({_RISK}, 10) = 5 THEN {_RISK} / 10 + mod({_RISK} / 10, 2)
                    ELSE round({_RISK} / 10.0)::int END AS vetting_risk
          FROM scored s
          CROSS JOIN p
          LEFT JOIN findings fc ON fc.facility_id = s.facility_id
          LEFT JOIN overdue o ON o.facility_id = s.facility_id
          LEFT JOIN responsiveness rs ON rs.facility_id = s.facility_id
          LEFT JOIN last_audits la ON la.facility_id = s.facility_id
    ),
    scores AS (
        SELECT *, greatest(0, 100 - open_findings - overdue_caps - repeat_findings
                              - responsiveness - audit_recency - vetting_risk) AS score
          FROM points
    )
    SELECT id AS relationship, facility_id AS facility__id, facility_name AS facility__name,
           facility_country AS facility__country, status, score,
           CASE WHEN score >= 86 THEN 'A' WHEN score >= 71 THEN 'B' WHEN score >= 51 THEN 'C'
                WHEN score >= 30 THEN 'D' ELSE 'E' END AS grade,
           open_findings AS points__open_findings, overdue_caps AS points__overdue_caps,
           repeat_findings AS points__repeat_findings,
           responsiveness AS points__responsiveness, audit_recency AS points__audit_recency,
           vetting_risk AS points__vetting_risk, last_audit, risk_score, risk_grade,
           (SELECT count(*) FROM scored) AS total
      FROM scores
     ORDER BY score, lower(facility_name), facility_id::text
     LIMIT %(limit)s OFFSET %(offset)s
    """,  # noqa: S608 — built from this module's constants
    ("brand", "on"),
)


# The same page read from the stored current scorecards (reports.CurrentScorecard),
# which the endpoints serve once fresh: what the ORM, serializer or template and the
# freshness check add to reading the rows. SCORECARDS above computes the same scores
# in SQL: ``tests/bench`` checks the stored rows against it, and BENCHMARKS.md reports
# what it costs per request (run 3, when it was the endpoints' baseline).
STORED_SCORECARDS = Baseline(
    "stored_scorecards",
    """
    SELECT cs.relationship_id AS relationship, f.id AS facility__id,
           f.name AS facility__name, f.country AS facility__country, r.status,
           cs.score, cs.grade, cs.components, cs.previous_score, cs.previous_month,
           cs.trend, cs.on AS computed_on,
           count(*) OVER () AS total
      FROM reports_currentscorecard cs
      JOIN suppliers_sourcingrelationship r ON r.id = cs.relationship_id
      JOIN suppliers_facility f ON f.id = cs.facility_id
     WHERE cs.brand_id = %(brand)s AND r.status NOT IN ('rejected', 'exited')
     ORDER BY cs.score, lower(f.name), f.id
     LIMIT %(limit)s OFFSET %(offset)s
    """,
    ("brand",),
)

BASELINES: dict[str, Baseline] = {
    baseline.name: baseline
    for baseline in (
        FACILITIES,
        FINDINGS,
        OVERDUE_CAPS,
        CAP_DETAIL,
        MY_CAPS,
        LAW_SEARCH,
        SCORECARDS,
        STORED_SCORECARDS,
    )
}
