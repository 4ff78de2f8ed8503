"""The supplier portal: a supplier's members answer the brands' screenings, on a phone
as on a computer, and attach evidence to the answers that take it."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csr_platform.models import Membership
from suppliers.models import Facility, Question, Screening, ScreeningEvidence, SourcingRelationship
from suppliers.services.facilities import facility_add
from suppliers.services.screenings import questionnaire_from_template, screening_send
from suppliers.services.screenings_evidence import MAX_EVIDENCE_BYTES
from tests.factories import member

pytestmark = pytest.mark.django_db

SHORT_QUESTIONNAIRE: dict[str, Any] = {
    "name": "Short screening",
    "sections": [
        {
            "title": "Workers",
            "questions": [
                {
                    "text": "Do you keep proof of age for every worker?",
                    "kind": "yes_no",
                    "category": "CHILD",
                    "weight": 5,
                    "expected": "yes",
                    "red_flags": ["no"],
                    "evidence_allowed": True,
                },
                {
                    "text": "How old is your youngest worker?",
                    "help_text": "In years, from your personnel files.",
                    "kind": "number",
                    "category": "CHILD",
                    "weight": 5,
                },
            ],
        },
        {
            "title": "Operations",
            "questions": [
                {
                    "text": "Do you subcontract any production?",
                    "kind": "choice",
                    "choices": ["No", "Yes, declared to the brand", "Yes, not declared"],
                    "category": "SUBCON",
                    "weight": 3,
                },
                {
                    "text": "Date of the last fire drill",
                    "kind": "date",
                    "category": "OSH",
                    "weight": 1,
                    "required": False,
                },
                {
                    "text": "Which certifications do you hold?",
                    "kind": "text",
                    "category": "MGMT",
                    "weight": 1,
                    "required": False,
                },
            ],
        },
    ],
}

PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _send(
    brand_csr: Membership, facility_name: str = "Lotus Knit", **facility: Any
) -> tuple[SourcingRelationship, Screening]:
    relationship = facility_add(
        by=brand_csr,
        name=facility_name,
        country="BD",
        supplier_name=f"{facility_name} Ltd",
        **facility,
    )
    questionnaire = questionnaire_from_template(
        brand=brand_csr.organization, template=SHORT_QUESTIONNAIRE
    )
    screening = screening_send(relationship=relationship, by=brand_csr, questionnaire=questionnaire)
    return relationship, screening


def _questions(screening: Screening) -> dict[str, str]:
    """Question ids by a word of their text, so posts read as the form does."""
    words = ("proof", "youngest", "subcontract", "drill", "certifications")
    rows = Question.objects.filter(section__questionnaire_id=screening.questionnaire_id)
    return {word: str(q.pk) for q in rows for word in words if word in q.text}


def _client(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def _text(response: Any) -> str:
    return unescape(response.content.decode())


def _question_block(response: Any, question_id: str) -> str:
    """The HTML of one question on the form, errors included."""
    html = _text(response)
    start = html.index(f'id="question-{question_id}"')
    end = html.find('<div class="question', start + 1)
    return html[start : end if end != -1 else len(html)]


@pytest.fixture
def brand_csr() -> Membership:
    return member("brand", "csr")


@pytest.fixture
def sent(brand_csr: Membership) -> tuple[SourcingRelationship, Screening]:
    return _send(brand_csr)


@pytest.fixture
def supplier(sent: tuple[SourcingRelationship, Screening]) -> Membership:
    return member("supplier", "member", organization=sent[0].facility.supplier)


def _url(screening: Screening) -> str:
    return reverse("portal_screening", args=[screening.pk])


def test_a_supplier_member_sees_its_own_screenings_only(
    brand_csr: Membership, sent: tuple[SourcingRelationship, Screening], supplier: Membership
) -> None:
    _other_relationship, other_screening = _send(member("brand", "csr"), "Far Away Mills")

    response = _client(supplier).get(reverse("portal_home"))

    assert response.status_code == 200
    page = _text(response)
    assert brand_csr.organization.name in page
    assert "Lotus Knit" in page
    assert _url(sent[1]) in page
    assert "0 of 5 answered" in page
    assert "Far Away Mills" not in page
    assert _url(other_screening) not in page


def test_the_portal_says_so_when_there_is_nothing_to_answer() -> None:
    lonely = member("supplier", "admin")

    response = _client(lonely).get(reverse("portal_home"))

    assert response.status_code == 200
    assert "Nothing to answer right now" in _text(response)


def test_saving_a_draft_keeps_the_answers_for_later(
    sent: tuple[SourcingRelationship, Screening], supplier: Membership
) -> None:
    screening = sent[1]
    ids = _questions(screening)
    client = _client(supplier)

    response = client.post(
        _url(screening),
        {
            f"q-{ids['proof']}": "yes",
            f"q-{ids['youngest']}": "19",
            f"q-{ids['certifications']}": "WRAP gold",
            "action": "save",
        },
    )

    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.status == "draft"
    assert screening.answers[ids["proof"]] == "yes"
    assert screening.answers[ids["youngest"]] == 19
    page = _text(client.get(_url(screening)))
    assert "Your answers were saved" in page
    assert "3 of 5 questions answered" in page
    assert re.search(rf'name="q-{ids["proof"]}" value="yes" checked', page)
    assert re.search(rf'name="q-{ids["youngest"]}" value="19"', page)
    assert "WRAP gold</textarea>" in page


def test_submitting_with_a_required_answer_missing_shows_the_error_there_and_keeps_the_rest(
    sent: tuple[SourcingRelationship, Screening], supplier: Membership
) -> None:
    relationship, screening = sent
    ids = _questions(screening)

    response = _client(supplier).post(
        _url(screening),
        {
            f"q-{ids['proof']}": "no",
            f"q-{ids['youngest']}": "17",
            f"q-{ids['drill']}": "last spring",
            "action": "submit",
        },
    )

    assert response.status_code == 400
    assert "Your answers were not sent" in _text(response)
    subcontracting = _question_block(response, ids["subcontract"])
    assert "This question needs an answer before submitting." in subcontracting
    assert "Enter a date as YYYY-MM-DD." in _question_block(response, ids["drill"])
    # What was typed is still on the form, including the invalid date.
    assert re.search(rf'name="q-{ids["proof"]}" value="no" checked', _text(response))
    assert re.search(rf'name="q-{ids["youngest"]}" value="17"', _text(response))
    assert 'value="last spring"' in _question_block(response, ids["drill"])
    # ... and nothing was saved or sent.
    screening.refresh_from_db()
    relationship.refresh_from_db()
    assert screening.status == "draft"
    assert screening.answers == {}
    assert relationship.status == "screening"


def test_submitting_sends_the_answers_and_the_page_becomes_read_only(
    sent: tuple[SourcingRelationship, Screening], supplier: Membership
) -> None:
    relationship, screening = sent
    ids = _questions(screening)
    client = _client(supplier)
    client.post(_url(screening), {f"q-{ids['proof']}": "yes", "action": "save"})

    response = client.post(
        _url(screening),
        {
            f"q-{ids['proof']}": "yes",
            f"q-{ids['youngest']}": "18",
            f"q-{ids['subcontract']}": "Yes, declared to the brand",
            "action": "submit",
        },
        follow=True,
    )

    assert response.status_code == 200
    screening.refresh_from_db()
    relationship.refresh_from_db()
    assert screening.status == "submitted"
    assert screening.submitted_by == supplier.user
    assert relationship.status == "in_review"
    page = _text(response)
    assert f"Thank you: your answers were sent to {relationship.brand.name}." in page
    assert "Submitted: thank you." in page
    assert "Yes, declared to the brand" in page
    assert '<form method="post" enctype' not in page
    assert 'name="action"' not in page

    again = client.post(_url(screening), {f"q-{ids['proof']}": "no", "action": "save"})
    assert again.status_code == 409
    assert "This screening was submitted already." in _text(again)
    screening.refresh_from_db()
    assert screening.answers[ids["proof"]] == "yes"


def test_another_supplier_gets_not_found(sent: tuple[SourcingRelationship, Screening]) -> None:
    stranger = member("supplier", "admin")
    client = _client(stranger)

    assert client.get(_url(sent[1])).status_code == 404
    assert client.post(_url(sent[1]), {"action": "submit"}).status_code == 404


def test_a_brand_member_is_refused_the_portal(
    brand_csr: Membership, sent: tuple[SourcingRelationship, Screening]
) -> None:
    client = _client(brand_csr)

    home = client.get(reverse("portal_home"))
    form = client.get(_url(sent[1]))

    assert home.status_code == 403
    assert form.status_code == 403
    assert "Not allowed" in _text(form)


def test_evidence_is_attached_to_a_question_that_takes_it_and_downloaded_by_those_who_see_it(
    brand_csr: Membership, sent: tuple[SourcingRelationship, Screening], supplier: Membership
) -> None:
    screening = sent[1]
    ids = _questions(screening)
    client = _client(supplier)

    response = client.post(
        _url(screening),
        {
            f"q-{ids['proof']}": "yes",
            f"evidence-{ids['proof']}": SimpleUploadedFile(
                "age-register.pdf", PDF_BYTES, content_type="application/pdf"
            ),
            "upload": ids["proof"],
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{ids['proof']}")
    evidence = ScreeningEvidence.objects.get(screening=screening)
    assert evidence.original_name == "age-register.pdf"
    screening.refresh_from_db()
    assert screening.answers[ids["proof"]] == "yes"
    page = client.get(_url(screening))
    download = reverse("portal_evidence_download", args=[evidence.pk])
    assert download in _question_block(page, ids["proof"])

    file = client.get(download)
    assert file.status_code == 200
    assert file["Content-Type"] == "application/pdf"
    assert "attachment" in file["Content-Disposition"]
    assert b"".join(file.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    # The brand that sent the screening reads it too; nobody else learns it exists.
    assert _client(brand_csr).get(download).status_code == 200
    assert _client(member("supplier", "admin")).get(download).status_code == 404
    assert _client(member("brand", "admin")).get(download).status_code == 404


def _zip_named_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("payslips.pdf", b"MZ\x90\x00 an executable renamed", "Attach a PDF, PNG"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "Attach a PDF, PNG"),
        ("report.docx", _zip_named_docx(), "Attach a PDF, PNG"),
        ("empty.pdf", b"", "The file is empty."),
    ],
)
def test_evidence_of_the_wrong_kind_is_refused_with_a_clear_message_and_answers_kept(
    sent: tuple[SourcingRelationship, Screening],
    supplier: Membership,
    name: str,
    content: bytes,
    message: str,
) -> None:
    screening = sent[1]
    ids = _questions(screening)

    response = _client(supplier).post(
        _url(screening),
        {
            f"q-{ids['youngest']}": "21",
            f"evidence-{ids['proof']}": SimpleUploadedFile(name, content),
            "upload": ids["proof"],
        },
    )

    assert response.status_code == 400
    assert message in _question_block(response, ids["proof"])
    assert "some files were not attached" in _text(response)
    assert not ScreeningEvidence.objects.exists()
    # The answers typed with the refused file were saved all the same.
    screening.refresh_from_db()
    assert screening.answers[ids["youngest"]] == 21
    assert re.search(rf'name="q-{ids["youngest"]}" value="21"', _text(response))


def test_a_refused_file_holds_the_submission_back_but_keeps_the_answers(
    sent: tuple[SourcingRelationship, Screening], supplier: Membership
) -> None:
    relationship, screening = sent
    ids = _questions(screening)

    response = _client(supplier).post(
        _url(screening),
        {
            f"q-{ids['proof']}": "yes",
            f"q-{ids['youngest']}": "18",
            f"q-{ids['subcontract']}": "No",
            f"evidence-{ids['proof']}": SimpleUploadedFile("register.pdf", b"not a pdf"),
            "action": "submit",
        },
    )

    assert response.status_code == 400
    assert "saved but not sent" in _text(response)
    assert "register.pdf: Attach a PDF, PNG" in _question_block(response, ids["proof"])
    screening.refresh_from_db()
    relationship.refresh_from_db()
    assert screening.status == "draft"
    assert screening.answers[ids["subcontract"]] == "No"
    assert relationship.status == "screening"


def test_an_oversized_file_is_refused(
    sent: tuple[SourcingRelationship, Screening], supplier: Membership
) -> None:
    screening = sent[1]
    ids = _questions(screening)
    too_big = PDF_BYTES + b"0" * (MAX_EVIDENCE_BYTES + 1 - len(PDF_BYTES))

    response = _client(supplier).post(
        _url(screening),
        {f"evidence-{ids['proof']}": SimpleUploadedFile("scan.pdf", too_big)},
    )

    assert response.status_code == 400
    assert "Files can be at most 10 MB." in _question_block(response, ids["proof"])
    assert not ScreeningEvidence.objects.exists()


def test_a_question_without_evidence_takes_no_file(
    sent: tuple[SourcingRelationship, Screening], supplier: Membership
) -> None:
    screening = sent[1]
    ids = _questions(screening)

    page = _text(_client(supplier).get(_url(screening)))
    response = _client(supplier).post(
        _url(screening),
        {f"evidence-{ids['youngest']}": SimpleUploadedFile("age.pdf", PDF_BYTES)},
    )

    assert f'name="evidence-{ids["youngest"]}"' not in page
    assert response.status_code == 400
    assert "This question takes no attachments." in _question_block(response, ids["youngest"])
    assert not ScreeningEvidence.objects.exists()


def _home_queries(supplier: Membership) -> tuple[int, str]:
    client = _client(supplier)
    client.get(reverse("portal_home"))  # warm the session and the membership
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal_home"))
    assert response.status_code == 200
    return len(queries), _text(response)


def test_the_portal_home_reads_a_constant_number_of_queries() -> None:
    brands = [member("brand", "csr") for _ in range(3)]
    first = facility_add(by=brands[0], name="Mill 0", country="BD", supplier_name="Group Ltd")
    supplier = member("supplier", "member", organization=first.facility.supplier)

    def add_screenings(start: int, stop: int) -> None:
        for n in range(start, stop):
            brand = brands[n % 3]
            facility = Facility.objects.create(
                supplier=first.facility.supplier, name=f"Mill {n}", country="BD"
            )
            relationship = SourcingRelationship.objects.create(
                brand=brand.organization, facility=facility
            )
            screening = screening_send(relationship=relationship, by=brand)
            if n % 2:
                # Answering every question of the default questionnaire is another
                # test's story; here only the list of sent ones matters.
                Screening.objects.filter(pk=screening.pk).update(status="submitted")

    add_screenings(0, 3)
    few, _page = _home_queries(supplier)
    add_screenings(3, 30)
    many, page = _home_queries(supplier)

    assert Screening.objects.visible_to(supplier).count() == 30
    # Session, user, memberships, the unread-notifications count; the screenings to
    # answer; the submitted ones, counted and paged — however many brands and
    # facilities there are.
    assert few == many == 7
    assert page.count('class="screening-card"') == 15
    assert page.count('class="screening-card screening-card-done"') == 15
    assert "Mill 29" in page
