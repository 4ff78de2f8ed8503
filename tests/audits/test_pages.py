"""The audit and finding pages: who sees what, what each role may do through them,
the inline (htmx) findings and law-check suggestions, finalizing and amending, and a
fixed number of queries on the lists and the audit page whatever their length."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audits.models import Audit, AuditAmendment, AuditShare, Observation
from audits.services.audits import audit_attach_report, audit_finalize
from audits.services.law_changes import findings_flag_law_change
from audits.services.observations import observation_record
from audits.services.sharing import audit_share_consent, audit_share_offer
from csr_platform.models import Membership
from laws.models import Requirement
from suppliers.models import Facility
from tests.audits.helpers import (
    add_finding,
    also_sourced_by,
    bd_overtime_rule,
    draft_audit,
    facility_of,
    final_audit,
    resolve_all,
    supplier_admin_of,
)
from tests.conftest import text_of
from tests.factories import Brand, member

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTMX = {"HX-Request": "true"}


# --- Arrange --------------------------------------------------------------------------


@pytest.fixture
def brand() -> Brand:
    return Brand()


@pytest.fixture
def facility(brand: Brand) -> Facility:
    return facility_of(brand.admin)


def client_for(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def shared_with(other: Brand, audit: Audit) -> AuditShare:
    """``audit`` offered to ``other`` (which sources from the facility too) and
    consented to by the supplier."""
    also_sourced_by(other.admin, audit.facility)
    offering = Membership.objects.get(organization_id=audit.brand_id, role="csr")
    share = audit_share_offer(audit=audit, by=offering, brand_slug=other.org.slug)
    return audit_share_consent(share=share, by=supplier_admin_of(audit.facility))


def finding_post(prefix: str, **values: Any) -> dict[str, Any]:
    fields = {
        "category": "HOURS",
        "severity": "major",
        "description": "Workers worked 72 hours in the peak week.",
        "extent": "isolated",
        **values,
    }
    return {f"{prefix}-{name}": value for name, value in fields.items()}


# --- The audit list -------------------------------------------------------------------


def test_csr_sees_its_audits_with_counts_and_the_record_button(
    brand: Brand, facility: Facility
) -> None:
    audit = draft_audit(brand.csr, facility)
    add_finding(brand.csr, audit, severity="zero_tolerance", category="CHILD")
    add_finding(brand.csr, audit)

    response = client_for(brand.csr).get(reverse("audit_list"))

    assert response.status_code == 200
    html = text_of(response)
    assert facility.name in html
    assert reverse("audit_detail", args=[audit.pk]) in html
    row = response.context["page"].object_list[0]
    assert (row.findings_count, row.zero_tolerance_count, row.repeat_count) == (2, 1, 0)
    assert reverse("audit_create") in html


def test_the_list_filters_by_facility_scheme_date_and_zero_tolerance(
    brand: Brand, facility: Facility
) -> None:
    other_facility = facility_of(brand.admin, name="Saigon Stitch", country="VN")
    smeta = draft_audit(brand.csr, facility, on=date(2024, 5, 2))
    add_finding(brand.csr, smeta, severity="zero_tolerance", category="CHILD")
    draft_audit(brand.csr, other_facility, on=date(2025, 1, 15), scheme="amfori_bsci")
    client = client_for(brand.viewer)

    def dates(**query: str) -> list[date]:
        response = client.get(reverse("audit_list"), query)
        assert response.status_code == 200
        return [a.start_date for a in response.context["page"].object_list]

    assert dates() == [date(2025, 1, 15), date(2024, 5, 2)]
    assert dates(facility=str(facility.pk)) == [date(2024, 5, 2)]
    assert dates(scheme="amfori_bsci") == [date(2025, 1, 15)]
    assert dates(date_from="2025-01-01") == [date(2025, 1, 15)]
    assert dates(date_to="2024-12-31") == [date(2024, 5, 2)]
    assert dates(zero_tolerance="yes") == [date(2024, 5, 2)]
    assert dates(zero_tolerance="no") == [date(2025, 1, 15)]
    # A wrong value is ignored, not refused: the list is a page people bookmark.
    assert dates(scheme="nonsense") == [date(2025, 1, 15), date(2024, 5, 2)]


def test_an_empty_list_says_what_to_do(brand: Brand) -> None:
    html = text_of(client_for(brand.csr).get(reverse("audit_list")))
    assert "No audit recorded yet." in html
    assert reverse("audit_create") in html

    viewer_html = text_of(client_for(brand.viewer).get(reverse("audit_list")))
    assert reverse("audit_create") not in viewer_html


def test_the_supplier_sees_final_audits_of_its_facilities_with_the_brand_and_no_drafts(
    brand: Brand, facility: Facility
) -> None:
    final = final_audit(brand.csr, facility, on=date(2024, 6, 1))
    draft = draft_audit(brand.csr, facility, on=date(2025, 2, 1))
    supplier = supplier_admin_of(facility)
    client = client_for(supplier)

    response = client.get(reverse("audit_list"))

    assert response.status_code == 200
    html = text_of(response)
    assert "Audits of your facilities" in html
    assert [a.pk for a in response.context["page"].object_list] == [final.pk]
    assert brand.org.name in html
    assert reverse("audit_create") not in html
    assert client.get(reverse("audit_detail", args=[draft.pk])).status_code == 404

    detail = client.get(reverse("audit_detail", args=[final.pk]))
    assert detail.status_code == 200
    page = text_of(detail)
    assert f"Commissioned by {brand.org.name}" in page
    for url_name in ("finding_add", "audit_finalize", "audit_amend", "observation_record"):
        assert reverse(url_name, args=[final.pk]) not in page
    finding = final.findings.get()
    assert (
        client.post(reverse("finding_add", args=[final.pk]), finding_post("new")).status_code == 403
    )
    assert client.post(reverse("finding_delete", args=[finding.pk])).status_code == 403
    assert final.findings.count() == 1


def test_a_partner_has_no_audit_list() -> None:
    partner = member("partner", "member")
    assert client_for(partner).get(reverse("audit_list")).status_code == 403


# --- Recording, editing and deleting an audit -----------------------------------------


def test_csr_records_an_audit_with_the_facility_preselected_and_a_report(
    brand: Brand, facility: Facility
) -> None:
    client = client_for(brand.csr)
    form_page = client.get(reverse("audit_create"), {"facility": str(facility.pk)})
    assert form_page.status_code == 200
    assert form_page.context["form"]["facility"].value() == str(facility.pk)

    response = client.post(
        reverse("audit_create"),
        {
            "facility": str(facility.pk),
            "start_date": "2025-03-03",
            "end_date": "2025-03-04",
            "scheme": "smeta",
            "audit_type": "periodic",
            "announcement": "semi_announced",
            "audit_firm": "Fair Audits Ltd",
            "lead_auditor": "R. Hossain",
            "workers_interviewed": "42",
            "reference": "SM-2025-118",
            "summary": "Hours above the legal limit in the sewing section.",
            "report_file": SimpleUploadedFile("smeta-report.pdf", PDF_BYTES, "application/pdf"),
        },
    )

    audit = Audit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("audit_detail", args=[audit.pk])
    assert (audit.status, audit.workers_interviewed, audit.reference) == (
        "draft",
        42,
        "SM-2025-118",
    )
    assert audit.report_file_name == "smeta-report.pdf"
    detail = text_of(client.get(response["Location"]))
    assert reverse("audit_report", args=[audit.pk]) in detail
    assert "R. Hossain" in detail


def test_bad_input_re_renders_with_the_errors_and_stores_nothing(
    brand: Brand, facility: Facility
) -> None:
    client = client_for(brand.csr)
    values = {
        "facility": str(facility.pk),
        "start_date": "2025-03-04",
        "end_date": "2025-03-03",
        "scheme": "smeta",
        "audit_type": "periodic",
        "announcement": "announced",
    }

    wrong_dates = client.post(reverse("audit_create"), values)
    future = client.post(
        reverse("audit_create"),
        {**values, "start_date": "2099-01-01", "end_date": "2099-01-02"},
    )
    not_a_pdf = client.post(
        reverse("audit_create"),
        {
            **values,
            "end_date": "2025-03-05",
            "report_file": SimpleUploadedFile("report.pdf", b"just text", "application/pdf"),
        },
    )

    assert wrong_dates.status_code == 400
    assert "The last day cannot be before the first day." in text_of(wrong_dates)
    assert future.status_code == 400
    assert "An audit is recorded once it has taken place." in text_of(future)
    assert not_a_pdf.status_code == 400
    assert "Upload the report as a PDF or Word (.docx) document." in text_of(not_a_pdf)
    assert not Audit.objects.exists()


def test_a_facility_of_another_brand_cannot_be_chosen(brand: Brand) -> None:
    stranger_facility = facility_of(Brand("Other").admin, name="Not Ours")
    response = client_for(brand.csr).post(
        reverse("audit_create"),
        {
            "facility": str(stranger_facility.pk),
            "start_date": "2025-03-03",
            "end_date": "2025-03-03",
            "scheme": "smeta",
            "audit_type": "periodic",
            "announcement": "announced",
        },
    )
    assert response.status_code == 400
    assert not Audit.objects.exists()


def test_only_recorders_open_the_form(brand: Brand) -> None:
    assert client_for(brand.viewer).get(reverse("audit_create")).status_code == 403
    assert client_for(brand.sourcing).get(reverse("audit_create")).status_code == 403
    supplier = member("supplier", "admin")
    assert client_for(supplier).get(reverse("audit_create")).status_code == 403


def test_a_draft_is_edited_and_deleted_a_final_audit_is_not(
    brand: Brand, facility: Facility
) -> None:
    draft = draft_audit(brand.csr, facility)
    final = final_audit(brand.csr, facility, on=date(2024, 1, 10))
    client = client_for(brand.csr)

    assert client.get(reverse("audit_edit", args=[draft.pk])).status_code == 200
    saved = client.post(
        reverse("audit_edit", args=[draft.pk]),
        {
            "start_date": "2025-03-10",
            "end_date": "2025-03-11",
            "scheme": "sa8000",
            "audit_type": "follow_up",
            "announcement": "unannounced",
            "audit_firm": "Other Firm",
        },
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.scheme, draft.end_date, draft.audit_firm) == (
        "sa8000",
        date(2025, 3, 11),
        "Other Firm",
    )

    edit_final = client.get(reverse("audit_edit", args=[final.pk]))
    assert edit_final.status_code == 409
    assert "record an amendment" in text_of(edit_final)
    assert client.post(reverse("audit_delete", args=[final.pk])).status_code == 409

    deleted = client.post(reverse("audit_delete", args=[draft.pk]))
    assert deleted.status_code == 302
    assert list(Audit.objects.all()) == [final]


# --- The report download --------------------------------------------------------------


def test_the_report_streams_only_to_those_who_see_the_audit(
    brand: Brand, facility: Facility
) -> None:
    audit = draft_audit(brand.csr, facility)
    audit_attach_report(
        audit=audit, by=brand.csr, upload=SimpleUploadedFile("report.pdf", PDF_BYTES)
    )
    url = reverse("audit_report", args=[audit.pk])

    response = client_for(brand.viewer).get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="report.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert client_for(Brand("Other").admin).get(url).status_code == 404
    # A draft is the brand's work in progress: not even the supplier reads it.
    assert client_for(supplier_admin_of(facility)).get(url).status_code == 404

    no_report = draft_audit(brand.csr, facility, on=date(2025, 1, 2))
    assert (
        client_for(brand.csr).get(reverse("audit_report", args=[no_report.pk])).status_code == 404
    )


# --- The audit page: inline findings (htmx) -------------------------------------------


def test_the_audit_page_shows_findings_with_law_reference_and_add_form(
    brand: Brand, facility: Facility
) -> None:
    rule = bd_overtime_rule()
    audit = draft_audit(brand.csr, facility)
    finding = add_finding(brand.csr, audit, requirement=rule, scheme_reference="SMETA 6.1")

    response = client_for(brand.csr).get(reverse("audit_detail", args=[audit.pk]))

    assert response.status_code == 200
    html = text_of(response)
    assert finding.label in html
    assert "Bangladesh Labour Act 2006 s.102" in html
    assert reverse("laws_requirement", args=[rule.pk]) in html
    assert "set when finalized" in html
    assert reverse("finding_add", args=[audit.pk]) in html
    assert reverse("finding_import", args=[audit.pk]) in html
    assert reverse("audit_finalize", args=[audit.pk]) in html
    # The picker offers the rules in force on the audit date in the facility's country.
    picker = response.context["finding_form"].fields["requirement"].queryset
    assert list(picker) == [rule]


def test_htmx_add_edit_and_delete_answer_with_the_findings_fragment(
    brand: Brand, facility: Facility
) -> None:
    rule = bd_overtime_rule()
    audit = draft_audit(brand.csr, facility)
    client = client_for(brand.csr)

    added = client.post(
        reverse("finding_add", args=[audit.pk]),
        finding_post("new", requirement=str(rule.pk), workers_affected="35"),
        headers=HTMX,
    )
    assert added.status_code == 200
    fragment = text_of(added)
    assert fragment.startswith('<div id="audit-work">')
    assert "<html" not in fragment
    finding = audit.findings.get()
    assert (finding.requirement_id, finding.workers_affected) == (rule.pk, 35)
    assert "F-1" in fragment

    edit_row = client.get(reverse("finding_edit", args=[finding.pk]), headers=HTMX)
    assert edit_row.status_code == 200
    assert text_of(edit_row).startswith('<tr id="finding-1" class="editing">')

    edited = client.post(
        reverse("finding_edit", args=[finding.pk]),
        finding_post("finding-1", severity="critical", description="78 hours in one week."),
        headers=HTMX,
    )
    assert edited.status_code == 200
    assert "78 hours in one week." in text_of(edited)
    finding.refresh_from_db()
    assert finding.severity == "critical"
    assert finding.requirement_id is None  # cleared in the form

    deleted = client.post(reverse("finding_delete", args=[finding.pk]), headers=HTMX)
    assert deleted.status_code == 200
    assert "No finding recorded yet." in text_of(deleted)
    assert not audit.findings.exists()


def test_without_htmx_the_forms_redirect_back_to_the_audit(
    brand: Brand, facility: Facility
) -> None:
    audit = draft_audit(brand.csr, facility)
    client = client_for(brand.csr)

    response = client.post(reverse("finding_add", args=[audit.pk]), finding_post("new"))

    assert response.status_code == 302
    assert response["Location"] == reverse("audit_detail", args=[audit.pk]) + "#findings"
    finding = audit.findings.get()
    edit_page = client.get(reverse("finding_edit", args=[finding.pk]))
    assert edit_page.status_code == 200
    assert "<html" in text_of(edit_page)


def test_a_bad_finding_comes_back_with_its_errors_and_nothing_is_stored(
    brand: Brand, facility: Facility
) -> None:
    audit = draft_audit(brand.csr, facility)
    client = client_for(brand.csr)

    htmx = client.post(
        reverse("finding_add", args=[audit.pk]),
        finding_post("new", description="", category="NOPE"),
        headers=HTMX,
    )
    plain = client.post(reverse("finding_add", args=[audit.pk]), finding_post("new", severity=""))

    assert htmx.status_code == 400
    assert "This field is required." in text_of(htmx)
    assert plain.status_code == 400
    assert "<html" in text_of(plain)
    assert not audit.findings.exists()

    finding = add_finding(brand.csr, audit)
    bad_edit = client.post(
        reverse("finding_edit", args=[finding.pk]),
        finding_post("finding-1", workers_affected="-3"),
        headers=HTMX,
    )
    assert bad_edit.status_code == 400
    assert 'class="editing"' in text_of(bad_edit)
    finding.refresh_from_db()
    assert finding.workers_affected is None


# --- Observations and the law check ---------------------------------------------------


def test_an_observation_over_the_limit_is_accepted_as_a_finding_with_the_law(
    brand: Brand, facility: Facility
) -> None:
    rule = bd_overtime_rule(limit=60)
    audit = draft_audit(brand.csr, facility)
    client = client_for(brand.csr)

    recorded = client.post(
        reverse("observation_record", args=[audit.pk]),
        {"observation-metric": "weekly_hours_total", "observation-value": "72"},
        headers=HTMX,
    )

    assert recorded.status_code == 200
    html = text_of(recorded)
    assert "Suggested finding" in html
    assert "allows at most 60" in html
    assert "Severity Major, category Working hours, overtime, rest days." in html
    assert "1 law-check suggestion still awaits your decision" in html
    observation = Observation.objects.get(audit=audit)

    accepted = client.post(
        reverse("observation_decide", args=[observation.pk, "accept"]), headers=HTMX
    )

    assert accepted.status_code == 200
    finding = audit.findings.get()
    assert (finding.requirement_id, finding.category, finding.source) == (
        rule.pk,
        "HOURS",
        "law_check",
    )
    assert rule.reference in text_of(accepted)
    assert "Accepted" in text_of(accepted)
    assert "1 finding will be frozen." in text_of(accepted)
    assert "still awaits your decision" not in text_of(accepted)


def test_a_dismissal_needs_a_reason(brand: Brand, facility: Facility) -> None:
    bd_overtime_rule(limit=60)
    audit = draft_audit(brand.csr, facility)
    observation = observation_record(
        audit=audit, by=brand.csr, metric="weekly_hours_total", value="70"
    )
    client = client_for(brand.csr)
    url = reverse("observation_decide", args=[observation.pk, "dismiss"])

    refused = client.post(url, {"dismiss-weekly_hours_total-reason": "  "}, headers=HTMX)

    assert refused.status_code == 400
    assert "Say why the suggestion does not apply." in text_of(refused)
    observation.refresh_from_db()
    assert observation.suggestion == "pending"

    dismissed = client.post(
        url, {"dismiss-weekly_hours_total-reason": "Peak week before a public holiday."}
    )
    assert dismissed.status_code == 302
    observation.refresh_from_db()
    assert observation.suggestion == "dismissed"
    assert "Peak week before a public holiday." in observation.note
    assert not audit.findings.exists()
    assert (
        client.post(reverse("observation_decide", args=[observation.pk, "maybe"])).status_code
        == 404
    )


def test_observations_within_the_law_or_without_a_limit_say_so(
    brand: Brand, facility: Facility
) -> None:
    bd_overtime_rule(limit=60)
    audit = draft_audit(brand.csr, facility)
    observation_record(audit=audit, by=brand.csr, metric="weekly_hours_total", value="52")
    observation_record(audit=audit, by=brand.csr, metric="youngest_worker_age", value="17")

    html = text_of(client_for(brand.csr).get(reverse("audit_detail", args=[audit.pk])))

    assert "Within the law" in html
    assert "No limit on record" in html


def test_a_bad_measure_is_refused_with_400(brand: Brand, facility: Facility) -> None:
    audit = draft_audit(brand.csr, facility)
    response = client_for(brand.csr).post(
        reverse("observation_record", args=[audit.pk]),
        {"observation-metric": "weekly_hours_total", "observation-value": "-4"},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert not Observation.objects.exists()


# --- Finalizing and amending ----------------------------------------------------------


def test_finalizing_sets_due_dates_from_the_policy_and_shows_them(
    brand: Brand, facility: Facility
) -> None:
    audit = draft_audit(brand.csr, facility, on=date(2025, 3, 10))
    add_finding(brand.csr, audit, severity="major")
    add_finding(brand.csr, audit, severity="observation", category="MGMT")
    client = client_for(brand.csr)
    before = text_of(client.get(reverse("audit_detail", args=[audit.pk])))
    assert "2 findings will be frozen." in before
    assert "Major: 90 days" in before
    assert reverse("severity_policy") in before

    response = client.post(reverse("audit_finalize", args=[audit.pk]))

    assert response.status_code == 302
    page = client.get(response["Location"])
    html = text_of(page)
    assert "The audit is final. 1 finding got its due date" in html
    assert (date(2025, 3, 10) + timedelta(days=90)).isoformat() in html
    assert reverse("finding_add", args=[audit.pk]) not in html
    assert reverse("audit_amend", args=[audit.pk]) in html
    assert reverse("finding_amend", args=[audit.findings.first().pk]) in html  # type: ignore[union-attr]
    assert reverse("audit_share_offer", args=[audit.pk]) in html
    assert client.post(reverse("audit_finalize", args=[audit.pk])).status_code == 409


def test_a_final_audit_is_amended_with_a_reason_and_the_history_shows_it(
    brand: Brand, facility: Facility
) -> None:
    audit = final_audit(brand.csr, facility)
    client = client_for(brand.csr)
    form = client.get(reverse("audit_amend", args=[audit.pk]))
    assert form.status_code == 200
    values = {
        "scheme": "smeta",
        "audit_type": "periodic",
        "announcement": "announced",
        "audit_firm": "Fair Audits Bangladesh Ltd",
    }

    no_reason = client.post(reverse("audit_amend", args=[audit.pk]), values)
    amended = client.post(
        reverse("audit_amend", args=[audit.pk]),
        {**values, "reason": "The firm's legal name is on page 1 of the report."},
    )

    assert no_reason.status_code == 400
    assert amended.status_code == 302
    amendment = AuditAmendment.objects.get()
    assert amendment.changes == {
        "audit_firm": {"from": "Fair Audits Ltd", "to": "Fair Audits Bangladesh Ltd"}
    }
    html = text_of(client.get(reverse("audit_detail", args=[audit.pk])))
    assert "The firm&#x27;s legal name is on page 1 of the report." in html
    assert "Fair Audits Ltd → Fair Audits Bangladesh Ltd" in html
    assert "Cora CSR" in html

    draft = draft_audit(brand.csr, facility, on=date(2025, 1, 5))
    assert client.get(reverse("audit_amend", args=[draft.pk])).status_code == 409


def test_a_final_finding_is_amended_and_its_due_date_follows_the_new_severity(
    brand: Brand, facility: Facility
) -> None:
    audit = final_audit(brand.csr, facility, on=date(2025, 3, 10))
    finding = audit.findings.get()
    client = client_for(brand.csr)
    assert client.get(reverse("finding_amend", args=[finding.pk])).status_code == 200

    response = client.post(
        reverse("finding_amend", args=[finding.pk]),
        {
            "reason": "The auditor reclassified it in the final report.",
            "category": "HOURS",
            "severity": "critical",
            "description": finding.description,
            "extent": "isolated",
        },
    )

    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.severity, finding.due_date) == ("critical", date(2025, 4, 9))
    html = text_of(client.get(reverse("finding_detail", args=[finding.pk])))
    assert "Major → Critical" in html
    draft_finding = add_finding(brand.csr, draft_audit(brand.csr, facility, on=date(2025, 1, 5)))
    assert client.get(reverse("finding_amend", args=[draft_finding.pk])).status_code == 409


# --- Who may do what ------------------------------------------------------------------


def test_a_viewer_reads_the_audit_but_every_post_is_403(brand: Brand, facility: Facility) -> None:
    bd_overtime_rule(limit=60)
    audit = draft_audit(brand.csr, facility)
    finding = add_finding(brand.csr, audit)
    observation = observation_record(
        audit=audit, by=brand.csr, metric="weekly_hours_total", value="70"
    )
    client = client_for(brand.viewer)

    page = client.get(reverse("audit_detail", args=[audit.pk]))
    assert page.status_code == 200
    assert reverse("finding_add", args=[audit.pk]) not in text_of(page)
    assert reverse("audit_finalize", args=[audit.pk]) not in text_of(page)

    posts = [
        (reverse("finding_add", args=[audit.pk]), finding_post("new")),
        (reverse("finding_edit", args=[finding.pk]), finding_post("finding-1")),
        (reverse("finding_delete", args=[finding.pk]), {}),
        (
            reverse("observation_record", args=[audit.pk]),
            {"observation-metric": "daily_hours", "observation-value": "9"},
        ),
        (reverse("observation_decide", args=[observation.pk, "accept"]), {}),
        (reverse("audit_finalize", args=[audit.pk]), {}),
        (reverse("audit_delete", args=[audit.pk]), {}),
        (reverse("audit_edit", args=[audit.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
        assert client.post(url, data, headers=HTMX).status_code == 403, url
    assert client.get(reverse("audit_edit", args=[audit.pk])).status_code == 403
    audit.refresh_from_db()
    assert (audit.status, audit.findings.count(), Observation.objects.get().suggestion) == (
        "draft",
        1,
        "pending",
    )


def test_another_brand_gets_404_everywhere(brand: Brand, facility: Facility) -> None:
    audit = draft_audit(brand.csr, facility)
    finding = add_finding(brand.csr, audit)
    final = final_audit(brand.csr, facility, on=date(2024, 4, 4))
    stranger = client_for(Brand("Other").admin)

    for url in (
        reverse("audit_detail", args=[audit.pk]),
        reverse("audit_detail", args=[final.pk]),
        reverse("audit_edit", args=[audit.pk]),
        reverse("audit_amend", args=[final.pk]),
        reverse("audit_report", args=[final.pk]),
        reverse("finding_detail", args=[finding.pk]),
        reverse("finding_edit", args=[finding.pk]),
        reverse("facility_audits_panel", args=[facility.pk]),
    ):
        assert stranger.get(url).status_code == 404, url
    for url in (
        reverse("finding_add", args=[audit.pk]),
        reverse("finding_delete", args=[finding.pk]),
        reverse("audit_finalize", args=[audit.pk]),
        reverse("finding_law_reviewed", args=[finding.pk]),
    ):
        assert stranger.post(url, finding_post("new")).status_code == 404, url
    assert stranger.get(reverse("audit_list")).context["page"].paginator.count == 0
    assert stranger.get(reverse("finding_list")).context["page"].paginator.count == 0


def test_a_brand_with_an_active_share_reads_the_audit_read_only(
    brand: Brand, facility: Facility
) -> None:
    audit = final_audit(brand.csr, facility)
    finding = audit.findings.get()
    other = Brand("Second Brand")
    also_sourced_by(other.admin, facility)
    share = audit_share_offer(audit=audit, by=brand.csr, brand_slug=other.org.slug)
    client = client_for(other.csr)
    # Pending: invisible.
    assert client.get(reverse("audit_detail", args=[audit.pk])).status_code == 404

    audit_share_consent(share=share, by=supplier_admin_of(facility))

    page = client.get(reverse("audit_detail", args=[audit.pk]))
    assert page.status_code == 200
    html = text_of(page)
    assert f"Shared with you by {brand.org.name}" in html
    for url in (
        reverse("audit_amend", args=[audit.pk]),
        reverse("finding_amend", args=[finding.pk]),
        reverse("audit_share_offer", args=[audit.pk]),
        reverse("finding_add", args=[audit.pk]),
    ):
        assert url not in html
    listed = client.get(reverse("audit_list"))
    assert "shared with you" in text_of(listed)
    assert client.get(reverse("finding_detail", args=[finding.pk])).status_code == 200
    assert client.post(reverse("audit_amend", args=[audit.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("finding_amend", args=[finding.pk])).status_code == 403


# --- The finding list and page --------------------------------------------------------


def test_the_finding_list_filters(brand: Brand, facility: Facility) -> None:
    first = final_audit(brand.csr, facility, on=date(2024, 3, 1))
    resolve_all(first)
    second = draft_audit(brand.csr, facility, on=date(2025, 3, 1))
    add_finding(brand.csr, second)
    add_finding(brand.csr, second, category="WAGE", severity="critical")
    audit_finalize(audit=second, by=brand.csr)
    facility_of(brand.admin, name="Saigon Stitch", country="VN")
    client = client_for(brand.viewer)

    def labels(**query: str) -> list[tuple[date, str]]:
        response = client.get(reverse("finding_list"), query)
        assert response.status_code == 200
        return [(f.audit.start_date, f.category) for f in response.context["page"].object_list]

    assert len(labels()) == 3
    assert labels(repeat="yes") == [(date(2025, 3, 1), "HOURS")]
    assert labels(repeat="no") == [(date(2025, 3, 1), "WAGE"), (date(2024, 3, 1), "HOURS")]
    assert labels(severity="critical") == [(date(2025, 3, 1), "WAGE")]
    assert labels(status="resolved") == [(date(2024, 3, 1), "HOURS")]
    assert labels(category="WAGE", country="BD") == [(date(2025, 3, 1), "WAGE")]
    assert labels(country="VN") == []
    assert labels(date_to="2024-12-31") == [(date(2024, 3, 1), "HOURS")]
    assert labels(law_review="yes") == []


def test_the_finding_page_shows_schemes_law_and_the_repeat_chain(
    brand: Brand, facility: Facility
) -> None:
    rule = bd_overtime_rule()
    rule.remediation_guidance = "Cap overtime at 12 h a week and record hours electronically."
    rule.save()
    first = final_audit(brand.csr, facility, on=date(2024, 3, 1), requirement=rule)
    resolve_all(first)
    earlier = first.findings.get()
    later = final_audit(brand.csr, facility, on=date(2025, 3, 1), requirement=rule).findings.get()
    client = client_for(brand.csr)

    html = text_of(client.get(reverse("finding_detail", args=[later.pk])))

    # HOURS is SMETA 6, amfori performance area 6, RBA A3.
    assert "<dt>SMETA</dt><dd>6</dd>" in html
    assert "<dt>RBA Code</dt><dd>A3</dd>" in html
    assert rule.reference in html
    assert "At most 60 h a week." in html
    assert "Cap overtime at 12 h a week" in html
    assert "from 2006-10-11" in html
    assert rule.source_url in html
    assert reverse("finding_detail", args=[earlier.pk]) in html

    earlier_html = text_of(client.get(reverse("finding_detail", args=[earlier.pk])))
    assert "Fix not sustained" in earlier_html
    assert reverse("finding_detail", args=[later.pk]) in earlier_html


# --- The repeat-finding rate ----------------------------------------------------------


def test_the_repeat_finding_rate_counts_repeats_of_non_observations_in_final_audits(
    brand: Brand, facility: Facility
) -> None:
    first = draft_audit(brand.csr, facility, on=date(2024, 3, 1))
    add_finding(brand.csr, first)  # HOURS, fixed and verified below
    add_finding(brand.csr, first, category="OSH")
    add_finding(brand.csr, first, severity="observation", category="MGMT")  # not counted
    audit_finalize(audit=first, by=brand.csr)
    resolve_all(first)
    second = draft_audit(brand.csr, facility, on=date(2025, 3, 1))
    add_finding(brand.csr, second)  # HOURS again: a repeat
    add_finding(brand.csr, second, category="WAGE")
    audit_finalize(audit=second, by=brand.csr)
    add_finding(
        brand.csr, draft_audit(brand.csr, facility, on=date(2025, 4, 1))
    )  # draft: not counted
    client = client_for(brand.viewer)

    response = client.get(reverse("audit_list"))
    panel = client.get(reverse("facility_audits_panel", args=[facility.pk]))

    rate = response.context["rate"]
    assert (rate.repeats, rate.total, rate.percent) == (1, 4, 25.0)
    assert "25 %" in text_of(response)
    assert "1 of 4 non-compliances" in text_of(response)
    assert panel.status_code == 200
    assert "25 %" in text_of(panel)
    assert "<html" not in text_of(panel)


def test_the_facility_panel_lists_visible_audits_and_the_facility_page_loads_it(
    brand: Brand, facility: Facility
) -> None:
    final = final_audit(brand.csr, facility)
    draft = draft_audit(brand.csr, facility, on=date(2025, 4, 1))
    supplier = client_for(supplier_admin_of(facility))

    facility_page = text_of(
        client_for(brand.csr).get(reverse("facility_detail", args=[facility.pk]))
    )
    panel = supplier.get(reverse("facility_audits_panel", args=[facility.pk]))

    assert f'hx-get="{reverse("facility_audits_panel", args=[facility.pk])}"' in facility_page
    assert 'hx-trigger="load"' in facility_page
    assert reverse("audit_detail", args=[final.pk]) in text_of(panel)
    assert reverse("audit_detail", args=[draft.pk]) not in text_of(panel)
    assert reverse("audit_create") not in text_of(panel)
    brand_panel = text_of(
        client_for(brand.csr).get(reverse("facility_audits_panel", args=[facility.pk]))
    )
    assert f"{reverse('audit_create')}?facility={facility.pk}" in brand_panel


# --- Law changes ----------------------------------------------------------------------


def _new_version(rule: Requirement, *, effective_from: date, limit: int) -> Requirement:
    newer = Requirement.objects.create(
        country="BD",
        topic="overtime",
        instrument=rule.instrument,
        citation="s.102 (amended)",
        summary=f"At most {limit} h a week.",
        parameters={"max_total_hours_per_week": limit},
        effective_from=effective_from,
    )
    Requirement.objects.filter(pk=rule.pk).update(
        effective_to=effective_from - timedelta(days=1), superseded_by=newer
    )
    return newer


def test_findings_whose_law_changed_are_listed_and_marked_reviewed(
    brand: Brand, facility: Facility
) -> None:
    rule = bd_overtime_rule()
    audit = final_audit(brand.csr, facility, on=date(2025, 3, 1), requirement=rule)
    finding = audit.findings.get()
    newer = _new_version(rule, effective_from=date(2025, 7, 1), limit=56)
    findings_flag_law_change(old_id=str(rule.pk), new_id=str(newer.pk), kind="changed")
    client = client_for(brand.csr)

    page = client.get(reverse("law_change_review"))

    assert page.status_code == 200
    html = text_of(page)
    assert reverse("finding_detail", args=[finding.pk]) in html
    assert "The law changed from 2025-07-01" in html
    assert reverse("laws_requirement", args=[newer.pk]) in html
    assert "law changed" in text_of(client.get(reverse("finding_detail", args=[finding.pk])))

    # A viewer reads the list but may not mark a finding reviewed.
    viewer = client_for(brand.viewer)
    assert reverse("finding_law_reviewed", args=[finding.pk]) not in text_of(
        viewer.get(reverse("law_change_review"))
    )
    assert viewer.post(reverse("finding_law_reviewed", args=[finding.pk])).status_code == 403

    reviewed = client.post(
        reverse("finding_law_reviewed", args=[finding.pk]),
        {"next": reverse("law_change_review"), "note": "Target moved to 56 h."},
    )

    assert reviewed.status_code == 302
    assert reviewed["Location"] == reverse("law_change_review")
    finding.refresh_from_db()
    assert not finding.law_review_needed
    assert AuditAmendment.objects.get(finding=finding).reason == "Target moved to 56 h."
    empty = text_of(client.get(reverse("law_change_review")))
    assert "Nothing to review" in empty
    again = client.post(reverse("finding_law_reviewed", args=[finding.pk]))
    assert again.status_code == 409


def test_an_unsafe_next_is_ignored(brand: Brand, facility: Facility) -> None:
    rule = bd_overtime_rule()
    finding = final_audit(brand.csr, facility, requirement=rule).findings.get()
    newer = _new_version(rule, effective_from=date(2025, 7, 1), limit=56)
    findings_flag_law_change(old_id=str(rule.pk), new_id=str(newer.pk), kind="changed")

    response = client_for(brand.csr).post(
        reverse("finding_law_reviewed", args=[finding.pk]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("finding_detail", args=[finding.pk])


def test_the_law_change_page_is_for_brands() -> None:
    supplier = member("supplier", "admin")
    assert client_for(supplier).get(reverse("law_change_review")).status_code == 403


# --- A fixed number of queries --------------------------------------------------------
# Every page starts with four: the session, the user, the membership (with its
# organization) and the navigation's unread-notification count.


def _brand_with_audits(count: int) -> Brand:
    owner = Brand(f"Brand {count}")
    facility = facility_of(owner.admin, name=f"Facility {count}")
    for n in range(count):
        audit = draft_audit(owner.csr, facility, on=date(2024, 1, 1) + timedelta(days=n))
        add_finding(owner.csr, audit)
    return owner


def _brand_with_findings(count: int, **values: Any) -> tuple[Brand, Audit]:
    owner = Brand(f"Brand {count}")
    facility = facility_of(owner.admin, name=f"Facility {count}")
    rule = bd_overtime_rule() if not Requirement.objects.exists() else Requirement.objects.first()
    audit = draft_audit(owner.csr, facility)
    for _ in range(count):
        add_finding(owner.csr, audit, requirement=rule, **values)
    observation_record(audit=audit, by=owner.csr, metric="weekly_hours_total", value="72")
    return owner, audit


def test_the_audit_list_takes_the_same_queries_for_3_or_30_audits(
    django_assert_num_queries: Any,
) -> None:
    small, large = _brand_with_audits(3), _brand_with_audits(30)
    for owner in (small, large):
        client = client_for(owner.csr)
        # + facility and brand choices, the repeat rate, the count, the page.
        with django_assert_num_queries(9):
            assert client.get(reverse("audit_list")).status_code == 200


def test_the_finding_list_takes_the_same_queries_for_3_or_30_findings(
    django_assert_num_queries: Any,
) -> None:
    small, _ = _brand_with_findings(3)
    large, _ = _brand_with_findings(30)
    for owner in (small, large):
        client = client_for(owner.csr)
        # + facility (and country) choices, the count, the page.
        with django_assert_num_queries(7):
            assert client.get(reverse("finding_list")).status_code == 200


def test_the_audit_page_takes_the_same_queries_whatever_the_number_of_findings(
    django_assert_num_queries: Any,
) -> None:
    small, small_audit = _brand_with_findings(3)
    large, large_audit = _brand_with_findings(30)
    for owner, audit in ((small, small_audit), (large, large_audit)):
        client = client_for(owner.csr)
        # + the audit, findings, observations, amendments, severity policy, and the
        # requirement and code-clause pickers of the add form.
        with django_assert_num_queries(11):
            assert client.get(reverse("audit_detail", args=[audit.pk])).status_code == 200


def test_the_law_change_page_takes_the_same_queries_for_3_or_30_findings(
    django_assert_num_queries: Any,
) -> None:
    owners = []
    rule = bd_overtime_rule()
    for count in (3, 30):
        owner = Brand(f"Brand {count}")
        facility = facility_of(owner.admin, name=f"Facility {count}")
        final_audit(owner.csr, facility, findings=count, requirement=rule)
        owners.append(owner)
    newer = _new_version(rule, effective_from=date(2025, 7, 1), limit=56)
    findings_flag_law_change(old_id=str(rule.pk), new_id=str(newer.pk), kind="changed")
    for owner in owners:
        client = client_for(owner.csr)
        # + the count and the page.
        with django_assert_num_queries(6):
            response = client.get(reverse("law_change_review"))
        assert response.status_code == 200
    assert response.context["page"].paginator.count == 30
