"""“My CAPs”: a supplier sees every brand's CAPs on its facilities in one list, most
urgent first, as cards that work on a phone, each saying what is missing to submit
and taking evidence files; a consultant sees the CAPs it was invited onto."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from typing import Any, cast

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from audits.models import Audit, Finding
from csr_platform.models import Membership, Organization, User
from remediation.models import CorrectiveActionPlan, Evidence
from remediation.selectors import submit_blockers_of, with_work_counts
from remediation.services.participants import participant_add
from remediation.services.transitions import cap_cancel, submit_blockers
from remediation.services.work import action_add, root_cause_add
from suppliers.models import Facility
from tests.audits.helpers import also_sourced_by, facility_of, supplier_admin_of
from tests.conftest import get_display_refused
from tests.factories import OrganizationFactory, member
from tests.remediation.helpers import open_cap, pdf, plan, submitted

pytestmark = pytest.mark.django_db

CARD_ID = re.compile(r'<article class="action-card cap-card[^"]*" id="cap-([0-9a-f-]{36})"')


def client_for(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def card_ids(response: Any) -> list[str]:
    return CARD_ID.findall(response.content.decode())


def due(cap: CorrectiveActionPlan, day: date | None) -> CorrectiveActionPlan:
    # Arrange: due dates the severity policy would not give (some already past).
    CorrectiveActionPlan.objects.filter(pk=cap.pk).update(due_date=day)
    cap.refresh_from_db()
    return cap


class TwoBrandsOneFactory:
    """Two brands sourcing from one facility, each with CAPs on it."""

    def __init__(self) -> None:
        self.first = member("brand", "admin")
        self.first.organization.name = "Acme Apparel"
        self.first.organization.save()
        self.second = member("brand", "admin")
        self.second.organization.name = "Borealis Outdoor"
        self.second.organization.save()
        self.facility = facility_of(self.first, name="Lotus Knit")
        also_sourced_by(self.second, self.facility)
        self.supplier = supplier_admin_of(self.facility)

    def cap(self, brand: Membership, **values: Any) -> CorrectiveActionPlan:
        return open_cap(brand, facility=self.facility, **values)


@pytest.fixture
def factory() -> TwoBrandsOneFactory:
    return TwoBrandsOneFactory()


def test_most_urgent_first_across_two_brands(factory: TwoBrandsOneFactory) -> None:
    today = timezone.localdate()
    no_date = due(factory.cap(factory.first), None)
    next_month = due(factory.cap(factory.second), today + timedelta(days=30))
    overdue_2 = due(factory.cap(factory.second), today - timedelta(days=2))
    tomorrow = due(factory.cap(factory.first), today + timedelta(days=1))
    overdue_10 = due(factory.cap(factory.first), today - timedelta(days=10))

    response = client_for(factory.supplier).get(reverse("my_caps"))

    assert response.status_code == 200
    assert card_ids(response) == [
        str(cap.pk) for cap in (overdue_10, overdue_2, tomorrow, next_month, no_date)
    ]
    html = response.content.decode()
    assert "Overdue by 10 days" in html
    assert "Overdue by 2 days" in html
    assert "Due in 1 day" in html
    assert "No due date" in html


def test_closed_plans_come_after_the_work_still_to_do(factory: TwoBrandsOneFactory) -> None:
    today = timezone.localdate()
    cancelled = due(factory.cap(factory.first), today - timedelta(days=30))
    cap_cancel(cap=cancelled, by=factory.first, reason="The finding was recorded twice.")
    later = due(factory.cap(factory.second), today + timedelta(days=60))

    response = client_for(factory.supplier).get(reverse("my_caps"))

    assert card_ids(response) == [str(later.pk), str(cancelled.pk)]


def test_the_supplier_sees_both_brands_in_one_list_and_another_supplier_sees_none(
    factory: TwoBrandsOneFactory,
) -> None:
    first = factory.cap(factory.first, category="OSH")
    second = factory.cap(factory.second, category="HOURS")
    stranger_brand = member("brand", "admin")
    stranger_cap = open_cap(stranger_brand)  # another supplier's facility
    stranger = supplier_admin_of(stranger_cap.facility)

    response = client_for(factory.supplier).get(reverse("my_caps"))
    html = response.content.decode()

    assert sorted(card_ids(response)) == sorted([str(first.pk), str(second.pk)])
    assert "Acme Apparel" in html
    assert "Borealis Outdoor" in html
    assert "Lotus Knit" in html

    other = client_for(stranger).get(reverse("my_caps"))
    assert card_ids(other) == [str(stranger_cap.pk)]
    assert str(first.pk) not in other.content.decode()

    nobody = member("supplier", "member")
    empty = client_for(nobody).get(reverse("my_caps"))
    assert card_ids(empty) == []
    assert 'id="no-caps"' in empty.content.decode()


def test_filters_by_brand_facility_and_status(factory: TwoBrandsOneFactory) -> None:
    first = factory.cap(factory.first)
    second = factory.cap(factory.second)
    done = submitted(factory.cap(factory.second), factory.supplier)
    second_facility = Facility.objects.create(
        supplier=factory.facility.supplier, name="Lotus Dyeing", country="BD"
    )
    also_sourced_by(factory.first, second_facility)
    elsewhere = open_cap(factory.first, facility=second_facility)
    client = client_for(factory.supplier)
    first_brand = str(factory.first.organization_id)

    by_brand = client.get(reverse("my_caps"), {"brand": first_brand})
    assert sorted(card_ids(by_brand)) == sorted([str(first.pk), str(elsewhere.pk)])

    by_facility = client.get(reverse("my_caps"), {"facility": str(second_facility.pk)})
    assert card_ids(by_facility) == [str(elsewhere.pk)]

    waiting = client.get(reverse("my_caps"), {"status": "submitted"})
    assert card_ids(waiting) == [str(done.pk)]

    to_do = client.get(reverse("my_caps"), {"status": "work", "brand": first_brand})
    assert sorted(card_ids(to_do)) == sorted([str(first.pk), str(elsewhere.pk)])
    # The status links keep the brand chosen and count within it.
    html = to_do.content.decode()
    assert f"brand={first_brand}&amp;status=submitted" in html

    assert card_ids(client.get(reverse("my_caps"), {"status": "closed"})) == []
    assert second.pk  # on the unfiltered list, checked above


def card_of(html: str, cap: CorrectiveActionPlan) -> str:
    start = html.index(f'id="cap-{cap.pk}"')
    return html[start : html.index("</article>", start)]


def evidence_form_url(card: str) -> str | None:
    """Where the card fetches its upload form when “Add evidence” is opened."""
    found = re.search(r'<details class="cap-card-evidence" hx-get="([^"]+)"', card)
    return unescape(found.group(1)) if found else None


def test_each_card_is_a_phone_sized_card_with_an_open_button_and_a_drop_zone(
    factory: TwoBrandsOneFactory,
) -> None:
    cap = factory.cap(factory.first, category="OSH", severity="critical")
    client = client_for(factory.supplier)

    response = client.get(reverse("my_caps"))
    html = response.content.decode()

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<table" not in html  # cards, not a table that scrolls sideways on a phone
    card = card_of(html, cap)
    assert "Acme Apparel" in card
    assert "Lotus Knit" in card
    assert "Workplace health and safety" in card
    assert 'class="badge badge-severity-critical"' in card
    assert f'href="{reverse("cap_detail", args=[cap.pk])}" role="button"' in card
    # “Add evidence” fetches the form when opened; without JavaScript it offers the
    # CAP page's own upload instead.
    assert "<summary>Add evidence</summary>" in card
    assert f'href="{reverse("cap_detail", args=[cap.pk])}#cap-evidence"' in card
    url = evidence_form_url(card)
    assert url == f"{reverse('my_caps_evidence_form', args=[cap.pk])}?next=%2Fcaps%2Fmine%2F"
    # The drop zone is a plain multi-file form to the evidence upload: it works
    # without JavaScript, which only adds dropping.
    fragment = client.get(url).content.decode()
    form = re.search(r"<form [^>]*data-evidence-drop[^>]*>", fragment)
    assert form is not None
    assert f'action="{reverse("evidence_upload", args=[cap.pk])}"' in form.group(0)
    assert 'enctype="multipart/form-data"' in form.group(0)
    assert re.search(r'<input type="file" name="evidence-file"[^>]* multiple', fragment)
    assert 'name="csrfmiddlewaretoken"' in fragment
    assert 'name="next" value="/caps/mine/"' in fragment
    assert "<html" not in fragment  # the form alone, not a page


def test_the_drop_script_is_a_static_file_and_the_page_has_no_inline_script(
    factory: TwoBrandsOneFactory,
) -> None:
    factory.cap(factory.first)

    html = client_for(factory.supplier).get(reverse("my_caps")).content.decode()

    assert re.search(r'<script src="/static/js/evidence-drop\.js" defer></script>', html)
    assert finders.find("js/evidence-drop.js")
    # The CSP allows scripts from files only: every <script> has a src, no on… handler.
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert not re.search(r"\son[a-z]+=", html)


def test_what_is_missing_to_submit_is_shown_and_matches_the_service(
    factory: TwoBrandsOneFactory,
) -> None:
    bare = factory.cap(factory.first)
    half = factory.cap(factory.first)
    root_cause_add(cap=half, by=factory.supplier, method="fishbone", category="people", cause="x")
    ready = factory.cap(factory.second)
    plan(ready, factory.supplier)
    preventive_only = factory.cap(factory.second)
    action_add(
        cap=preventive_only,
        by=factory.supplier,
        kind="preventive",
        description="Weekly exit checks.",
        owner="Head of administration",
        due_date=date(2030, 1, 1),
    )

    annotated = {
        cap.pk: cap
        for cap in with_work_counts(
            CorrectiveActionPlan.objects.filter(pk__in=[bare.pk, half.pk, ready.pk])
        )
    } | {
        preventive_only.pk: with_work_counts(
            CorrectiveActionPlan.objects.filter(pk=preventive_only.pk)
        ).get()
    }
    for cap in (bare, half, ready, preventive_only):
        assert submit_blockers_of(annotated[cap.pk]) == submit_blockers(cap)

    html = client_for(factory.supplier).get(reverse("my_caps")).content.decode()

    def card(cap: CorrectiveActionPlan) -> str:
        start = html.index(f'id="cap-{cap.pk}"')
        return html[start : html.index("</article>", start)]

    assert "Record at least one root cause." in card(bare)
    assert "Plan at least one preventive action" in card(bare)
    assert "Record at least one root cause." not in card(half)
    assert "Plan at least one preventive action" in card(half)
    assert "Ready to submit" in card(ready)
    assert "Before you can submit" not in card(ready)


def test_several_files_sent_from_a_card_are_stored_and_the_supplier_comes_back(
    factory: TwoBrandsOneFactory,
) -> None:
    cap = factory.cap(factory.first)
    client = client_for(factory.supplier)
    page = client.get(reverse("my_caps"), {"brand": str(factory.first.organization_id)})
    url = evidence_form_url(card_of(page.content.decode(), cap))
    assert url is not None
    fragment = client.get(url).content.decode()
    # Post exactly the fields the card's form has (the CSRF token aside).
    names = set(re.findall(r'name="([^"]+)"', fragment))
    assert names == {
        "csrfmiddlewaretoken",
        "next",
        "evidence-description",
        "evidence-valid_from",
        "evidence-valid_until",
        "evidence-file",
    }
    back = re.search(r'name="next" value="([^"]+)"', fragment)
    assert back is not None

    response = client.post(
        reverse("evidence_upload", args=[cap.pk]),
        {
            "next": unescape(back.group(1)),
            "evidence-description": "Fire certificate and drill log",
            "evidence-valid_from": "2025-04-01",
            "evidence-valid_until": "2026-03-31",
            "evidence-file": [pdf("certificate.pdf"), pdf("drill-log.pdf")],
        },
    )

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('my_caps')}?brand=")
    stored = Evidence.objects.filter(cap=cap).order_by("file_name")
    assert [e.file_name for e in stored] == ["certificate.pdf", "drill-log.pdf"]
    assert {e.valid_until for e in stored} == {date(2026, 3, 31)}
    after = client.get(response["Location"]).content.decode()
    assert "2 evidence files" in after
    assert "2 files were uploaded." in after


def test_the_form_returns_only_to_a_page_of_my_caps(factory: TwoBrandsOneFactory) -> None:
    cap = factory.cap(factory.first)
    url = reverse("my_caps_evidence_form", args=[cap.pk])
    client = client_for(factory.supplier)

    elsewhere = client.get(url, {"next": "https://evil.example/caps/mine/"}).content.decode()
    second_page = client.get(url, {"next": "/caps/mine/?page=2"}).content.decode()

    assert 'name="next" value="/caps/mine/"' in elsewhere
    assert 'name="next" value="/caps/mine/?page=2"' in second_page


def test_a_submitted_plan_takes_no_more_files_from_its_card(factory: TwoBrandsOneFactory) -> None:
    cap = submitted(factory.cap(factory.first), factory.supplier)
    client = client_for(factory.supplier)

    card = card_of(client.get(reverse("my_caps")).content.decode(), cap)
    form = client.get(reverse("my_caps_evidence_form", args=[cap.pk]))

    assert "cap-card-evidence" not in card
    assert "Before you can submit" not in card
    assert "1 evidence file" in card
    assert "Submitted for verification" in card
    assert form.status_code == 409
    assert "data-evidence-drop" not in form.content.decode()


def test_the_card_form_is_404_to_those_who_do_not_work_on_the_cap(
    factory: TwoBrandsOneFactory,
) -> None:
    cap = factory.cap(factory.first)
    url = reverse("my_caps_evidence_form", args=[cap.pk])
    stranger = supplier_admin_of(open_cap(member("brand", "admin")).facility)

    assert client_for(stranger).get(url).status_code == 404
    assert client_for(factory.first).get(url).status_code == 404  # brands work elsewhere
    assert Client().get(url).status_code == 302  # to sign in


def test_the_card_form_takes_a_fixed_number_of_queries(
    factory: TwoBrandsOneFactory, django_assert_num_queries: Any
) -> None:
    cap = factory.cap(factory.first)
    client = client_for(factory.supplier)
    url = reverse("my_caps_evidence_form", args=[cap.pk])
    client.get(url)

    # session, user, memberships; the CAP.
    with django_assert_num_queries(4):
        response = client.get(url)

    assert response.status_code == 200


def test_a_consultant_sees_the_caps_it_consults_on_and_not_those_it_watches() -> None:
    brand = member("brand", "csr")
    consultant = member("partner", "member")
    watcher_org = cast(Organization, OrganizationFactory(kind="partner", partner_type="cso"))
    watcher = member("partner", "member", organization=watcher_org)
    consulted = open_cap(brand)
    watched = open_cap(brand, facility=consulted.facility)
    untouched = open_cap(brand, facility=consulted.facility)
    participant_add(cap=consulted, by=brand, organization_slug=consultant.organization.slug)
    participant_add(cap=watched, by=brand, organization_slug=watcher_org.slug)

    html = client_for(consultant).get(reverse("my_caps"))
    assert card_ids(html) == [str(consulted.pk)]
    assert 'class="cap-card-evidence"' in html.content.decode()  # a consultant works on it

    cso = client_for(watcher).get(reverse("my_caps"))
    assert card_ids(cso) == []
    assert str(untouched.pk) not in cso.content.decode()


def test_brands_are_sent_to_their_cap_list() -> None:
    response = client_for(member("brand", "csr")).get(reverse("my_caps"))

    assert response.status_code == 302
    assert response["Location"] == reverse("cap_list")


def test_anonymous_visitors_are_asked_to_sign_in() -> None:
    response = Client().get(reverse("my_caps"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_twenty_cards_a_page_and_the_next_page_keeps_the_filters(
    factory: TwoBrandsOneFactory,
) -> None:
    today = timezone.localdate()
    caps = [due(factory.cap(factory.first), today + timedelta(days=n)) for n in range(22)]
    factory.cap(factory.second)  # filtered out below
    client = client_for(factory.supplier)
    brand = str(factory.first.organization_id)

    first = client.get(reverse("my_caps"), {"brand": brand})
    html = first.content.decode()
    following = re.search(r'<a href="\?([^"]+)">Next', html)
    assert following is not None
    second = client.get(f"{reverse('my_caps')}?{unescape(following.group(1))}")

    assert card_ids(first) == [str(cap.pk) for cap in caps[:20]]
    assert card_ids(second) == [str(cap.pk) for cap in caps[20:]]
    assert "Page 1 of 2" in html
    assert "22 in all" in html
    # The cards' upload forms come back to the page and filters they were sent from.
    card = card_of(second.content.decode(), caps[20])
    assert f"next=%2Fcaps%2Fmine%2F%3Fbrand%3D{brand}%26page%3D2" in card


def test_card_labels_come_from_dictionaries_in_the_readers_language(
    factory: TwoBrandsOneFactory,
) -> None:
    cap = factory.cap(factory.first, category="HOURS", severity="critical")
    User.objects.filter(pk=factory.supplier.user_id).update(language="es")

    # get_FOO_display rebuilt the field's choices, one gettext a label, three times a
    # card; the labels must come from elsewhere.
    with get_display_refused(CorrectiveActionPlan, Finding, Audit):
        html = client_for(factory.supplier).get(reverse("my_caps")).content.decode()

    card = card_of(html, cap)
    assert "Jornada laboral, horas extra, días de descanso" in card
    assert '<span class="badge badge-severity-critical">Crítico</span>' in card
    with translation.override("es"):
        assert f'cap-status">{cap.get_status_display()}</span>' in card
    assert "Abrir" in card  # the button opens the plan (not "Abierto", an open plan)


def test_pages_of_cards_take_the_same_queries_for_few_or_many_caps(
    django_assert_num_queries: Any,
) -> None:
    small, large = TwoBrandsOneFactory(), TwoBrandsOneFactory()
    for n in range(2):
        small.cap(small.first if n % 2 else small.second)
    for n in range(8):
        cap = large.cap(large.first if n % 2 else large.second)
        if n % 3 == 0:
            plan(cap, large.supplier)
    for factory in (small, large):
        client = client_for(factory.supplier)
        # session, user, memberships; brand and facility choices; the status counts;
        # the paginator's count; the page of cards (their counts annotated); the
        # navigation's unread notifications.
        with django_assert_num_queries(9):
            response = client.get(reverse("my_caps"))
        assert response.status_code == 200


# --- The navigation ----------------------------------------------------------------------


def nav_links(response: Any) -> list[str]:
    html = response.content.decode()
    nav = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
    return re.findall(r'<a href="([^"]+)"', nav)


def test_a_supplier_finds_my_caps_first_in_the_navigation() -> None:
    supplier = member("supplier", "member")

    links = nav_links(client_for(supplier).get(reverse("my_caps")))

    # After the site name (home), the first link is the supplier's CAPs.
    assert links[1] == reverse("my_caps")
    assert reverse("cap_list") not in links
    assert reverse("consultant_list") not in links
    assert reverse("purchasing_practices") not in links


@pytest.mark.parametrize(
    ("role", "verification", "purchasing"),
    [
        ("admin", True, True),
        ("csr", True, True),
        ("sourcing", False, True),
        ("viewer", False, False),
    ],
)
def test_brand_links_follow_the_role(role: str, verification: bool, purchasing: bool) -> None:
    brand = member("brand", role)

    links = nav_links(client_for(brand).get(reverse("consultant_list")))

    assert reverse("cap_list") in links
    assert reverse("consultant_list") in links
    assert (reverse("verification_queue") in links) is verification
    assert (reverse("purchasing_practices") in links) is purchasing
    assert reverse("my_caps") not in links


def test_partner_links_my_caps_only_for_consultants() -> None:
    consultant = member("partner", "member")
    cso = member(
        "partner",
        "member",
        organization=cast(Organization, OrganizationFactory(kind="partner", partner_type="cso")),
    )

    consultant_links = nav_links(client_for(consultant).get(reverse("consultant_profile_edit")))
    cso_links = nav_links(client_for(cso).get(reverse("consultant_profile_edit")))

    for links in (consultant_links, cso_links):
        assert reverse("cap_list") in links
        assert reverse("consultant_profile_edit") in links
        assert reverse("consultant_list") not in links
    assert reverse("my_caps") in consultant_links
    assert reverse("my_caps") not in cso_links
