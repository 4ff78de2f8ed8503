"""Sharing an audit through the pages: a brand offers, the supplier consents or
declines in its portal, either revokes, and the other brand sees the audit read-only
only while the share is active."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit, AuditShare
from audits.services.sharing import audit_share_consent, audit_share_offer
from csr_platform.models import Membership, Notification
from suppliers.models import Facility
from tests.audits.helpers import (
    also_sourced_by,
    draft_audit,
    facility_of,
    final_audit,
    supplier_admin_of,
)
from tests.factories import member

pytestmark = pytest.mark.django_db

MESSAGE = "Northwind sources here too; this spares the factory a second SMETA."
GENERIC_REFUSAL = "No other brand with that identifier sources from this facility."


class World:
    """Acme commissioned a final audit of a facility that Northwind also sources from."""

    def __init__(self) -> None:
        self.acme = member("brand", "csr", full_name="Cora Acme")
        self.facility: Facility = facility_of(self.acme, name="Lotus Knit")
        self.northwind = member("brand", "admin", full_name="Nadia Northwind")
        also_sourced_by(self.northwind, self.facility)
        self.supplier = supplier_admin_of(self.facility)
        self.audit: Audit = final_audit(self.acme, self.facility)

    def offer(self) -> AuditShare:
        return audit_share_offer(
            audit=self.audit,
            by=self.acme,
            brand_slug=self.northwind.organization.slug,
            message=MESSAGE,
        )


@pytest.fixture
def world() -> World:
    return World()


def client_for(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def decide(membership: Membership, share: AuditShare, decision: str, **data: str) -> Any:
    return client_for(membership).post(
        reverse("audit_share_decide", args=[share.pk, decision]), data
    )


def offer_url(audit: Audit) -> str:
    return reverse("audit_share_offer", args=[audit.pk])


def shares_url(show: str = "") -> str:
    return reverse("audit_share_list") + (f"?show={show}" if show else "")


def detail_status(membership: Membership, audit: Audit) -> int:
    return client_for(membership).get(reverse("audit_detail", args=[audit.pk])).status_code


# --- The whole story -------------------------------------------------------------------


def test_offer_consent_and_revoke_show_then_hide_the_audit_from_the_other_brand(
    world: World,
) -> None:
    acme = client_for(world.acme)
    page = text(acme.get(offer_url(world.audit)))
    assert "The supplier must consent first" in page
    assert "sees the audit and its findings read-only" in page

    response = acme.post(
        offer_url(world.audit), {"brand": world.northwind.organization.slug, "message": MESSAGE}
    )

    assert response.status_code == 302
    share = AuditShare.objects.get(audit=world.audit)
    assert share.status == AuditShare.Status.PENDING
    assert "Awaiting the supplier" in text(acme.get(offer_url(world.audit)))
    # Offered, not yet consented: Northwind sees nothing, not even the offer.
    assert detail_status(world.northwind, world.audit) == 404
    assert not Audit.objects.visible_to(world.northwind).exists()
    received = text(client_for(world.northwind).get(shares_url("received")))
    assert "Lotus Knit" not in received
    assert decide(world.northwind, share, "revoke").status_code == 404

    # The supplier reads who asks, for which audit, for whom, and why.
    portal = text(client_for(world.supplier).get(shares_url()))
    for expected in (world.acme.organization.name, world.northwind.organization.name, MESSAGE):
        assert expected in portal
    assert reverse("audit_share_decide", args=[share.pk, "consent"]) in portal

    response = decide(world.supplier, share, "consent", next=shares_url("active"))

    assert response.status_code == 302
    assert response["Location"] == shares_url("active")
    share.refresh_from_db()
    assert share.status == AuditShare.Status.ACTIVE
    assert detail_status(world.northwind, world.audit) == 200
    assert "Lotus Knit" in text(client_for(world.northwind).get(reverse("audit_list")))
    assert "Lotus Knit" in text(client_for(world.northwind).get(shares_url("received")))

    response = acme.post(
        reverse("audit_share_decide", args=[share.pk, "revoke"]), {"reason": "Contract ended."}
    )

    assert response.status_code == 302
    share.refresh_from_db()
    assert share.status == AuditShare.Status.REVOKED
    assert share.reason == "Contract ended."
    assert detail_status(world.northwind, world.audit) == 404
    assert not Audit.objects.visible_to(world.northwind).exists()
    assert "Lotus Knit" not in text(client_for(world.northwind).get(shares_url("received")))


def test_the_supplier_declines_with_a_reason_the_offering_brand_reads(world: World) -> None:
    share = world.offer()

    response = decide(world.supplier, share, "decline", reason="Audit is outdated.")

    assert response.status_code == 302
    share.refresh_from_db()
    assert share.status == AuditShare.Status.DECLINED
    offered = text(client_for(world.acme).get(shares_url("offered")))
    assert "Declined by the supplier" in offered
    assert "Audit is outdated." in offered
    assert detail_status(world.northwind, world.audit) == 404
    # A declined request is answered: consenting afterwards is a conflict, shown.
    response = decide(world.supplier, share, "consent")
    assert response.status_code == 409
    assert "Only a sharing request awaiting consent can be accepted." in text(response)


def test_the_supplier_revokes_an_active_share(world: World) -> None:
    share = audit_share_consent(share=world.offer(), by=world.supplier)
    page = text(client_for(world.supplier).get(shares_url("active")))
    assert reverse("audit_share_decide", args=[share.pk, "revoke"]) in page

    assert decide(world.supplier, share, "revoke").status_code == 302

    share.refresh_from_db()
    assert share.status == AuditShare.Status.REVOKED
    assert detail_status(world.northwind, world.audit) == 404


def test_a_supplier_member_sees_requests_but_cannot_consent(world: World) -> None:
    share = world.offer()
    colleague = member("supplier", "member", organization=world.facility.supplier)

    page = text(client_for(colleague).get(shares_url()))
    response = decide(colleague, share, "consent")

    assert MESSAGE in page
    assert reverse("audit_share_decide", args=[share.pk, "consent"]) not in page
    assert "Your organization's administrator answers these requests." in page
    assert response.status_code == 403
    assert "Only the supplier&#x27;s administrator answers a sharing request." in text(response)
    share.refresh_from_db()
    assert share.status == AuditShare.Status.PENDING


def test_the_receiving_brand_cannot_revoke_nor_consent(world: World) -> None:
    share = audit_share_consent(share=world.offer(), by=world.supplier)
    page = text(client_for(world.northwind).get(shares_url("received")))

    assert "Lotus Knit" in page
    assert reverse("audit_share_decide", args=[share.pk, "revoke"]) not in page
    assert decide(world.northwind, share, "revoke").status_code == 403
    assert decide(world.northwind, share, "consent").status_code == 403
    share.refresh_from_db()
    assert share.status == AuditShare.Status.ACTIVE


@pytest.mark.parametrize("who", ["stranger", "unknown", "self"])
def test_an_offer_to_a_brand_that_does_not_source_here_shows_one_answer_and_stores_nothing(
    world: World, who: str
) -> None:
    stranger = member("brand", "admin")  # a real brand, sourcing elsewhere
    slug = {
        "stranger": stranger.organization.slug,
        "unknown": "no-such-brand",
        "self": world.acme.organization.slug,
    }[who]

    response = client_for(world.acme).post(offer_url(world.audit), {"brand": slug})

    assert response.status_code == 400
    assert GENERIC_REFUSAL in text(response)
    assert not AuditShare.objects.exists()
    assert not Notification.objects.filter(membership=world.supplier).exists()


def test_offering_twice_is_a_conflict_shown_on_the_page(world: World) -> None:
    world.offer()

    response = client_for(world.acme).post(
        offer_url(world.audit), {"brand": world.northwind.organization.slug}
    )

    assert response.status_code == 409
    assert "already shared with that brand" in text(response)
    assert AuditShare.objects.count() == 1


def test_a_draft_audit_cannot_be_offered(world: World) -> None:
    draft = draft_audit(world.acme, world.facility, on=date(2025, 6, 2))
    client = client_for(world.acme)

    page = text(client.get(offer_url(draft)))
    response = client.post(offer_url(draft), {"brand": world.northwind.organization.slug})

    assert "Finalize this audit first." in page
    assert 'id="offer-form"' not in page
    assert response.status_code == 409
    assert not AuditShare.objects.exists()


def test_only_the_commissioning_brands_sharers_reach_the_offer_page(world: World) -> None:
    audit_share_consent(share=world.offer(), by=world.supplier)
    viewer = member("brand", "viewer", organization=world.acme.organization)

    assert client_for(viewer).get(offer_url(world.audit)).status_code == 403
    # Northwind reads the audit but does not pass it on; the supplier consents only.
    assert client_for(world.northwind).get(offer_url(world.audit)).status_code == 403
    assert client_for(world.supplier).get(offer_url(world.audit)).status_code == 403
    assert client_for(member("brand", "admin")).get(offer_url(world.audit)).status_code == 404
    post = client_for(viewer).post(
        offer_url(world.audit), {"brand": world.northwind.organization.slug}
    )
    assert post.status_code == 403
    assert AuditShare.objects.count() == 1


def test_an_unknown_decision_or_a_partner_is_not_found(world: World) -> None:
    share = world.offer()
    partner = member("partner", "member")

    assert decide(world.supplier, share, "approve").status_code == 404
    assert client_for(partner).get(shares_url()).status_code == 404
    assert decide(partner, share, "consent").status_code == 404


def test_the_lists_say_when_they_are_empty(world: World) -> None:
    brand_page = text(client_for(world.acme).get(shares_url()))
    supplier_page = text(client_for(world.supplier).get(shares_url()))

    assert "Your brand has not offered any audit to another brand." in brand_page
    assert world.acme.organization.slug in brand_page
    assert "No request is awaiting your consent." in supplier_page
    assert "This audit is not shared with any brand." in text(
        client_for(world.acme).get(offer_url(world.audit))
    )


def test_the_nav_links_suppliers_to_their_sharing_requests(world: World) -> None:
    supplier_page = text(client_for(world.supplier).get(reverse("home")))
    brand_page = text(client_for(world.acme).get(reverse("home")))

    assert f'href="{reverse("audit_share_list")}"' in supplier_page
    assert f'href="{reverse("audit_list")}"' in supplier_page
    assert f'href="{reverse("finding_list")}"' not in supplier_page
    assert f'href="{reverse("audit_list")}"' in brand_page
    assert f'href="{reverse("finding_list")}"' in brand_page


# --- A fixed number of queries ---------------------------------------------------------


def _many_shares(world: World, count: int) -> None:
    """``count`` more final audits of the facility, each offered to Northwind; every
    other one consented, so each list of the page has rows."""
    for n in range(count):
        day = date(2024, 1, 1) + timedelta(days=n)
        audit = Audit.objects.create(
            facility=world.facility,
            brand=world.acme.organization,
            audit_type=Audit.Type.PERIODIC,
            scheme=Audit.Scheme.SMETA,
            start_date=day,
            end_date=day,
            status=Audit.Status.FINAL,
            finalized_at=timezone.now(),
        )
        AuditShare.objects.create(
            audit=audit,
            brand=world.northwind.organization,
            message=f"Request {n}",
            offered_by=world.acme.user,
            status=AuditShare.Status.ACTIVE if n % 2 else AuditShare.Status.PENDING,
            answered_at=timezone.now() if n % 2 else None,
        )


def _queries(membership: Membership, url: str) -> tuple[int, str]:
    client = client_for(membership)
    client.get(url)  # the session and the membership are warm, as in real use
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), text(response)


@pytest.mark.parametrize(
    ("who", "show"),
    [
        ("acme", "offered"),
        ("northwind", "received"),
        ("supplier", "awaiting"),
        ("supplier", "active"),
    ],
)
def test_the_share_lists_take_the_same_queries_for_4_or_40_shares(
    world: World, who: str, show: str
) -> None:
    viewer: Membership = getattr(world, who)
    _many_shares(world, 4)
    few, few_page = _queries(viewer, shares_url(show))
    _many_shares(world, 36)
    many, many_page = _queries(viewer, shares_url(show))

    assert few_page.count('id="share-') >= 2
    assert many_page.count('id="share-') > few_page.count('id="share-')
    assert many == few


def test_the_offer_page_takes_the_same_queries_for_few_or_many_shares(world: World) -> None:
    brands = [member("brand", "admin") for _ in range(12)]
    for brand in brands[:2]:
        also_sourced_by(brand, world.facility)
        audit_share_offer(audit=world.audit, by=world.acme, brand_slug=brand.organization.slug)
    few, few_page = _queries(world.acme, offer_url(world.audit))
    for brand in brands[2:]:
        also_sourced_by(brand, world.facility)
        audit_share_offer(audit=world.audit, by=world.acme, brand_slug=brand.organization.slug)
    many, many_page = _queries(world.acme, offer_url(world.audit))

    assert few_page.count('id="share-') == 2
    assert many_page.count('id="share-') == 12
    assert many == few
