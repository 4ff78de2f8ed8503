"""The consultant directory: brands browse partners' entries with their own private
rating and notes (never another brand's); a partner writes its own entry and sees no
other; suppliers have no directory."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from csr_platform.models import Membership, Organization
from remediation.models import ConsultantNote, ConsultantProfile
from remediation.services.consultants import consultant_note_save, consultant_profile_update
from remediation.services.participants import participant_add
from tests.factories import OrganizationFactory, member
from tests.remediation.helpers import open_cap

pytestmark = pytest.mark.django_db

ENTRY_ID = re.compile(r'<article class="consultant-card" id="consultant-([0-9a-f-]{36})"')


def client_for(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def consultant(name: str, **profile: Any) -> Membership:
    organization = cast(
        Organization, OrganizationFactory(kind="partner", partner_type="consultant", name=name)
    )
    partner = member("partner", "member", organization=organization)
    values = {
        "summary": f"{name} helps factories fix what audits find.",
        "specialties": ["OSH"],
        "countries": ["BD"],
        "languages": ["English"],
        **profile,
    }
    consultant_profile_update(by=partner, **values)
    return partner


def entries(response: Any) -> list[str]:
    return ENTRY_ID.findall(response.content.decode())


def profile_of(partner: Membership) -> ConsultantProfile:
    return ConsultantProfile.objects.get(pk=partner.organization_id)


# --- The directory --------------------------------------------------------------------


def test_a_brand_sees_its_own_rating_and_never_another_brands() -> None:
    ours, theirs = member("brand", "csr"), member("brand", "csr")
    safe = profile_of(consultant("Safe Factories Ltd"))
    consultant_note_save(by=ours, consultant=safe, rating=4, vetted=True, notes="Good on exits.")
    consultant_note_save(by=theirs, consultant=safe, rating=1, notes="Missed two deadlines.")

    listing = client_for(ours).get(reverse("consultant_list")).content.decode()
    detail = client_for(ours).get(reverse("consultant_detail", args=[safe.pk])).content.decode()

    for html in (listing, detail):
        assert "Our rating: 4/5" in html
        assert "Vetted by us" in html
        assert "1/5" not in html
        assert "Missed two deadlines" not in html
    assert "Good on exits." in detail

    # The other brand sees its own, and not ours.
    other = client_for(theirs).get(reverse("consultant_detail", args=[safe.pk])).content.decode()
    assert "Our rating: 1/5" in other
    assert "Good on exits." not in other
    assert "4/5" not in other


def test_the_directory_lists_profiles_with_labels_countries_and_languages() -> None:
    brand = member("brand", "viewer")
    consultant(
        "Safe Factories Ltd",
        specialties=["OSH", "HOURS"],
        countries=["BD", "VN"],
        languages=["Bengali", "English"],
    )

    html = client_for(brand).get(reverse("consultant_list")).content.decode()

    assert "Safe Factories Ltd" in html
    assert "Remediation consultant" in html
    assert "Workplace health and safety" in html
    assert "Working hours, overtime, rest days" in html
    assert "Bangladesh, Vietnam" in html
    assert "Bengali, English" in html


def test_filters_by_specialty_country_language_search_and_vetting() -> None:
    brand = member("brand", "csr")
    osh = consultant("Safe Factories", specialties=["OSH"], countries=["BD"], languages=["Bengali"])
    hours = consultant(
        "Fair Hours", specialties=["HOURS"], countries=["VN"], languages=["Vietnamese", "Español"]
    )
    consultant_note_save(by=brand, consultant=profile_of(hours), vetted=True)
    client = client_for(brand)

    def listed(**query: str) -> list[str]:
        return entries(client.get(reverse("consultant_list"), query))

    osh_id, hours_id = str(osh.organization_id), str(hours.organization_id)
    assert sorted(listed()) == sorted([osh_id, hours_id])
    assert listed(specialty="OSH") == [osh_id]
    assert listed(country="VN") == [hours_id]
    assert listed(language="bengali") == [osh_id]
    assert listed(language="Español") == [hours_id]
    assert listed(q="fair") == [hours_id]
    assert listed(vetted="yes") == [hours_id]
    assert listed(specialty="OSH", country="VN") == []
    # A specialty that is not one of the categories is ignored, not an error.
    assert sorted(listed(specialty="NOPE")) == sorted([osh_id, hours_id])


def test_the_detail_shows_the_whole_profile_and_this_brands_caps_with_the_consultant() -> None:
    brand, other_brand = member("brand", "admin"), member("brand", "admin")
    partner = consultant(
        "Safe Factories",
        case_studies="Unlocked 40 exits in Gazipur.",
        references="Acme Apparel, CSR team",
        website="https://safe.example.org",
    )
    ours = open_cap(brand)
    not_ours = open_cap(other_brand)
    participant_add(cap=ours, by=brand, organization_slug=partner.organization.slug)
    participant_add(cap=not_ours, by=other_brand, organization_slug=partner.organization.slug)

    html = (
        client_for(brand)
        .get(reverse("consultant_detail", args=[partner.organization_id]))
        .content.decode()
    )

    assert "Unlocked 40 exits in Gazipur." in html
    assert "Acme Apparel, CSR team" in html
    assert 'href="https://safe.example.org"' in html
    assert reverse("cap_detail", args=[ours.pk]) in html
    assert reverse("cap_detail", args=[not_ours.pk]) not in html


def test_csr_staff_save_notes_and_other_brand_roles_only_read_them() -> None:
    csr = member("brand", "csr")
    sourcing = member("brand", "sourcing", organization=csr.organization)
    safe = profile_of(consultant("Safe Factories"))
    url = reverse("consultant_note", args=[safe.pk])

    response = client_for(csr).post(url, {"rating": "5", "vetted": "on", "notes": "Reliable."})

    assert response.status_code == 302
    note = ConsultantNote.objects.get(brand=csr.organization, consultant=safe)
    assert (note.rating, note.vetted, note.notes) == (5, True, "Reliable.")

    page = client_for(sourcing).get(reverse("consultant_detail", args=[safe.pk])).content.decode()
    assert "Reliable." in page
    assert url not in page  # no form to change them
    refused = client_for(sourcing).post(url, {"rating": "1", "notes": "Changed."})
    assert refused.status_code == 403
    note.refresh_from_db()
    assert note.notes == "Reliable."


def test_a_rating_out_of_range_is_refused_with_a_message() -> None:
    csr = member("brand", "csr")
    safe = profile_of(consultant("Safe Factories"))

    response = client_for(csr).post(
        reverse("consultant_note", args=[safe.pk]), {"rating": "9", "notes": "x"}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not ConsultantNote.objects.exists()


# --- A partner's own entry ------------------------------------------------------------


def test_a_partner_edits_its_own_entry() -> None:
    partner = member("partner", "member")
    client = client_for(partner)
    page = client.get(reverse("consultant_profile_edit"))
    assert page.status_code == 200
    assert "You have no entry yet" in page.content.decode()

    response = client.post(
        reverse("consultant_profile_edit"),
        {
            "summary": "We fix fire safety.",
            "specialties": ["OSH", "MGMT"],
            "countries": ["BD", "KH"],
            "languages": "Bengali, Khmer , English",
            "case_studies": "Gazipur, 2024.",
            "references": "Acme Apparel",
            "website": "https://fire.example.org",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("consultant_detail", args=[partner.organization_id])
    profile = profile_of(partner)
    assert profile.specialties == ["MGMT", "OSH"]
    assert profile.countries == ["BD", "KH"]
    assert profile.languages == ["Bengali", "Khmer", "English"]
    assert profile.website == "https://fire.example.org"
    again = client.get(reverse("consultant_profile_edit")).content.decode()
    assert 'value="Bengali, Khmer, English"' in again
    assert re.search(r'value="OSH"[^>]*checked', again)


def test_an_unknown_specialty_or_country_shows_errors_and_saves_nothing() -> None:
    partner = member("partner", "member")

    response = client_for(partner).post(
        reverse("consultant_profile_edit"),
        {"summary": "x", "specialties": ["OSH", "TEA"], "countries": ["ZZ"]},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="specialties-errors"' in html
    assert "TEA is not one of the available choices" in html
    assert "ZZ is not one of the available choices" in html
    assert not ConsultantProfile.objects.exists()


def test_a_partner_sees_its_own_entry_and_no_other() -> None:
    mine, theirs = consultant("Safe Factories"), consultant("Fair Hours")
    client = client_for(mine)

    assert client.get(reverse("consultant_list"))["Location"] == reverse("consultant_profile_edit")
    own = client.get(reverse("consultant_detail", args=[mine.organization_id]))
    assert own.status_code == 200
    assert "Your entry as brands see it" in own.content.decode()
    assert (
        client.get(reverse("consultant_detail", args=[theirs.organization_id])).status_code == 404
    )
    assert (
        client.post(reverse("consultant_note", args=[theirs.organization_id]), {}).status_code
        == 404
    )


def test_brands_see_no_notes_of_others_about_a_partner_through_the_partners_eyes() -> None:
    brand = member("brand", "csr")
    mine = consultant("Safe Factories")
    consultant_note_save(by=brand, consultant=profile_of(mine), rating=2, notes="Slow.")

    html = (
        client_for(mine)
        .get(reverse("consultant_detail", args=[mine.organization_id]))
        .content.decode()
    )

    assert "2/5" not in html
    assert "Slow." not in html


@pytest.mark.parametrize("name", ["consultant_list", "consultant_profile_edit"])
def test_suppliers_get_404_on_the_directory(name: str) -> None:
    supplier = member("supplier", "admin")

    assert client_for(supplier).get(reverse(name)).status_code == 404


def test_suppliers_get_404_on_an_entry_and_brands_have_no_entry_to_edit() -> None:
    safe = profile_of(consultant("Safe Factories"))
    supplier = member("supplier", "admin")

    assert client_for(supplier).get(reverse("consultant_detail", args=[safe.pk])).status_code == 404
    assert client_for(member("brand", "admin")).get(
        reverse("consultant_profile_edit")
    ).status_code == (404)


def test_the_directory_takes_the_same_queries_for_few_or_many_entries(
    django_assert_num_queries: Any,
) -> None:
    brand = member("brand", "csr")
    client = client_for(brand)
    for n in range(2):
        consultant(f"Few {n}")
    for size in (2, 10):
        for n in range(size - ConsultantProfile.objects.count()):
            profile = profile_of(consultant(f"Many {n}"))
            consultant_note_save(by=brand, consultant=profile, rating=3)
        # session, user, memberships; the count; the page (with the brand's own
        # note annotated); the navigation's unread notifications.
        with django_assert_num_queries(6):
            response = client.get(reverse("consultant_list"))
        assert len(entries(response)) == size
