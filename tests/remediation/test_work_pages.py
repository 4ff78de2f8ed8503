"""The work posted from the CAP page: root causes (five whys, fishbone, purchasing
practices), actions, evidence uploads (checked by content, several at once) and the
permission-checked download, comments, requests for more time, participants.

Every form's bad input answers 400 with the form shown again and stores nothing; a
role that may not act gets 403; a state that forbids it 409. htmx posts get the
section back, plain posts a redirect."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from csr_platform.models import Membership
from remediation.models import (
    CapAction,
    CapParticipant,
    Comment,
    CorrectiveActionPlan,
    Evidence,
    ExtensionRequest,
    RootCause,
)
from remediation.services.evidence_files import MAX_EVIDENCE_BYTES
from remediation.services.work import evidence_add, extension_request
from tests.factories import member
from tests.remediation.helpers import PDF, open_cap, pdf, plan, submitted
from tests.remediation.test_pages import (
    HTMX,
    Brand,
    brand,
    cap,
    client_for,
    partner_on,
    supplier,
    text_of,
)

pytestmark = pytest.mark.django_db

__all__ = ["brand", "cap", "supplier"]  # fixtures shared with the page tests

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CSV = b"date,hours\n2025-03-01,48\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>steal()</script></body></html>"


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def five_whys(**extra: str) -> dict[str, str]:
    return {
        "root-cause-method": "five_whys",
        "root-cause-category": "capacity",
        "root-cause-cause": "Orders are accepted without checking line capacity.",
        "root-cause-why_1": "Why did workers work 72 hours?",
        "root-cause-because_1": "The order had to ship in three weeks.",
        "root-cause-why_2": "Why was it accepted?",
        "root-cause-because_2": "Nobody compares orders with capacity.",
        **extra,
    }


def action_post(**extra: str) -> dict[str, str]:
    return {
        "action-kind": "preventive",
        "action-description": "Check every order against line capacity before accepting.",
        "action-owner": "Production planning manager",
        "action-due_date": "2030-06-30",
        **extra,
    }


# --- Root causes ----------------------------------------------------------------------


def test_the_supplier_records_five_whys_and_the_cap_starts(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    response = client_for(supplier).post(reverse("root_cause_add", args=[cap.pk]), five_whys())

    assert response.status_code == 302
    assert response["Location"].endswith(reverse("cap_detail", args=[cap.pk]) + "#cap-root-causes")
    root_cause = RootCause.objects.get(cap=cap)
    assert root_cause.method == "five_whys"
    assert root_cause.whys == [
        {
            "why": "Why did workers work 72 hours?",
            "because": "The order had to ship in three weeks.",
        },
        {"why": "Why was it accepted?", "because": "Nobody compares orders with capacity."},
    ]
    cap.refresh_from_db()
    assert cap.status == "in_progress"


def test_the_root_cause_form_offers_five_pairs_open_and_up_to_seven(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    page = client_for(supplier).get(reverse("cap_detail", args=[cap.pk]))
    html = text_of(page)

    for number in range(1, 8):
        assert f'name="root-cause-why_{number}"' in html
    assert 'name="root-cause-why_8"' not in html
    assert len(page.context["root_cause_form"].shown_pairs()) == 5
    # The purchasing-practice codes are offered with the category.
    assert 'value="BP_LEADTIME"' in html


def test_an_htmx_root_cause_answers_the_section_with_header_and_timeline(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    response = client_for(supplier).post(
        reverse("root_cause_add", args=[cap.pk]), five_whys(), headers=HTMX
    )

    assert response.status_code == 200
    html = text_of(response)
    assert html.lstrip().startswith('<section id="cap-root-causes"')
    assert "Orders are accepted without checking line capacity." in html
    assert '<div id="cap-header" class="cap-header" hx-swap-oob="true">' in html
    assert '<section id="cap-timeline" aria-labelledby="cap-timeline-heading" hx-swap-oob' in html
    assert "Root cause recorded" in html


def test_a_fishbone_purchasing_practice_cause_keeps_its_code(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    response = client_for(supplier).post(
        reverse("root_cause_add", args=[cap.pk]),
        {
            "root-cause-method": "fishbone",
            "root-cause-category": "purchasing_practice",
            "root-cause-purchasing_code": "BP_LATE_CHANGE",
            "root-cause-cause": "The buyer changed the design two weeks before shipping.",
            # A chain typed before switching to fishbone is not kept.
            "root-cause-why_1": "Why?",
            "root-cause-because_1": "Because.",
        },
    )

    assert response.status_code == 302
    root_cause = RootCause.objects.get(cap=cap)
    assert (root_cause.method, root_cause.purchasing_code, root_cause.whys) == (
        "fishbone",
        "BP_LATE_CHANGE",
        [],
    )
    html = text_of(client_for(supplier).get(reverse("cap_detail", args=[cap.pk])))
    assert "BP_LATE_CHANGE" in html
    assert "Late design or order changes" in html


@pytest.mark.parametrize(
    ("post", "message"),
    [
        (five_whys(**{"root-cause-why_2": "", "root-cause-because_2": ""}), "Ask why at least"),
        (five_whys(**{"root-cause-because_2": ""}), "Each step needs a why and its answer."),
        (five_whys(**{"root-cause-category": ""}), "This field is required."),
        (five_whys(**{"root-cause-cause": "  "}), "This field is required."),
        (
            five_whys(**{"root-cause-category": "purchasing_practice"}),
            "Say which of the buyer",
        ),
        (five_whys(**{"root-cause-method": "tarot"}), "Select a valid choice."),
    ],
)
def test_bad_root_causes_are_refused_with_the_form_and_nothing_is_stored(
    cap: CorrectiveActionPlan, supplier: Membership, post: dict[str, str], message: str
) -> None:
    for headers in ({}, HTMX):
        response = client_for(supplier).post(
            reverse("root_cause_add", args=[cap.pk]), post, headers=headers
        )
        assert response.status_code == 400
        html = text_of(response)
        assert message in html
        # The form comes back as typed.
        assert "Why did workers work 72 hours?" in html
    assert not RootCause.objects.filter(cap=cap).exists()


def test_the_supplier_removes_a_root_cause(cap: CorrectiveActionPlan, supplier: Membership) -> None:
    root_cause, _action = plan(cap, supplier)

    response = client_for(supplier).post(
        reverse("root_cause_delete", args=[root_cause.pk]), headers=HTMX
    )

    assert response.status_code == 200
    assert not RootCause.objects.filter(pk=root_cause.pk).exists()
    assert "Root cause removed" in text_of(response)


def test_the_brand_does_not_write_root_causes(brand: Brand, cap: CorrectiveActionPlan) -> None:
    response = client_for(brand.csr).post(reverse("root_cause_add", args=[cap.pk]), five_whys())

    assert response.status_code == 403
    assert not RootCause.objects.exists()


def test_a_submitted_plan_shows_no_work_forms_and_refuses_work_with_409(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    submitted(cap, supplier)
    client = client_for(supplier)

    page = client.get(reverse("cap_detail", args=[cap.pk]))
    assert "root_cause_form" not in page.context
    assert "evidence_form" not in page.context
    assert reverse("root_cause_add", args=[cap.pk]) not in text_of(page)

    response = client.post(reverse("root_cause_add", args=[cap.pk]), five_whys(), headers=HTMX)
    assert response.status_code == 409
    assert "can no longer be changed" in text_of(response)
    assert RootCause.objects.filter(cap=cap).count() == 1


# --- Actions --------------------------------------------------------------------------


def test_the_supplier_adds_an_action(cap: CorrectiveActionPlan, supplier: Membership) -> None:
    response = client_for(supplier).post(reverse("cap_action_add", args=[cap.pk]), action_post())

    assert response.status_code == 302
    action = CapAction.objects.get(cap=cap)
    assert (action.kind, action.owner, str(action.due_date)) == (
        "preventive",
        "Production planning manager",
        "2030-06-30",
    )


def test_a_consultant_on_the_cap_adds_an_action(brand: Brand, cap: CorrectiveActionPlan) -> None:
    consultant = partner_on(cap, brand.csr)

    response = client_for(consultant).post(
        reverse("cap_action_add", args=[cap.pk]), action_post(), headers=HTMX
    )

    assert response.status_code == 200
    assert CapAction.objects.filter(cap=cap, created_by=consultant.user).exists()
    assert "Check every order against line capacity" in text_of(response)


@pytest.mark.parametrize(
    "post",
    [
        action_post(**{"action-kind": ""}),
        action_post(**{"action-description": ""}),
        action_post(**{"action-owner": ""}),
        action_post(**{"action-due_date": "next week"}),
        action_post(**{"action-kind": "magic"}),
    ],
)
def test_bad_actions_are_refused_and_nothing_is_stored(
    cap: CorrectiveActionPlan, supplier: Membership, post: dict[str, str]
) -> None:
    response = client_for(supplier).post(reverse("cap_action_add", args=[cap.pk]), post)

    assert response.status_code == 400
    assert response.context["action_form"].errors
    assert not CapAction.objects.exists()


def test_the_action_status_changes_inline(cap: CorrectiveActionPlan, supplier: Membership) -> None:
    _cause, action = plan(cap, supplier)
    client = client_for(supplier)

    response = client.post(
        reverse("cap_action_edit", args=[action.pk]), {"status": "done"}, headers=HTMX
    )

    assert response.status_code == 200
    action.refresh_from_db()
    assert action.status == "done"
    assert action.completed_on == timezone.localdate()
    assert "Action status changed" in text_of(response)

    bad = client.post(reverse("cap_action_edit", args=[action.pk]), {"status": "x"}, headers=HTMX)
    assert bad.status_code == 400
    action.refresh_from_db()
    assert action.status == "done"


def test_the_supplier_removes_an_action(cap: CorrectiveActionPlan, supplier: Membership) -> None:
    _cause, action = plan(cap, supplier)

    response = client_for(supplier).post(reverse("cap_action_delete", args=[action.pk]))

    assert response.status_code == 302
    assert not CapAction.objects.filter(pk=action.pk).exists()


# --- Evidence -------------------------------------------------------------------------


def test_the_supplier_uploads_several_files_at_once(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    _cause, action = plan(cap, supplier)

    response = client_for(supplier).post(
        reverse("evidence_upload", args=[cap.pk]),
        {
            "evidence-file": [
                upload("fire-certificate.pdf", PDF),
                upload("exit-photo.png", PNG, "image/png"),
                upload("hours.csv", CSV, "text/csv"),
            ],
            "evidence-description": "Certificate, photo and hours after the fix",
            "evidence-valid_from": "2025-04-01",
            "evidence-valid_until": "2026-03-31",
            "evidence-action": str(action.pk),
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    rows = Evidence.objects.filter(cap=cap).order_by("file_name")
    assert [(e.file_name, e.content_type) for e in rows] == [
        ("exit-photo.png", "image/png"),
        ("fire-certificate.pdf", "application/pdf"),
        ("hours.csv", "text/csv"),
    ]
    assert {e.action_id for e in rows} == {action.pk}
    assert all(str(e.valid_until) == "2026-03-31" for e in rows)
    assert len(stored_files()) == 3
    assert "fire-certificate.pdf" in text_of(response)


def test_the_upload_field_takes_several_files(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    html = text_of(client_for(supplier).get(reverse("cap_detail", args=[cap.pk])))

    field = re.search(r'<input[^>]*name="evidence-file"[^>]*>', html)
    assert field is not None
    assert " multiple" in field.group(0)
    assert 'accept=".pdf,' in field.group(0)
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"%PDF-" + b"0" * MAX_EVIDENCE_BYTES, "larger than 20 MB"),
        ("invoice.pdf", EXECUTABLE, "is not a PDF, JPEG, PNG, WebP, XLSX, DOCX or CSV file"),
        ("photo.png", HTML, "is not a PDF, JPEG, PNG, WebP, XLSX, DOCX or CSV file"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_stored(
    cap: CorrectiveActionPlan, supplier: Membership, name: str, content: bytes, message: str
) -> None:
    response = client_for(supplier).post(
        reverse("evidence_upload", args=[cap.pk]),
        # A good file next to the bad one is not stored either.
        {"evidence-file": [upload("good.pdf", PDF), upload(name, content)]},
        headers=HTMX,
    )

    assert response.status_code == 400
    html = text_of(response)
    assert message in html
    assert name in html
    assert not Evidence.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    "post",
    [
        {},
        {
            "evidence-file": [upload("a.pdf", PDF)],
            "evidence-valid_from": "2025-05-01",
            "evidence-valid_until": "2025-01-01",
        },
        {"evidence-file": [upload("a.pdf", PDF)], "evidence-action": "not-an-action"},
        {"evidence-file": [upload(f"{n}.pdf", PDF) for n in range(11)]},
    ],
)
def test_bad_upload_forms_are_refused_and_nothing_is_stored(
    cap: CorrectiveActionPlan, supplier: Membership, post: dict[str, Any]
) -> None:
    response = client_for(supplier).post(reverse("evidence_upload", args=[cap.pk]), post)

    assert response.status_code == 400
    assert response.context["evidence_form"].errors
    assert not Evidence.objects.exists()
    assert stored_files() == []


def test_evidence_shows_its_validity_and_an_expired_badge(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    today = timezone.localdate()
    evidence_add(
        cap=cap,
        by=supplier,
        file=pdf("old-certificate.pdf"),
        valid_from=today - timedelta(days=400),
        valid_until=today - timedelta(days=35),
    )

    html = text_of(client_for(supplier).get(reverse("cap_detail", args=[cap.pk])))

    assert "old-certificate.pdf" in html
    assert "badge-expired" in html
    assert f"Valid {today - timedelta(days=400):%Y-%m-%d}" in html


def test_evidence_downloads_as_the_original_file_to_those_who_see_the_cap(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    evidence = evidence_add(cap=cap, by=supplier, file=pdf("fire certificate.pdf"))
    consultant = partner_on(cap, brand.csr)

    for reader in (brand.viewer, supplier, consultant):
        response = client_for(reader).get(reverse("evidence_download", args=[evidence.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "fire certificate.pdf" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]


def test_evidence_is_404_for_another_brand_and_an_unassigned_partner(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    evidence = evidence_add(cap=cap, by=supplier, file=pdf())
    elsewhere = open_cap(Brand("Elsewhere").admin)
    partner_on(elsewhere, Membership.objects.get(organization_id=elsewhere.brand_id, role="admin"))
    unassigned = member("partner", "member")

    for outsider in (Brand("Other").csr, unassigned):
        response = client_for(outsider).get(reverse("evidence_download", args=[evidence.pk]))
        assert response.status_code == 404


def test_the_supplier_removes_evidence(cap: CorrectiveActionPlan, supplier: Membership) -> None:
    evidence = evidence_add(cap=cap, by=supplier, file=pdf())

    response = client_for(supplier).post(reverse("evidence_delete", args=[evidence.pk]))

    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


# --- Comments -------------------------------------------------------------------------


def test_the_supplier_comments(cap: CorrectiveActionPlan, supplier: Membership) -> None:
    response = client_for(supplier).post(
        reverse("cap_comment_add", args=[cap.pk]),
        # A supplier cannot make a comment internal, whatever it posts.
        {"comment-body": "The new doors arrive on Monday.", "comment-internal": "on"},
    )

    assert response.status_code == 302
    comment = Comment.objects.get(cap=cap)
    assert (comment.body, comment.internal) == ("The new doors arrive on Monday.", False)


def test_an_empty_comment_is_refused(cap: CorrectiveActionPlan, supplier: Membership) -> None:
    response = client_for(supplier).post(
        reverse("cap_comment_add", args=[cap.pk]), {"comment-body": ""}, headers=HTMX
    )

    assert response.status_code == 400
    assert "This field is required." in text_of(response)
    assert not Comment.objects.exists()


def test_a_brand_viewer_does_not_comment(brand: Brand, cap: CorrectiveActionPlan) -> None:
    response = client_for(brand.viewer).post(
        reverse("cap_comment_add", args=[cap.pk]), {"comment-body": "Hello"}
    )

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_cso_on_the_cap_comments_but_does_not_edit(
    brand: Brand, cap: CorrectiveActionPlan
) -> None:
    cso = partner_on(cap, brand.csr, partner_type="cso")
    client = client_for(cso)

    page = client.get(reverse("cap_detail", args=[cap.pk]))
    assert page.status_code == 200
    assert "comment_form" in page.context
    assert "root_cause_form" not in page.context
    assert "action_form" not in page.context

    commented = client.post(
        reverse("cap_comment_add", args=[cap.pk]),
        {"comment-body": "Workers told us the exits are open now."},
        headers=HTMX,
    )
    assert commented.status_code == 200
    assert Comment.objects.filter(cap=cap, organization_id=cso.organization_id).exists()

    for url, post in (
        (reverse("root_cause_add", args=[cap.pk]), five_whys()),
        (reverse("cap_action_add", args=[cap.pk]), action_post()),
        (reverse("evidence_upload", args=[cap.pk]), {"evidence-file": [upload("a.pdf", PDF)]}),
        (
            reverse("extension_request", args=[cap.pk]),
            {"extension-due_date": "2031-01-01", "extension-reason": "x"},
        ),
    ):
        assert client.post(url, post).status_code == 403
    assert client.post(reverse("cap_transition", args=[cap.pk, "start"])).status_code == 403
    assert not RootCause.objects.exists()
    assert not CapAction.objects.exists()
    assert not Evidence.objects.exists()
    assert not ExtensionRequest.objects.exists()


# --- More time ------------------------------------------------------------------------


def test_the_supplier_asks_for_more_time_and_the_brand_gives_it(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    asked = (cap.due_date or timezone.localdate()) + timedelta(days=60)
    if asked <= timezone.localdate():
        asked = timezone.localdate() + timedelta(days=60)

    response = client_for(supplier).post(
        reverse("extension_request", args=[cap.pk]),
        {"extension-due_date": asked.isoformat(), "extension-reason": "Doors arrive late."},
        headers=HTMX,
    )
    assert response.status_code == 200
    extension = ExtensionRequest.objects.get(cap=cap)
    supplier_page = client_for(supplier).get(reverse("cap_detail", args=[cap.pk]))
    assert "extension_form" not in supplier_page.context  # one request at a time

    brand_page = client_for(brand.csr).get(reverse("cap_detail", args=[cap.pk]))
    assert "Doors arrive late." in text_of(brand_page)
    decided = client_for(brand.csr).post(
        reverse("extension_decide", args=[extension.pk, "approve"]), {"decision-note": ""}
    )

    assert decided.status_code == 302
    cap.refresh_from_db()
    assert cap.due_date == asked
    extension.refresh_from_db()
    assert extension.status == "approved"


@pytest.mark.parametrize(
    "post",
    [
        {"extension-due_date": "2020-01-01", "extension-reason": "Late doors"},
        {"extension-due_date": "2031-01-01", "extension-reason": ""},
        {"extension-due_date": "", "extension-reason": "Late doors"},
    ],
)
def test_bad_requests_for_more_time_are_refused(
    cap: CorrectiveActionPlan, supplier: Membership, post: dict[str, str]
) -> None:
    response = client_for(supplier).post(reverse("extension_request", args=[cap.pk]), post)

    assert response.status_code == 400
    assert response.context["extension_form"].errors
    assert not ExtensionRequest.objects.exists()


def test_declining_needs_a_note_and_only_the_brand_decides(
    brand: Brand, cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    extension = extension_request(
        cap=cap,
        by=supplier,
        due_date=timezone.localdate() + timedelta(days=400),
        reason="Doors arrive late.",
    )
    url = reverse("extension_decide", args=[extension.pk, "decline"])

    assert client_for(supplier).post(url, {"decision-note": "no"}).status_code == 403
    empty = client_for(brand.csr).post(url, {"decision-note": ""}, headers=HTMX)
    assert empty.status_code == 400
    assert "Say why more time is not given." in text_of(empty)
    extension.refresh_from_db()
    assert extension.status == "pending"

    declined = client_for(brand.csr).post(url, {"decision-note": "Use a temporary fix."})
    assert declined.status_code == 302
    extension.refresh_from_db()
    assert (extension.status, extension.decision_note) == ("declined", "Use a temporary fix.")
    assert (
        client_for(brand.csr)
        .post(reverse("extension_decide", args=[extension.pk, "maybe"]))
        .status_code
        == 404
    )


# --- Participants ---------------------------------------------------------------------


def test_the_brand_invites_a_consultant_who_then_sees_the_cap(
    brand: Brand, cap: CorrectiveActionPlan
) -> None:
    consultant = member("partner", "member")
    assert client_for(consultant).get(reverse("cap_detail", args=[cap.pk])).status_code == 404

    response = client_for(brand.csr).post(
        reverse("participant_add", args=[cap.pk]),
        {
            "participant-organization": consultant.organization.slug,
            "participant-note": "Helps with the hours plan",
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    participant = CapParticipant.objects.get(cap=cap)
    assert (participant.role, participant.note) == ("consultant", "Helps with the hours plan")
    assert consultant.organization.name in text_of(response)
    assert client_for(consultant).get(reverse("cap_detail", args=[cap.pk])).status_code == 200


@pytest.mark.parametrize("slug", ["", "no-such-organization", "not a slug!"])
def test_bad_participants_are_refused_and_nothing_is_stored(
    brand: Brand, cap: CorrectiveActionPlan, slug: str
) -> None:
    response = client_for(brand.csr).post(
        reverse("participant_add", args=[cap.pk]), {"participant-organization": slug}
    )

    assert response.status_code == 400
    assert response.context["participant_form"].errors["organization"]
    assert not CapParticipant.objects.exists()


def test_the_supplier_does_not_invite(cap: CorrectiveActionPlan, supplier: Membership) -> None:
    consultant = member("partner", "member")

    response = client_for(supplier).post(
        reverse("participant_add", args=[cap.pk]),
        {"participant-organization": consultant.organization.slug},
    )

    assert response.status_code == 403
    assert not CapParticipant.objects.exists()


def test_a_removed_consultant_no_longer_sees_the_cap(
    brand: Brand, cap: CorrectiveActionPlan
) -> None:
    consultant = partner_on(cap, brand.csr)
    participant = CapParticipant.objects.get(cap=cap)

    response = client_for(brand.csr).post(reverse("participant_remove", args=[participant.pk]))

    assert response.status_code == 302
    assert client_for(consultant).get(reverse("cap_detail", args=[cap.pk])).status_code == 404
    again = client_for(brand.csr).post(reverse("participant_remove", args=[participant.pk]))
    assert again.status_code == 409


# --- Where a plain post returns -------------------------------------------------------


def test_a_plain_post_returns_to_a_safe_next_and_ignores_another_site(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    client = client_for(supplier)
    portal = reverse("my_caps")

    inside = client.post(
        reverse("cap_comment_add", args=[cap.pk]), {"comment-body": "One", "next": portal}
    )
    outside = client.post(
        reverse("cap_comment_add", args=[cap.pk]),
        {"comment-body": "Two", "next": "https://evil.example/"},
    )

    assert inside["Location"] == f"{portal}#cap-comments"
    assert outside["Location"] == reverse("cap_detail", args=[cap.pk]) + "#cap-comments"


def test_work_on_a_cap_the_caller_does_not_see_is_404(
    cap: CorrectiveActionPlan, supplier: Membership
) -> None:
    _cause, action = plan(cap, supplier)
    stranger = member("supplier", "admin")
    client = client_for(stranger)

    assert client.post(reverse("root_cause_add", args=[cap.pk]), five_whys()).status_code == 404
    assert (
        client.post(reverse("cap_action_edit", args=[action.pk]), {"status": "done"}).status_code
        == 404
    )
    assert client.post(reverse("cap_action_delete", args=[action.pk])).status_code == 404
