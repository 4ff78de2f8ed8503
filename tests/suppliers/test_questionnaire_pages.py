"""The questionnaire builder pages: a brand starts from the default template, edits the
draft question by question, publishes it, and revises it as a new version."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from csr_platform.models import Membership
from suppliers.models import Question, Questionnaire
from suppliers.questionnaire_template import DEFAULT_QUESTIONNAIRE
from suppliers.services.questionnaires import questionnaire_create, questionnaire_publish
from tests.factories import member

pytestmark = pytest.mark.django_db

TEMPLATE_QUESTIONS = sum(len(s["questions"]) for s in DEFAULT_QUESTIONNAIRE["sections"])


def _client(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def _text(response: Any) -> str:
    return unescape(response.content.decode())


def _questions(questionnaire: Questionnaire) -> list[Question]:
    return list(
        Question.objects.filter(section__questionnaire=questionnaire).order_by(
            "section__order", "order"
        )
    )


def _detail(questionnaire: Questionnaire) -> str:
    return reverse("questionnaire_detail", args=[questionnaire.pk])


def _edit(questionnaire: Questionnaire, question: Question) -> str:
    return reverse("questionnaire_question_edit", args=[questionnaire.pk, question.pk])


def _change(questionnaire: Questionnaire, question: Question) -> str:
    return reverse("questionnaire_question_change", args=[questionnaire.pk, question.pk])


def _question_post(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "text": "How many fire extinguishers are on the production floor?",
        "help_text": "Count them on the day you answer.",
        "kind": "number",
        "category": "OSH",
        "weight": "3",
        "required": "on",
        "expected_min": "4",
        "red_flag_below": "1",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


@pytest.fixture
def csr() -> Membership:
    return member("brand", "csr")


@pytest.fixture
def draft(csr: Membership) -> Questionnaire:
    return questionnaire_create(by=csr, document={"from_template": True, "name": "Vetting"})


def test_a_csr_creates_a_draft_from_the_default_template(csr: Membership) -> None:
    client = _client(csr)
    listing = client.get(reverse("questionnaire_list"))
    assert "Create from the default template" in _text(listing)

    response = client.post(reverse("questionnaire_create"), {"name": "Apparel vetting"})

    questionnaire = Questionnaire.objects.get(brand=csr.organization)
    assert response.status_code == 302
    assert response["Location"] == _detail(questionnaire)
    assert (questionnaire.name, questionnaire.version, questionnaire.status) == (
        "Apparel vetting",
        1,
        "draft",
    )
    assert len(_questions(questionnaire)) == TEMPLATE_QUESTIONS
    page = _text(client.get(response["Location"]))
    assert "“Apparel vetting” was created as a draft." in page
    assert "Publish" in page
    row = _text(client.get(reverse("questionnaire_list")))
    assert "Apparel vetting" in row
    assert f"<td>{TEMPLATE_QUESTIONS}</td>" in row


def test_a_name_already_used_is_refused_next_to_the_name(
    csr: Membership, draft: Questionnaire
) -> None:
    response = _client(csr).post(reverse("questionnaire_create"), {"name": "Vetting"})

    assert response.status_code == 400
    page = _text(response)
    assert 'aria-invalid="true"' in page
    assert "You already have a questionnaire with this name" in page
    assert Questionnaire.objects.count() == 1
    # The list proposes a free name for the next one.
    assert 'value="Supplier screening"' in _text(_client(csr).get(reverse("questionnaire_list")))


def test_editing_a_question_of_a_draft_without_json(csr: Membership, draft: Questionnaire) -> None:
    client = _client(csr)
    first = _questions(draft)[0]
    form = client.get(_edit(draft, first))
    assert form.status_code == 200
    assert first.text in _text(form)

    response = client.post(_edit(draft, first), _question_post(red_flag_above="40"))

    assert response.status_code == 302
    edited = _questions(draft)[0]
    assert response["Location"] == f"{_detail(draft)}#question-{edited.pk}"
    assert edited.text == "How many fire extinguishers are on the production floor?"
    assert edited.help_text == "Count them on the day you answer."
    assert (edited.kind, edited.category, edited.weight) == ("number", "OSH", 3)
    assert edited.expected == {"min": 4}
    assert edited.red_flags == [{"below": 1}, {"above": 40}]
    assert edited.required is True
    assert edited.evidence_allowed is False
    assert len(_questions(draft)) == TEMPLATE_QUESTIONS


def test_a_choice_question_with_an_expected_answer_outside_its_choices_is_refused(
    csr: Membership, draft: Questionnaire
) -> None:
    first = _questions(draft)[0]

    response = _client(csr).post(
        _edit(draft, first),
        _question_post(
            kind="choice",
            expected_min=None,
            red_flag_below=None,
            choices="Never\nSometimes\nOften",
            expected_choice="Always",
            red_flag_choices="Often",
        ),
    )

    assert response.status_code == 400
    page = _text(response)
    assert "The expected answer is one of the possible answers." in page
    assert 'id="id_expected_choice_error"' in page
    # What was typed is still there.
    assert "Never\nSometimes\nOften</textarea>" in page
    assert _questions(draft)[0].text == first.text


def test_adding_moving_and_removing_questions_and_sections(
    csr: Membership, draft: Questionnaire
) -> None:
    client = _client(csr)
    sections = len(DEFAULT_QUESTIONNAIRE["sections"])

    added = client.post(
        reverse("questionnaire_question_add", args=[draft.pk, 0]),
        _question_post(
            text="Is there a crèche for workers' children?",
            kind="yes_no",
            expected_min=None,
            red_flag_below=None,
            expected_yes_no="yes",
        ),
    )
    assert added.status_code == 302
    section_questions = [q for q in _questions(draft) if q.section.order == 0]
    assert section_questions[-1].text == "Is there a crèche for workers' children?"
    assert section_questions[-1].expected == "yes"

    new_section = client.post(
        reverse("questionnaire_section_add", args=[draft.pk]),
        {
            "title": "Housing",
            **_question_post(
                text="Do workers live on site?",
                kind="yes_no",
                expected_min=None,
                red_flag_below=None,
            ),
        },
    )
    assert new_section.status_code == 302
    draft.refresh_from_db()
    titles = list(draft.sections.order_by("order").values_list("title", flat=True))
    assert len(titles) == sections + 1
    assert titles[-1] == "Housing"

    moved = client.post(
        reverse("questionnaire_section_change", args=[draft.pk, sections]), {"op": "up"}
    )
    assert moved.status_code == 302
    titles = list(draft.sections.order_by("order").values_list("title", flat=True))
    assert titles[-2] == "Housing"

    renamed = client.post(
        reverse("questionnaire_section_change", args=[draft.pk, sections - 1]),
        {"op": "rename", "title": "Housing and dormitories"},
    )
    assert renamed.status_code == 302
    assert draft.sections.get(order=sections - 1).title == "Housing and dormitories"

    first, second = _questions(draft)[:2]
    assert client.post(_change(draft, second), {"op": "up"}).status_code == 302
    assert [q.text for q in _questions(draft)[:2]] == [second.text, first.text]

    before = len(_questions(draft))
    removed = client.post(_change(draft, _questions(draft)[0]), {"op": "remove"})
    assert removed.status_code == 302
    assert len(_questions(draft)) == before - 1
    assert second.text not in [q.text for q in _questions(draft)]

    # A section is never left empty: the only question of "Housing" stays.
    only = draft.sections.get(title="Housing and dormitories").questions.get()
    refused = client.post(_change(draft, only), {"op": "remove"})
    assert refused.status_code == 400
    assert "remove the section instead" in _text(refused)

    gone = client.post(
        reverse("questionnaire_section_change", args=[draft.pk, sections - 1]), {"op": "remove"}
    )
    assert gone.status_code == 302
    assert not draft.sections.filter(title="Housing and dormitories").exists()

    renamed_questionnaire = client.post(
        reverse("questionnaire_rename", args=[draft.pk]), {"name": "Vetting 2026"}
    )
    assert renamed_questionnaire.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Vetting 2026"


def test_publishing_freezes_the_version_and_a_new_version_is_a_draft_copy(
    csr: Membership, draft: Questionnaire
) -> None:
    client = _client(csr)

    published = client.post(reverse("questionnaire_publish", args=[draft.pk]), follow=True)

    draft.refresh_from_db()
    assert draft.status == "published"
    assert "Version 1 is published" in _text(published)
    assert "New version" in _text(published)

    first = _questions(draft)[0]
    frozen_post = client.post(_edit(draft, first), _question_post())
    assert frozen_post.status_code == 409
    assert "cannot change: make a new version" in _text(frozen_post)
    assert client.get(_edit(draft, first)).status_code == 409
    assert client.post(_change(draft, first), {"op": "remove"}).status_code == 409
    assert client.post(reverse("questionnaire_publish", args=[draft.pk])).status_code == 409
    assert _questions(draft)[0].text == first.text

    response = client.post(reverse("questionnaire_new_version", args=[draft.pk]))

    version_2 = Questionnaire.objects.get(name="Vetting", version=2)
    assert response.status_code == 302
    assert response["Location"] == _detail(version_2)
    assert version_2.status == "draft"
    assert version_2.previous == draft
    assert [q.text for q in _questions(version_2)] == [q.text for q in _questions(draft)]
    # The published version points at its draft successor rather than offering another.
    page = _text(client.get(_detail(draft)))
    assert "Version 2 is being drafted" in page
    assert client.post(reverse("questionnaire_new_version", args=[draft.pk])).status_code == 409


def test_viewers_and_sourcing_read_but_do_not_write(csr: Membership, draft: Questionnaire) -> None:
    for role in ("viewer", "sourcing"):
        reader = member("brand", role, organization=csr.organization)
        client = _client(reader)
        first = _questions(draft)[0]

        listing = client.get(reverse("questionnaire_list"))
        detail = client.get(_detail(draft))

        assert listing.status_code == 200
        assert "Vetting" in _text(listing)
        assert "Create from the default template" not in _text(listing)
        assert detail.status_code == 200
        assert first.text in _text(detail)
        assert "Publish" not in _text(detail)
        assert _edit(draft, first) not in _text(detail)
        writes = [
            client.post(reverse("questionnaire_create"), {"name": "Mine"}),
            client.get(_edit(draft, first)),
            client.post(_edit(draft, first), _question_post()),
            client.post(_change(draft, first), {"op": "remove"}),
            client.post(reverse("questionnaire_publish", args=[draft.pk])),
            client.post(reverse("questionnaire_new_version", args=[draft.pk])),
        ]
        assert [w.status_code for w in writes] == [403] * len(writes)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert Questionnaire.objects.count() == 1


def test_another_brand_sees_nothing_and_a_supplier_is_refused(draft: Questionnaire) -> None:
    stranger = _client(member("brand", "admin"))
    first = _questions(draft)[0]

    assert "Vetting" not in _text(stranger.get(reverse("questionnaire_list")))
    assert stranger.get(_detail(draft)).status_code == 404
    assert stranger.get(_edit(draft, first)).status_code == 404
    assert stranger.post(_edit(draft, first), _question_post()).status_code == 404
    assert stranger.post(reverse("questionnaire_publish", args=[draft.pk])).status_code == 404
    supplier = _client(member("supplier", "admin"))
    assert supplier.get(reverse("questionnaire_list")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_published_questionnaire_reads_its_settings_back(csr: Membership) -> None:
    questionnaire = questionnaire_create(by=csr, document={"from_template": True})
    questionnaire_publish(questionnaire=questionnaire, by=csr)

    page = _text(_client(csr).get(_detail(questionnaire)))

    assert "Published: this is the version your team sends." in page
    assert "How old is your youngest worker?" in page
    assert "at least 18" in page
    assert "below 15" in page
    assert "Yes, not declared" in page
    assert "can be attached" in page
