"""Platform staff keep the law library in the admin: a change is saved as a new version
(the old one stays as history), unsourced facts wait in a review queue, and the whole
library goes out and comes back in as one JSON file, all entries or none."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, cast

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from csr_platform.models import User
from laws.models import CodeClause, LegalInstrument, Requirement
from laws.services import LIBRARY_FORMAT, code_clause_create, requirement_revise
from tests.factories import UserFactory, member

CHANGELIST = "/admin/laws/requirement/"
EXPORT = "/admin/laws/requirement/export/"
IMPORT = "/admin/laws/requirement/import/"
BLA = "Bangladesh Labour Act 2006"


def _change_url(requirement: Requirement | str) -> str:
    pk = requirement.pk if isinstance(requirement, Requirement) else requirement
    return f"/admin/laws/requirement/{pk}/change/"


def _staff_browser() -> Client:
    editor = User.objects.create_superuser(
        email="library.editor@example.com", password="x-" * 8, full_name="Library Editor"
    )
    browser = Client()
    browser.force_login(editor)
    return browser


def _overtime(**fields: Any) -> Requirement:
    instrument, _created = LegalInstrument.objects.get_or_create(
        country="BD", title=BLA, defaults={"year": 2006}
    )
    values: dict[str, Any] = {
        "country": "BD",
        "topic": "overtime",
        "instrument": instrument,
        "citation": "s.102",
        "summary": "At most 60 hours a week, overtime included.",
        "parameters": {"max_total_hours_per_week": 60},
        "effective_from": date(2006, 10, 11),
        "source_url": "https://example.org/bd/bla",
        **fields,
    }
    return Requirement.objects.create(**values)


def _form(requirement: Requirement, **changes: Any) -> dict[str, Any]:
    """What the change form posts back when the editor changes only ``changes``."""
    data: dict[str, Any] = {
        "instrument": str(requirement.instrument_id),
        "citation": requirement.citation,
        "summary": requirement.summary,
        "interpretation": requirement.interpretation,
        "remediation_guidance": requirement.remediation_guidance,
        "parameters": json.dumps(requirement.parameters),
        "effective_from": requirement.effective_from.isoformat(),
        "source_url": requirement.source_url,
        "source_note": requirement.source_note,
        "review_note": requirement.review_note,
        "_save": "Save",
    }
    if requirement.needs_review:
        data["needs_review"] = "on"
    data.update(changes)
    return data


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _form_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form was accepted"
    return {k: list(v) for k, v in response.context["adminform"].form.errors.items()}


# --- Editing records versions -------------------------------------------------------------


@pytest.mark.django_db
def test_changing_parameters_in_the_admin_records_a_correction_and_keeps_the_old_record() -> None:
    browser = _staff_browser()
    recorded = _overtime(parameters={"max_total_hours_per_week": 62})

    response = browser.post(
        _change_url(recorded), _form(recorded, parameters='{"max_total_hours_per_week": 60}')
    )

    correction = Requirement.objects.get(retracted=False)
    recorded.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == _change_url(correction)
    assert any("Recorded as a correction" in m for m in _messages(response))
    assert correction.pk != recorded.pk
    assert correction.parameters == {"max_total_hours_per_week": 60}
    assert correction.effective_from == recorded.effective_from
    assert correction.created_by is not None
    assert correction.created_by.email == "library.editor@example.com"
    assert recorded.retracted
    assert recorded.parameters == {"max_total_hours_per_week": 62}
    assert recorded.superseded_by == correction
    page = browser.get(_change_url(correction)).content.decode()
    assert _change_url(recorded) in page  # the history links to the corrected record


@pytest.mark.django_db
def test_a_later_start_date_in_the_admin_records_a_new_legal_version() -> None:
    browser = _staff_browser()
    old = _overtime()

    response = browser.post(
        _change_url(old),
        _form(
            old,
            effective_from="2026-07-01",
            parameters='{"max_total_hours_per_week": 56}',
            _continue="Save and continue editing",
        ),
    )

    new = Requirement.objects.get(effective_from=date(2026, 7, 1))
    old.refresh_from_db()
    assert response["Location"] == _change_url(new)
    assert any("new version in force from 2026-07-01" in m for m in _messages(response))
    assert not old.retracted
    assert old.parameters == {"max_total_hours_per_week": 60}
    assert old.effective_to == date(2026, 6, 30)
    assert old.superseded_by == new
    assert new.parameters == {"max_total_hours_per_week": 56}
    assert list(Requirement.objects.in_force(date(2026, 6, 30))) == [old]
    assert list(Requirement.objects.in_force(date(2026, 7, 1))) == [new]


@pytest.mark.django_db
def test_saving_without_a_change_records_no_version() -> None:
    browser = _staff_browser()
    rule = _overtime()

    response = browser.post(_change_url(rule), _form(rule))

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    assert Requirement.objects.count() == 1


@pytest.mark.django_db
def test_an_earlier_start_date_is_refused_next_to_the_field() -> None:
    browser = _staff_browser()
    rule = _overtime(effective_from=date(2020, 1, 1))

    response = browser.post(_change_url(rule), _form(rule, effective_from="2019-01-01"))

    assert "must start after 2020-01-01" in " ".join(_form_errors(response)["effective_from"])
    assert Requirement.objects.count() == 1


@pytest.mark.django_db
def test_a_new_version_of_a_superseded_version_is_refused() -> None:
    browser = _staff_browser()
    old = _overtime()
    requirement_revise(requirement=old, changes={}, effective_from=date(2026, 1, 1), by=None)
    old.refresh_from_db()

    response = browser.post(_change_url(old), _form(old, effective_from="2027-01-01"))

    assert "later version exists" in " ".join(_form_errors(response)["effective_from"])
    assert Requirement.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("parameters", "named"),
    [
        ('{"max_total_hours_per_wek": 60}', "max_total_hours_per_wek"),
        ('{"max_total_hours_per_week": -60}', "max_total_hours_per_week"),
    ],
    ids=["unknown-key", "negative"],
)
def test_bad_parameters_are_shown_next_to_the_field(parameters: str, named: str) -> None:
    browser = _staff_browser()
    rule = _overtime()

    response = browser.post(_change_url(rule), _form(rule, parameters=parameters))

    assert named in " ".join(_form_errors(response)["parameters"])
    assert Requirement.objects.count() == 1


@pytest.mark.django_db
def test_a_fact_without_a_source_must_stay_flagged_for_review() -> None:
    browser = _staff_browser()
    rule = _overtime()

    response = browser.post(_change_url(rule), _form(rule, source_url=""))

    assert "flagged for review" in " ".join(_form_errors(response)["source_url"])
    assert Requirement.objects.count() == 1


@pytest.mark.django_db
def test_a_corrected_record_is_read_only() -> None:
    browser = _staff_browser()
    recorded = _overtime()
    requirement_revise(requirement=recorded, changes={"citation": "s.102(1)"}, by=None)
    recorded.refresh_from_db()

    page = browser.get(_change_url(recorded))
    attempt = browser.post(_change_url(recorded), _form(recorded, citation="s.1"))

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert attempt.status_code == 403
    recorded.refresh_from_db()
    assert recorded.citation == "s.102"


@pytest.mark.django_db
def test_staff_add_a_new_rule_and_see_parameter_errors_next_to_the_field() -> None:
    browser = _staff_browser()
    act = LegalInstrument.objects.create(country="BD", title=BLA, year=2006)
    data = {
        "country": "BD",
        "topic": "minimum_age",
        "scope": "",
        "instrument": str(act.pk),
        "citation": "s.34",
        "summary": "No child under 14 is employed in any occupation.",
        "parameters": '{"minimum_age_general": 13.5}',
        "effective_from": "2006-10-11",
        "source_url": "https://example.org/bd/bla",
        "_save": "Save",
    }

    refused = browser.post("/admin/laws/requirement/add/", data)
    added = browser.post(
        "/admin/laws/requirement/add/", {**data, "parameters": '{"minimum_age_general": 14}'}
    )

    assert "whole number" in " ".join(_form_errors(refused)["parameters"])
    assert added.status_code == 302
    rule = Requirement.objects.get(topic="minimum_age")
    assert rule.parameters == {"minimum_age_general": 14}
    assert rule.created_by is not None


def _add_form(rule: Requirement, **fields: Any) -> dict[str, Any]:
    return {
        "country": "BD",
        "topic": "overtime",
        "instrument": str(rule.instrument_id),
        "summary": "At most 56 hours a week.",
        "parameters": '{"max_total_hours_per_week": 56}',
        "source_url": "https://example.org/bd/2026",
        "_save": "Save",
        **fields,
    }


@pytest.mark.django_db
def test_adding_a_later_version_by_hand_links_it_to_the_previous_one() -> None:
    browser = _staff_browser()
    old = _overtime()

    response = browser.post(
        "/admin/laws/requirement/add/", _add_form(old, effective_from="2026-07-01")
    )

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    new = Requirement.objects.get(effective_from=date(2026, 7, 1))
    old.refresh_from_db()
    assert old.superseded_by == new
    assert old.effective_to == date(2026, 6, 30)
    assert list(Requirement.objects.in_force(date(2026, 8, 1))) == [new]
    assert any(_change_url(new) in m for m in _messages(response))


@pytest.mark.django_db
def test_adding_a_second_record_for_the_same_start_date_is_refused() -> None:
    browser = _staff_browser()
    rule = _overtime()

    response = browser.post(
        "/admin/laws/requirement/add/", _add_form(rule, effective_from="2006-10-11")
    )

    assert "starts that day already" in " ".join(_form_errors(response)["effective_from"])
    assert Requirement.objects.count() == 1


# --- Review queue -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_changelist_offers_the_review_queue_and_the_json_tools() -> None:
    browser = _staff_browser()
    _overtime(needs_review=True)
    _overtime(topic="working_hours", parameters={"regular_hours_per_week": 48})

    page = browser.get(CHANGELIST).content.decode()
    queue = browser.get(CHANGELIST, {"needs_review__exact": "1", "retracted__exact": "0"})

    assert "Review queue (1)" in page
    assert EXPORT in page
    assert IMPORT in page
    assert 'type="file"' in browser.get(IMPORT).content.decode()
    assert [r.topic for r in queue.context["cl"].result_list] == ["overtime"]


@pytest.mark.django_db
def test_the_review_action_clears_the_flag_and_reports_what_it_skipped() -> None:
    browser = _staff_browser()
    sourced = _overtime(needs_review=True)
    unsourced = _overtime(
        topic="working_hours",
        parameters={"regular_hours_per_week": 48},
        source_url="",
        needs_review=True,
    )
    corrected = _overtime(topic="weekly_rest", parameters={"min_rest_days_per_week": 1})
    requirement_revise(requirement=corrected, changes={"citation": "s.103"}, by=None)
    selected = [str(sourced.pk), str(unsourced.pk), str(corrected.pk)]

    response = browser.post(CHANGELIST, {"action": "mark_reviewed", "_selected_action": selected})

    sourced.refresh_from_db()
    unsourced.refresh_from_db()
    assert response.status_code == 302
    assert not sourced.needs_review
    assert sourced.reviewer == "Library Editor"
    assert sourced.last_reviewed is not None
    assert unsourced.needs_review
    notes = " ".join(_messages(response))
    assert "1 requirement marked as reviewed." in notes
    assert "2 requirements skipped" in notes
    assert "Add the source" in notes
    assert "was corrected" in notes


# --- JSON export and import ---------------------------------------------------------------


def _upload(document: Any, name: str = "library.json") -> SimpleUploadedFile:
    content = document if isinstance(document, bytes) else json.dumps(document).encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


def _lk_document(*wages: tuple[str, Any]) -> dict[str, Any]:
    return {
        "format": LIBRARY_FORMAT,
        "instruments": [
            {"country": "LK", "title": "National Minimum Wage of Workers Act 2016", "year": 2016}
        ],
        "requirements": [
            {
                "country": "LK",
                "topic": "minimum_wage",
                "instrument": "National Minimum Wage of Workers Act 2016",
                "citation": "s.3",
                "summary": f"National minimum monthly wage LKR {wage}.",
                "parameters": {"minimum_monthly_wage": wage, "currency": "LKR"},
                "effective_from": start,
                "source_url": "https://example.org/lk/wage",
            }
            for start, wage in wages
        ],
    }


@pytest.mark.django_db
def test_export_downloads_the_library_as_a_json_file() -> None:
    browser = _staff_browser()
    _overtime()

    response = browser.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="law-library-')
    document = json.loads(response.content)
    assert document["format"] == LIBRARY_FORMAT
    assert [(i["country"], i["title"]) for i in document["instruments"]] == [("BD", BLA)]
    [rule] = document["requirements"]
    assert (rule["topic"], rule["parameters"]) == ("overtime", {"max_total_hours_per_week": 60})


@pytest.mark.django_db
def test_an_exported_file_imports_back_into_an_empty_library() -> None:
    browser = _staff_browser()
    _overtime()
    exported = browser.get(EXPORT).content
    Requirement.objects.all().delete()
    LegalInstrument.objects.all().delete()

    response = browser.post(IMPORT, {"file": _upload(exported)})

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    assert "1 requirements added" in " ".join(_messages(response))
    [rule] = Requirement.objects.select_related("instrument")
    assert (rule.instrument.title, rule.parameters) == (BLA, {"max_total_hours_per_week": 60})


@pytest.mark.django_db
def test_importing_a_valid_file_loads_its_versions() -> None:
    browser = _staff_browser()

    response = browser.post(
        IMPORT, {"file": _upload(_lk_document(("2025-04-01", 27000), ("2026-01-01", 30000)))}
    )

    assert response.status_code == 302
    assert "2 requirements added, 0 corrected, 0 unchanged" in " ".join(_messages(response))
    [in_force] = Requirement.objects.in_force(date(2026, 2, 1))
    assert in_force.parameters["minimum_monthly_wage"] == 30000


@pytest.mark.django_db
def test_a_file_with_one_bad_entry_loads_nothing_and_shows_the_error() -> None:
    browser = _staff_browser()
    document = _lk_document(("2025-04-01", 27000), ("2026-01-01", -30000))

    response = browser.post(IMPORT, {"file": _upload(document)})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was loaded" in page
    assert "requirement 2" in page
    assert "minimum_monthly_wage must be a positive number" in page
    assert not Requirement.objects.exists()
    assert not LegalInstrument.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"country,topic\nBD,overtime\n", "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        (b"[1, 2, 3]", "not a law-library document"),
        (b"{}", "Not a law-library document"),
        (b" " * (5 * 1024 * 1024 + 1), "the limit is 5 MB"),
    ],
    ids=["csv", "binary", "json-list", "other-json", "too-big"],
)
def test_a_file_that_is_not_a_library_is_refused_with_a_clear_message(
    content: bytes, message: str
) -> None:
    browser = _staff_browser()

    response = browser.post(IMPORT, {"file": _upload(content, "library.json")})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Requirement.objects.exists()


# --- Who may use it -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [CHANGELIST, EXPORT, IMPORT], ids=["list", "export", "import"])
def test_members_who_are_not_staff_cannot_reach_the_admin(url: str) -> None:
    _overtime()
    browser = Client()
    browser.force_login(member("brand", "admin").user)

    response = browser.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("url", [EXPORT, IMPORT], ids=["export", "import"])
def test_staff_without_the_library_permissions_cannot_export_or_import(url: str) -> None:
    clerk = cast(User, UserFactory(is_staff=True))
    browser = Client()
    browser.force_login(clerk)

    assert browser.get(url).status_code == 403


@pytest.mark.django_db
def test_staff_can_look_up_a_brands_code_clauses_but_not_edit_them() -> None:
    browser = _staff_browser()
    brand_admin = member("brand", "admin")
    clause = code_clause_create(
        by=brand_admin,
        reference="CoC 4.1",
        title="Working hours",
        text="No more than 60 hours a week.",
        category="HOURS",
        topic="overtime",
        parameters={"max_total_hours_per_week": 60},
    )

    listing = browser.get("/admin/laws/codeclause/", {"q": "working"})
    detail = browser.get(f"/admin/laws/codeclause/{clause.pk}/change/")
    change = browser.post(
        f"/admin/laws/codeclause/{clause.pk}/change/", {"title": "Changed by support"}
    )

    assert [c.reference for c in listing.context["cl"].result_list] == ["CoC 4.1"]
    assert brand_admin.organization.name in listing.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert change.status_code == 403
    assert browser.get("/admin/laws/codeclause/add/").status_code == 403
    assert CodeClause.objects.get().title == "Working hours"
