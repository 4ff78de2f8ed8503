"""The consultant directory: brands browse the partners' entries and keep their own
private vetting notes and rating on each; a partner writes its own entry.

Reads go through ``visible_to``: a brand sees every entry and only its own notes; a
partner sees its own entry and no other; a supplier has no directory (404). A
brand's rating is never shown to the consultant or to another brand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_countries import countries

from audits.forms import FilterForm
from csr_platform.errors import DomainError
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin, domain_error_response, page_of
from laws.taxonomy import FindingCategory
from remediation.models import (
    CapParticipant,
    ConsultantNote,
    ConsultantProfile,
    CorrectiveActionPlan,
)
from remediation.selectors import json_list_has, json_list_mentions, with_own_note
from remediation.services.consultants import consultant_note_save, consultant_profile_update
from suppliers.forms import ServiceForm

YES = "yes"
RATINGS = [(str(n), str(n)) for n in range(1, 6)]


def _split_list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def country_names(codes: list[str]) -> list[str]:
    return [str(countries.name(code) or code) for code in codes]


# --- Forms ---------------------------------------------------------------------------


class DirectoryFilterForm(FilterForm):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    specialty = forms.ChoiceField(
        label=gettext_lazy("Specialty"),
        required=False,
        choices=[("", gettext_lazy("Any specialty")), *FindingCategory.choices],
    )
    country = forms.ChoiceField(
        label=gettext_lazy("Country"),
        required=False,
        choices=[("", gettext_lazy("Any country")), *countries],
    )
    language = forms.CharField(label=gettext_lazy("Language"), required=False, max_length=40)
    vetted = forms.ChoiceField(
        label=gettext_lazy("Vetted by us"),
        required=False,
        choices=[("", gettext_lazy("Either")), (YES, gettext_lazy("Vetted only"))],
    )


class ConsultantNoteForm(ServiceForm):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Our rating"),
        required=False,
        choices=[("", gettext_lazy("Not rated")), *RATINGS],
        coerce=int,
        empty_value=None,
    )
    vetted = forms.BooleanField(label=gettext_lazy("Vetted by us"), required=False)
    notes = forms.CharField(
        label=gettext_lazy("Our notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Seen only by your organization."),
    )


class ConsultantProfileForm(ServiceForm):
    """The fields ``consultant_profile_update`` accepts."""

    summary = forms.CharField(
        label=gettext_lazy("About you"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What you help factories fix, and how; shown first to brands."),
    )
    specialties = forms.MultipleChoiceField(
        label=gettext_lazy("Specialties"),
        required=False,
        choices=FindingCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=gettext_lazy("Countries you work in"),
        required=False,
        choices=list(countries),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    languages = forms.CharField(
        label=gettext_lazy("Languages"),
        required=False,
        max_length=400,
        help_text=gettext_lazy("Separated by commas, e.g. “Bengali, English”."),
    )
    case_studies = forms.CharField(
        label=gettext_lazy("Case studies"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    references = forms.CharField(
        label=gettext_lazy("References"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Brands or factories who may be asked about your work."),
    )
    website = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")

    def clean_languages(self) -> list[str]:
        return _split_list(self.cleaned_data.get("languages"))

    @classmethod
    def for_profile(cls, profile: ConsultantProfile | None) -> ConsultantProfileForm:
        if profile is None:
            return cls()
        return cls(
            initial={
                "summary": profile.summary,
                "specialties": profile.specialties,
                "countries": profile.countries,
                "languages": ", ".join(profile.languages),
                "case_studies": profile.case_studies,
                "references": profile.references,
                "website": profile.website,
            }
        )


# --- Pages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryEntry:
    """A profile with its countries named (the codes are what is stored)."""

    profile: ConsultantProfile
    countries: list[str]


class DirectoryMixin(TenantPageMixin):
    """Suppliers have no directory: every page of it is a 404 for them, as for
    anything else they cannot see."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        membership = getattr(request, "membership", None)
        if membership is not None and membership.is_supplier:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def profiles(self) -> QuerySet[ConsultantProfile]:
        return self.visible(ConsultantProfile).select_related("organization")


class ConsultantListPage(DirectoryMixin, View):
    template_name = "remediation/consultant_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        membership = self.membership
        if not membership.is_brand:
            # A partner's directory is its own entry.
            return redirect("consultant_profile_edit")
        form = DirectoryFilterForm(request.GET or None)
        rows = self.filtered(with_own_note(self.profiles(), membership), form)
        page = page_of(request, rows.order_by("organization__name", "pk"))
        context = {
            "form": form,
            "page": page,
            "entries": [DirectoryEntry(p, country_names(p.countries)) for p in page],
            "filtered": form.filtered,
        }
        return render(request, self.template_name, context)

    @staticmethod
    def filtered(
        rows: QuerySet[ConsultantProfile], form: DirectoryFilterForm
    ) -> QuerySet[ConsultantProfile]:
        if search := form.value("q").strip():
            rows = rows.filter(
                Q(organization__name__icontains=search)
                | Q(summary__icontains=search)
                | Q(case_studies__icontains=search)
            )
        if specialty := form.value("specialty"):
            rows = rows.filter(json_list_has("specialties", specialty))
        if country := form.value("country"):
            rows = rows.filter(json_list_has("countries", country))
        if language := form.value("language").strip():
            rows = rows.filter(json_list_mentions("languages", language))
        if form.value("vetted"):
            rows = rows.filter(own_vetted=True)  # type: ignore[misc]  # annotated by with_own_note
        return rows


