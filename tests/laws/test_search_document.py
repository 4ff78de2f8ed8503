"""Search reads each requirement's stored search document on PostgreSQL: every way a
rule's words or its instrument's title change rewrites the document, so a search finds
the new words, and the stored document is the one search used to compute per request
(summary A; instrument title and citation B; interpretation and guidance C)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import pytest
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from csr_platform.models import User
from laws.models import LegalInstrument, Requirement
from laws.services import (
    LIBRARY_FORMAT,
    legal_instrument_update,
    library_import,
    requirement_create,
    requirement_revise,
)
from tests.conftest import token_client
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

REQUIREMENTS = "/api/v1/laws/requirements/"
INSTRUMENTS = "/api/v1/laws/instruments/"
BLA = "Bangladesh Labour Act 2006"


def _load_library() -> None:
    library_import(
        {
            "format": LIBRARY_FORMAT,
            "instruments": [
                {"country": "BD", "title": BLA, "year": 2006},
                {"country": "VN", "title": "Labour Code 2019", "year": 2019},
            ],
            "requirements": [
                {
                    "country": "BD",
                    "topic": "overtime",
                    "instrument": BLA,
                    "citation": "s.102",
                    "summary": "At most 60 hours a week, overtime included.",
                    "interpretation": "Averaged over a year; at most 10 hours a day.",
                    "remediation_guidance": "Keep time records and cap rosters.",
                    "parameters": {"max_total_hours_per_week": 60},
                    "effective_from": "2006-10-11",
                    "source_url": "https://example.org/bd/overtime",
                },
                {
                    "country": "VN",
                    "topic": "overtime",
                    "instrument": "Labour Code 2019",
                    "citation": "Art. 107",
                    "summary": "Normal and overtime hours together at most 12 a day.",
                    "parameters": {"max_total_hours_per_week": 72},
                    "effective_from": "2021-01-01",
                    "source_url": "https://example.org/vn/overtime",
                },
            ],
        }
    )


def _found(words: str) -> list[tuple[str, str]]:
    response = token_client(member("brand", "viewer")).get(REQUIREMENTS, {"search": words})
    assert response.status_code == 200, response.content[:500]
    return [(row["country"], row["summary"]) for row in response.json()["results"]]


def _bd_overtime() -> Requirement:
    return Requirement.objects.live().get(country="BD", topic="overtime")


def _staff_api() -> APIClient:
    client = APIClient()
    client.force_login(cast(User, UserFactory(is_staff=True)))
    return client


def test_a_corrected_summary_is_found_by_its_new_words_and_not_its_old_ones() -> None:
    _load_library()

    requirement_revise(
        requirement=_bd_overtime(),
        changes={"summary": "At most 60 hours a week, dormitory curfews included."},
        by=None,
    )

    assert _found("dormitory") == [("BD", "At most 60 hours a week, dormitory curfews included.")]
    assert _found("overtime included") == []


def test_a_new_legal_version_is_found_by_its_words() -> None:
    _load_library()

    requirement_revise(
        requirement=_bd_overtime(),
        changes={"remediation_guidance": "Publish the roster to the worker committee."},
        effective_from=date(2024, 1, 1),
        by=None,
    )

    assert [country for country, _summary in _found("committee")] == ["BD"]


def test_a_rule_added_by_staff_is_found_by_its_words() -> None:
    _load_library()
    instrument = LegalInstrument.objects.get(title=BLA)

    requirement_create(
        by=None,
        country="BD",
        topic="minimum_age",
        instrument=instrument,
        citation="s.34",
        summary="No child under 14 may work in any occupation.",
        parameters={"minimum_age_general": 14},
        effective_from=date(2006, 10, 11),
        source_url="https://example.org/bd/age",
    )

    assert _found("occupation child") == [("BD", "No child under 14 may work in any occupation.")]


def test_a_retitled_instrument_finds_its_rules_by_the_new_title() -> None:
    _load_library()
    instrument = LegalInstrument.objects.get(title=BLA)

    response = _staff_api().patch(
        f"{INSTRUMENTS}{instrument.pk}/", {"title": "Bangladesh Labour Code"}, format="json"
    )

    assert response.status_code == 200, response.content[:500]
    assert [country for country, _summary in _found("labour code")] == ["BD", "VN"]
    assert _found("2006") == []


def test_an_instrument_retitled_in_the_admin_finds_its_rules_by_the_new_title() -> None:
    _load_library()
    instrument = LegalInstrument.objects.get(title=BLA)
    editor = User.objects.create_superuser(
        email="library.editor@example.com", password="x-" * 8, full_name="Library Editor"
    )
    browser = Client()
    browser.force_login(editor)

    response = browser.post(
        f"/admin/laws/legalinstrument/{instrument.pk}/change/",
        {"country": "BD", "title": "Bangladesh Shrama Ain", "year": 2006, "kind": "statute"},
    )

    assert response.status_code == 302, response.content[:2000]
    assert [country for country, _summary in _found("shrama")] == ["BD"]


def test_a_search_costs_as_many_queries_for_many_matches_as_for_one() -> None:
    _load_library()
    client = token_client(member("brand", "viewer"))

    def queries_for(words: str) -> tuple[int, int]:
        client.get(REQUIREMENTS, {"search": words})  # the token's first use writes
        with CaptureQueriesContext(connection) as queries:
            response = client.get(REQUIREMENTS, {"search": words})
        return len(queries), response.json()["count"]

    one, one_found = queries_for("rosters")
    both, both_found = queries_for("overtime")

    assert (one_found, both_found) == (1, 2)
    assert one == both


# --- PostgreSQL: the stored document ----------------------------------------------------------


def _document_as_computed() -> Any:
    """What search() computed for every row on every request before it was stored."""
    return (
        SearchVector("summary", weight="A")
        + SearchVector("instrument__title", "citation", weight="B")
        + SearchVector("interpretation", "remediation_guidance", weight="C")
    )


@pytest.mark.postgres
def test_the_stored_document_is_the_weighted_document_search_used_to_compute() -> None:
    _load_library()
    requirement_revise(
        requirement=_bd_overtime(), changes={"interpretation": "Never averaged."}, by=None
    )
    legal_instrument_update(
        instrument=LegalInstrument.objects.get(title=BLA), title="Bangladesh Labour Code"
    )

    rows = Requirement.objects.annotate(computed=_document_as_computed()).values_list(
        "search_document", "computed"
    )

    assert len(rows) == 3  # the corrected record keeps its own document
    assert all(stored == computed for stored, computed in rows)


@pytest.mark.postgres
def test_a_word_in_the_summary_outranks_it_in_the_interpretation() -> None:
    _load_library()

    # "day" is in the Vietnamese summary (weight A) and the Bangladeshi interpretation
    # (weight C): rank first, the country only breaks ties.
    found = _found("day")

    assert [country for country, _summary in found] == ["VN", "BD"]


@pytest.mark.postgres
def test_the_search_document_has_a_gin_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'requirement_search_document'"
        )
        (definition,) = cursor.fetchone()

    assert "USING gin (search_document)" in definition
