"""Scorecard pages, mounted at /reports/: the table for sourcing managers and one
page per facility with the breakdown and the history.

Brand-internal: every brand role reads them; a supplier or a partner gets 404, as
for a facility the brand has no (scored) relationship with.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django_countries import countries

from csr_platform.views.mixins import TenantPageMixin, page_of
from reports import charts
from reports.api.filters import NO_OWNER, ScorecardFilter
from reports.scorecards import Scorecard, attach_history, compute_scorecards, scored_relationships
from reports.services.scorecards import scorecards_of
from suppliers.forms import sourcing_members

# Table columns that sort, and the order a first click asks for: the worst first for
# score and trend (what needs attention), A first for grade, A to Z for names.
SORTABLE_COLUMNS = {"name": "name", "score": "score", "grade": "grade", "trend": "trend"}


def history_line(card: Scorecard, *, width: int = 120, height: int = 28) -> str:
    """The sparkline of a card's monthly snapshots, described for screen readers."""
    scores = [snapshot.score for snapshot in card.history]
    if scores:
        label = _("Score at the close of the last %(count)d months: %(scores)s") % {
            "count": len(scores),
            "scores": ", ".join(str(score) for score in scores),
        }
    else:
        label = _("No monthly snapshot yet")
    return charts.sparkline(scores, label=label, width=width, height=height)


def trend_text(card: Scorecard) -> str:
    """``▲ 4`` / ``▼ 7`` / ``= 0`` with what it compares to, for the title attribute."""
    if card.trend is None or card.previous_month is None:
        return ""
    return _("%(change)+d points since the close of %(month)s (%(score)d)") % {
        "change": card.trend,
        "month": formats.date_format(card.previous_month, "YEAR_MONTH_FORMAT"),
        "score": card.previous_score,
    }


class BrandOnlyMixin(TenantPageMixin):
    """Scorecards are brand-internal: to anyone else they do not exist (404)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        membership = getattr(request, "membership", None)
        if request.user.is_authenticated and membership is not None and not membership.is_brand:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ScorecardListView(BrandOnlyMixin, View):
    """Every scored facility of the brand: score, grade, trend and sparkline, with
    filters (country, grade, sourcing owner, trend) and ``?sort=``. A fixed number of
    queries whatever the number of facilities: the stored current scorecards are
    filtered, sorted and paged in SQL, and only the page's rows become cards."""

    template_name = "reports/scorecard_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = scored_relationships(self.membership)
        filterset = ScorecardFilter(request.GET or None, queryset=rows, request=request)
        self._narrow_choices(filterset, rows)
        page = page_of(request, filterset.scorecard_rows(self.membership))
        cards = scorecards_of(page.object_list)
        attach_history(self.membership, cards)
        return render(
            request,
            self.template_name,
            {
                "filterset": filterset,
                "form": filterset.form,
                "page": page,
                "rows": [
                    {"card": card, "sparkline": history_line(card), "trend_title": trend_text(card)}
                    for card in cards
                ],
                "filtered": filterset.filtered,
                "sort": filterset.order,
                "sort_links": self._sort_links(filterset.order),
            },
        )

    def _narrow_choices(self, filterset: ScorecardFilter, rows: Any) -> None:
        """Offer only the countries and sourcing owners the brand's table has."""
        codes = {
            str(code)
            for code in rows.order_by().values_list("facility__country", flat=True).distinct()
        }
        fields = filterset.form.fields
        # The filter's field adds its "Any country" itself.
        fields["country"].choices = sorted(
            ((code, countries.name(code)) for code in codes), key=lambda c: c[1]
        )
        fields["owner"].widget = forms.Select(
            choices=[
                ("", _("Anyone")),
                *((str(m.pk), m.user.display_name) for m in sourcing_members(self.membership)),
                (NO_OWNER, _("Nobody yet")),
            ]
        )

    def _sort_links(self, current: str) -> dict[str, dict[str, str]]:
        """Per column: the URL that sorts by it (a second click reverses the order)
        and ``aria-sort`` when the table is sorted by it."""
        kept = {
            key: value
            for key in self.request.GET
            if key not in ("sort", "page") and (value := self.request.GET.get(key, ""))
        }
        links = {}
        for column, key in SORTABLE_COLUMNS.items():
            if current == key:
                wanted, state = f"-{key}", "ascending"
            elif current == f"-{key}":
                wanted, state = key, "descending"
            else:
                wanted, state = key, ""
            links[column] = {"url": "?" + urlencode({**kept, "sort": wanted}), "aria": state}
        return links


class ScorecardDetailView(BrandOnlyMixin, View):
    """One facility's scorecard: each component with its points, a bar and why; the
    last 12 monthly snapshots as a sparkline and a table."""

    template_name = "reports/scorecard_detail.html"

    def get(self, request: HttpRequest, facility_id: UUID) -> HttpResponse:
        rows = scored_relationships(self.membership).filter(facility_id=facility_id)
        cards = compute_scorecards(self.membership, rows)
        if not cards:
            raise Http404
        attach_history(self.membership, cards)
        card = cards[0]
        breakdown = [
            {
                "component": component,
                "bar": charts.horizontal_bar(
                    component.points,
                    component.max_points,
                    label=_("%(label)s: %(points)d of %(max)d points taken off")
                    % {
                        "label": component.label,
                        "points": component.points,
                        "max": component.max_points,
                    },
                ),
            }
            for component in card.components
        ]
        keys = [component.key for component in card.components]
        history = []
        for snapshot in reversed(card.history):
            taken_off = {c["key"]: c["points"] for c in snapshot.components}
            history.append({"snapshot": snapshot, "points": [taken_off.get(k) for k in keys]})
        return render(
            request,
            self.template_name,
            {
                "card": card,
                "facility": card.facility,
                "relationship": card.relationship,
                "breakdown": breakdown,
                "history": history,
                "component_labels": [c.label for c in card.components],
                "sparkline": history_line(card, width=360, height=60),
                "trend_title": trend_text(card),
            },
        )
