"""What the brand's own purchasing practices cause: the brand-side root causes
(late changes, short lead times, prices below cost…) recorded on the brand's CAPs,
counted by code, by facility and by season, each count leading to the CAPs behind it.

For the brand's sourcing managers first (and its admins and CSR staff; viewers read
it too). Suppliers and partners have no such page: 404. The counts are GROUP BY
queries, a fixed number whatever the number of CAPs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views import View

from audits.forms import FilterForm
from csr_platform.views.mixins import TenantPageMixin, page_of
from remediation.root_causes import PURCHASING_PRACTICE_CODES
from remediation.selectors import Season, caps_with_purchasing_causes, purchasing_counts

CODE_LABELS: dict[str, Any] = dict(PURCHASING_PRACTICE_CODES)


class PurchasingFilterForm(FilterForm):
    code = forms.ChoiceField(
        label=_("Practice"),
        required=False,
        choices=[("", _("Any practice")), *PURCHASING_PRACTICE_CODES],
    )
    facility = forms.ChoiceField(label=_("Facility"), required=False)
    season = forms.ChoiceField(label=_("Season"), required=False)

    def __init__(
        self,
        *args: Any,
        facilities: list[tuple[str, str]],
        seasons: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [("", _("Every facility")), *facilities]  # type: ignore[attr-defined]
        self.fields["season"].choices = [("", _("Every season")), *seasons]  # type: ignore[attr-defined]


def drill_down(**filters: str) -> str:
    """The address of this page's CAP list for one count."""
    return f"?{urlencode(filters)}#caps"


class PurchasingPracticesPage(TenantPageMixin, View):
    template_name = "remediation/purchasing_practices.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        membership = self.membership
        if not membership.is_brand:
            raise Http404
        counts = purchasing_counts(membership)
        by_code = [
            {
                "code": row["purchasing_code"],
                "label": CODE_LABELS.get(row["purchasing_code"], row["purchasing_code"]),
                "caps": row["caps"],
                "link": drill_down(code=row["purchasing_code"]),
            }
            for row in counts.by_code
        ]
        by_facility = [
            {
                "name": row["cap__facility__name"],
                "caps": row["caps"],
                "link": drill_down(facility=str(row["cap__facility"])),
            }
            for row in counts.by_facility
        ]
        by_season = [
            {"label": season.label, "caps": caps, "link": drill_down(season=season.key)}
            for season, caps in counts.by_season
        ]
        # The filters offer what the counts found, so no extra query and no dead end.
        form = PurchasingFilterForm(
            request.GET or None,
            facilities=[
                (str(r["cap__facility"]), r["cap__facility__name"]) for r in counts.by_facility
            ],
            seasons=[(season.key, season.label) for season, _caps in counts.by_season],
        )
        caps = caps_with_purchasing_causes(
            membership,
            code=form.value("code"),
            facility=form.value("facility"),
            season=Season.parse(form.value("season")),
        )
        context = {
            "counts": counts,
            "by_code": by_code,
            "by_facility": by_facility,
            "by_season": by_season,
            "form": form,
            "filtered": form.filtered,
            "page": page_of(request, caps),
            "code_labels": CODE_LABELS,
        }
        return render(request, self.template_name, context)