class ConsultantDetailMixin(DirectoryMixin):
    template_name = "remediation/consultant_detail.html"

    def get_profile(self, pk: str) -> ConsultantProfile:
        profiles = self.profiles()
        if self.membership.is_brand:
            profiles = with_own_note(profiles, self.membership)
        return get_object_or_404(profiles, pk=pk)

    def context(
        self, profile: ConsultantProfile, note_form: ConsultantNoteForm | None = None
    ) -> dict[str, Any]:
        membership = self.membership
        context: dict[str, Any] = {
            "profile": profile,
            "countries": country_names(profile.countries),
            "is_own_entry": profile.pk == membership.organization_id,
        }
        if not membership.is_brand:
            return context
        note = ConsultantNote.objects.visible_to(membership).filter(consultant=profile).first()
        if note_form is None:
            note_form = ConsultantNoteForm(
                initial={
                    "rating": str(note.rating) if note and note.rating else "",
                    "vetted": bool(note and note.vetted),
                    "notes": note.notes if note else "",
                }
            )
        on_cap = CapParticipant.objects.filter(
            cap=OuterRef("pk"), organization_id=profile.pk, removed_at__isnull=True
        )
        caps = (
            CorrectiveActionPlan.objects.visible_to(membership)
            .filter(Exists(on_cap), brand_id=membership.organization_id)
            .annotate(participant_role=Subquery(on_cap.values("role")[:1]))
            .select_related("finding", "facility")
            .annotate(
                closed_rank=Case(
                    When(status__in=CorrectiveActionPlan.OPEN_STATES, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("closed_rank", "due_date", "pk")
        )
        roles = dict(CapParticipant.Role.choices)
        caps_page = page_of(self.request, caps)
        context.update(
            {
                "note": note,
                "note_form": note_form,
                "can_note": membership.can(Capability.MANAGE_CAP),
                "caps_page": caps_page,
                "cap_rows": [(cap, roles.get(cap.participant_role, "")) for cap in caps_page],
            }
        )
        return context


class ConsultantDetailPage(ConsultantDetailMixin, View):
    """The whole entry; for a brand also its own notes and its CAPs the consultant
    is on. A partner sees its own entry here as brands do (without their notes)."""

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        profile = self.get_profile(pk)
        return render(request, self.template_name, self.context(profile))


class ConsultantNoteView(ConsultantDetailMixin, View):
    """Save the brand's own rating, vetting and notes (CSR staff and admins)."""

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        profile = self.get_profile(pk)
        form = ConsultantNoteForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(profile, form), status=400)
        try:
            consultant_note_save(
                by=self.membership,
                consultant=profile,
                rating=form.cleaned_data["rating"],
                vetted=form.cleaned_data["vetted"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return render(request, self.template_name, self.context(profile, form), status=400)
        except DomainError as exc:
            return domain_error_response(
                request, exc, self.template_name, self.context(profile, form)
            )
        messages.success(request, _("Your notes on %(name)s were saved.") % {"name": profile})
        return redirect("consultant_detail", pk=profile.pk)


class ConsultantProfileEditPage(DirectoryMixin, View):
    """A partner writes its own directory entry."""

    template_name = "remediation/consultant_profile_edit.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        membership = getattr(request, "membership", None)
        if membership is not None and not membership.is_partner:
            # Brands and suppliers keep no entry: there is nothing of theirs here.
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def own_profile(self) -> ConsultantProfile | None:
        return self.profiles().filter(pk=self.membership.organization_id).first()

    def page(self, form: ConsultantProfileForm, status: int = 200) -> HttpResponse:
        context = {
            "form": form,
            "profile": self.own_profile(),
            "can_edit": self.membership.can(Capability.MANAGE_CONSULTANT_PROFILE),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(ConsultantProfileForm.for_profile(self.own_profile()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ConsultantProfileForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        try:
            profile = consultant_profile_update(by=self.membership, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.page(form, status=400)
        except DomainError as exc:
            return domain_error_response(
                request, exc, self.template_name, {"form": form, "profile": self.own_profile()}
            )
        messages.success(request, _("Your directory entry was saved. This is how brands see it."))
        return redirect("consultant_detail", pk=profile.pk)
