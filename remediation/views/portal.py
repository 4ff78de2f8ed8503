"""“My CAPs”: the supplier's work on every brand's corrective action plans, in one list,
most urgent first, on a phone as on a computer.

A supplier sees every CAP on its facilities whichever brand owns it; a consultant
the CAPs it was invited onto. Each card says what is missing before the plan can be
submitted and, opened, takes evidence files dropped on it or chosen with the file
picker (the form posts to the CAP page's own upload and comes back here); the rest
of the work happens on the CAP page. A fixed number of queries whatever the number
of cards: the counts behind “what is missing” are annotated, not asked per card.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views import View

from audits.forms import FilterForm
from csr_platform.models import Organization
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin
from laws.taxonomy import FindingCategory, Severity
from remediation.forms import EVIDENCE_ACCEPT, MAX_FILES_AT_ONCE, EvidenceUploadForm
from remediation.models import CorrectiveActionPlan
from remediation.selectors import (
    STATUS_GROUPS,
    by_urgency,
    caps_worked_on_by,
    overdue_days,
    status_counts,
    submit_blockers_of,
    with_work_counts,
)
from remediation.services.evidence_files import MAX_EVIDENCE_BYTES
from remediation.services.work import EDITABLE
from suppliers.models import Facility

# The CAP page's evidence form posts with this prefix (``EvidenceUploadView``); the
# cards post to the same view, so they name their fields the same way.
EVIDENCE_FORM_PREFIX = "evidence"
EVIDENCE_FIELDS = ("file", "description", "valid_from", "valid_until")

# A phone's screenful or two, read from the top: rendering 50 cards (blockers,
# translated sentences, badges) was three quarters of the page's time.
CARDS_PER_PAGE = 20

# Labels looked up per card: ``get_FOO_display`` rebuilds the field's choices, one
# gettext per label, on every call (three a card). Lazy, so each request still reads
# them in its own language.
CATEGORY_LABELS: dict[str, Any] = dict(FindingCategory.choices)
SEVERITY_LABELS: dict[str, Any] = dict(Severity.choices)
CAP_STATUS_LABELS: dict[str, Any] = dict(CorrectiveActionPlan.Status.choices)

STATUS_LABELS: dict[str, Any] = {
    "work": _("To work on"),
    "submitted": _("Submitted"),
    "closed": _("Closed"),
}


class MyCapsFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *STATUS_LABELS.items()],
    )
    brand = forms.ChoiceField(label=_("Brand"), required=False)
    facility = forms.ChoiceField(label=_("Facility"), required=False)

    def __init__(
        self,
        *args: Any,
        brands: list[tuple[str, str]],
        facilities: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["brand"].choices = [("", _("Every brand")), *brands]  # type: ignore[attr-defined]
        self.fields["facility"].choices = [("", _("Every facility")), *facilities]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CapCard:
    """One CAP as its card shows it."""

    cap: CorrectiveActionPlan
    overdue_by: int
    due_in: int | None
    blockers: list[str]
    editable: bool
    category_label: str
    severity_label: str
    status_label: str

    @classmethod
    def of(cls, cap: CorrectiveActionPlan, *, today: date, can_work: bool) -> CapCard:
        editable = can_work and cap.status in EDITABLE
        due_in = (cap.due_date - today).days if cap.due_date and cap.is_open else None
        finding = cap.finding
        return cls(
            cap=cap,
            overdue_by=overdue_days(cap, today),
            due_in=due_in,
            # Only a plan still being worked on can be missing something to submit.
            blockers=submit_blockers_of(cap) if cap.status in EDITABLE else [],
            editable=editable,
            category_label=str(CATEGORY_LABELS.get(finding.category, finding.category)),
            severity_label=str(SEVERITY_LABELS.get(finding.severity, finding.severity)),
            status_label=str(CAP_STATUS_LABELS.get(cap.status, cap.status)),
        )


class MyCapsPage(TenantPageMixin, View):
    template_name = "remediation/portal/my_caps.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        membership = self.membership
        if membership.is_brand:
            # Brands manage their CAPs from the CAP list; this page is the workers'.
            return redirect("cap_list")
        caps = caps_worked_on_by(membership)
        form = MyCapsFilterForm(
            request.GET or None,
            brands=self.choices(Organization.objects.filter(pk__in=caps.values("brand_id"))),
            facilities=self.choices(Facility.objects.filter(pk__in=caps.values("facility_id"))),
        )
        # The values are among the choices, so valid identifiers.
        if brand := form.value("brand"):
            caps = caps.filter(brand_id=uuid.UUID(brand))
        if facility := form.value("facility"):
            caps = caps.filter(facility_id=uuid.UUID(facility))
        counts = status_counts(caps)
        status = form.value("status")
        if status:
            caps = caps.filter(status__in=STATUS_GROUPS[status])
        rows = by_urgency(with_work_counts(caps)).select_related("finding", "brand", "facility")
        page = Paginator(rows, CARDS_PER_PAGE).get_page(request.GET.get("page"))
        today = timezone.localdate()
        can_work = membership.can(Capability.WORK_ON_CAP)
        context = {
            "form": form,
            "page": page,
            "cards": [CapCard.of(cap, today=today, can_work=can_work) for cap in page],
            "status_tabs": self.status_tabs(form, counts),
            "filtered": form.filtered,
            # Each card's upload form comes back here, to the same filters and page.
            "return_query": urlencode({"next": request.get_full_path()}),
        }
        return render(request, self.template_name, context)

    @staticmethod
    def choices(rows: QuerySet[Any]) -> list[tuple[str, str]]:
        return [
            (str(pk), name) for pk, name in rows.order_by("name", "pk").values_list("pk", "name")
        ]

    @staticmethod
    def status_tabs(form: MyCapsFilterForm, counts: dict[str, int]) -> list[dict[str, Any]]:
        """The status links with their counts; each keeps the brand and facility chosen."""
        kept = {name: form.value(name) for name in ("brand", "facility") if form.value(name)}
        current = form.value("status")
        tabs = []
        for value, label in [("", _("All")), *STATUS_LABELS.items()]:
            query = {**kept, "status": value} if value else kept
            tabs.append(
                {
                    "value": value,
                    "label": label,
                    "count": counts[value or "all"],
                    "query": urlencode(query),
                    "current": value == current,
                }
            )
        return tabs


def upload_names() -> dict[str, str]:
    """The posted name of each evidence field, as the upload view reads them."""
    form = EvidenceUploadForm(prefix=EVIDENCE_FORM_PREFIX, actions=[])
    return {name: form[name].html_name for name in EVIDENCE_FIELDS}


class CardEvidenceFormView(TenantPageMixin, View):
    """The evidence upload of one card, fetched when its “Add evidence” is opened.

    Made for every card, the forms were a quarter of the page's rendering and 40% of
    its HTML, for the few cards a supplier sends files from. Without JavaScript the
    card links to the CAP page's own upload instead.
    """

    template_name = "remediation/portal/_card_evidence_form.html"

    def get(self, request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
        membership = self.membership
        cap = get_object_or_404(caps_worked_on_by(membership), pk=pk)
        if not (membership.can(Capability.WORK_ON_CAP) and cap.status in EDITABLE):
            return HttpResponse(
                format_html(
                    '<p class="muted">{}</p>',
                    _("This plan takes no more evidence now: open it to see why."),
                ),
                status=409,
            )
        back = request.GET.get("next", "")
        my_caps = reverse("my_caps")
        context = {
            "cap": cap,
            # Only back to a page of My CAPs; the upload view checks the host again.
            "next_url": back if back.startswith(my_caps) else my_caps,
            "evidence_accept": EVIDENCE_ACCEPT,
            "max_evidence_mb": MAX_EVIDENCE_BYTES // (1024 * 1024),
            "max_files": MAX_FILES_AT_ONCE,
            "upload_names": upload_names(),
        }
        return render(request, self.template_name, context)
