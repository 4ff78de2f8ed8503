"""The supplier portal: the screenings a supplier's members answer, on any screen size.

Only the supplier's own members come here (``Capability.ANSWER_SCREENING``): a brand
member gets the 403 page, and a screening of another supplier is a 404, exactly as in
the API. Brands read the answers on their facility page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View

from csr_platform.errors import DomainError
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin, page_of
from suppliers.models import Question, Screening, ScreeningEvidence, Section
from suppliers.services.screenings import screening_answer
from suppliers.services.screenings_evidence import (
    MAX_EVIDENCE_BYTES,
    evidence_download_name,
    screening_evidence_add,
)

ANSWER_PREFIX = "q-"
EVIDENCE_PREFIX = "evidence-"
# What the file picker offers; the service still checks what each file really is.
EVIDENCE_ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx"


def _question_count() -> Subquery:
    """Questions of the screening's questionnaire, counted in the same query."""
    return Subquery(
        Question.objects.filter(section__questionnaire_id=OuterRef("questionnaire_id"))
        .order_by()
        .values("section__questionnaire_id")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def _answered(screening: Screening) -> int:
    return sum(1 for value in (screening.answers or {}).values() if value not in (None, ""))


class PortalHomeView(TenantPageMixin, View):
    """The supplier's screenings: those still to answer first, then those sent."""

    required_capability = Capability.ANSWER_SCREENING
    template_name = "suppliers/portal/home.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = (
            self.visible(Screening)
            .select_related("relationship__brand", "relationship__facility", "questionnaire")
            .annotate(question_count=_question_count())
            .order_by("-sent_at")
        )
        # At most one open screening per relationship, so all of them; the sent ones
        # pile up over the years and are paged.
        to_answer = list(rows.filter(status=Screening.Status.DRAFT))
        for screening in to_answer:
            screening.answered = _answered(screening)
        submitted = page_of(request, rows.filter(status=Screening.Status.SUBMITTED))
        context = {"to_answer": to_answer, "submitted": submitted}
        return render(request, self.template_name, context)


@dataclass
class QuestionRow:
    """One question as the form shows it: what was typed, what is wrong, what is attached."""

    question: Question
    value: str
    errors: list[str] = field(default_factory=list)
    evidence: list[ScreeningEvidence] = field(default_factory=list)
    evidence_errors: list[str] = field(default_factory=list)

    @property
    def input_name(self) -> str:
        return f"{ANSWER_PREFIX}{self.question.pk}"

    @property
    def evidence_name(self) -> str:
        return f"{EVIDENCE_PREFIX}{self.question.pk}"

    @property
    def anchor(self) -> str:
        return f"question-{self.question.pk}"

    @property
    def is_answered(self) -> bool:
        return self.value != ""

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.evidence_errors)


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


class PortalScreeningView(TenantPageMixin, View):
    """Answer one screening: save a draft any time, submit when every required answer
    is given; afterwards the same address shows the answers read-only."""

    required_capability = Capability.ANSWER_SCREENING
    template_name = "suppliers/portal/screening.html"

    def get_screening(self, pk: str) -> Screening:
        return get_object_or_404(
            self.visible(Screening).select_related(
                "relationship__brand", "relationship__facility", "questionnaire", "submitted_by"
            ),
            pk=pk,
        )

    def sections(
        self,
        screening: Screening,
        values: dict[str, str] | None = None,
        errors: dict[str, list[str]] | None = None,
        evidence_errors: dict[str, list[str]] | None = None,
    ) -> list[tuple[Section, list[QuestionRow]]]:
        """Sections with their question rows. ``values`` are what was typed (on a
        refused post); otherwise the saved answers are shown."""
        attached: dict[str, list[ScreeningEvidence]] = defaultdict(list)
        for item in screening.evidence.select_related("uploaded_by"):
            attached[str(item.question_id)].append(item)
        saved = screening.answers or {}
        errors, evidence_errors = errors or {}, evidence_errors or {}
        result = []
        for section in (
            Section.objects.filter(questionnaire_id=screening.questionnaire_id)
            .order_by("order", "id")
            .prefetch_related("questions")
        ):
            rows = []
            for question in section.questions.all():
                key = str(question.pk)
                answer_errors, file_errors = errors.get(key, []), evidence_errors.get(key, [])
                if not question.evidence_allowed:
                    # No file field to show the refusal by: show it by the answer.
                    answer_errors, file_errors = answer_errors + file_errors, []
                value = values.get(key, "") if values is not None else _as_text(saved.get(key))
                rows.append(
                    QuestionRow(
                        question=question,
                        value=value,
                        errors=answer_errors,
                        evidence=attached.get(key, []),
                        evidence_errors=file_errors,
                    )
                )
            result.append((section, rows))
        return result

    def page(
        self,
        screening: Screening,
        status: int = 200,
        sections: list[tuple[Section, list[QuestionRow]]] | None = None,
        **extra: Any,
    ) -> HttpResponse:
        sections = sections if sections is not None else self.sections(screening)
        rows = [row for _section, section_rows in sections for row in section_rows]
        context = {
            "screening": screening,
            "relationship": screening.relationship,
            "sections": sections,
            "answered": sum(1 for row in rows if row.is_answered),
            "total": len(rows),
            "invalid": [row for row in rows if row.has_errors],
            "read_only": screening.status != Screening.Status.DRAFT,
            "evidence_accept": EVIDENCE_ACCEPT,
            "evidence_rules": _(
                "PDF, photo (PNG, JPEG, WebP), Word or Excel file, up to %(size)s MB."
            )
            % {"size": MAX_EVIDENCE_BYTES // (1024 * 1024)},
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        return self.page(self.get_screening(pk))

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        screening = self.get_screening(pk)
        submit = request.POST.get("action") == "submit"
        questions = {
            str(q.pk): q
            for q in Question.objects.filter(section__questionnaire_id=screening.questionnaire_id)
        }
        # Every question is sent, so clearing a field clears the saved answer; an
        # unticked radio group posts nothing and counts as no answer.
        typed = {key: request.POST.get(f"{ANSWER_PREFIX}{key}", "").strip() for key in questions}
        # Files first: they attach to the draft even when an answer still needs fixing,
        # and a submitted screening takes no more files.
        try:
            evidence_errors = self.attach_files(screening, questions)
        except DomainError as exc:
            return self.page(screening, status=exc.status_code, action_errors=[exc.message])
        try:
            # A refused file holds the submission back: the brand would get the answer
            # without the proof the supplier meant to send. The answers are kept.
            screening = screening_answer(
                screening=screening,
                by=self.membership,
                answers=typed,
                submit=submit and not evidence_errors,
            )
        except ValidationError as exc:
            return self.refused(screening, typed, exc.message_dict, evidence_errors, submit)
        except DomainError as exc:
            return self.page(screening, status=exc.status_code, action_errors=[exc.message])
        if evidence_errors:
            return self.refused(screening, typed, {}, evidence_errors, submit)
        target = reverse("portal_screening", args=[screening.pk])
        if submit:
            messages.success(
                request,
                _("Thank you: your answers were sent to %(brand)s.")
                % {"brand": screening.relationship.brand.name},
            )
            return redirect(target)
        messages.success(request, _("Your answers were saved. You can come back at any time."))
        uploaded_for = request.POST.get("upload", "")
        if uploaded_for in questions:
            return redirect(f"{target}#question-{uploaded_for}")
        return redirect(target)

    def attach_files(
        self, screening: Screening, questions: dict[str, Question]
    ) -> dict[str, list[str]]:
        """Attach every chosen file to its question; the refusals, per question id."""
        errors: dict[str, list[str]] = {}
        for name in self.request.FILES:
            question = questions.get(name.removeprefix(EVIDENCE_PREFIX))
            if not name.startswith(EVIDENCE_PREFIX) or question is None:
                continue
            for upload in self.request.FILES.getlist(name):
                try:
                    self.attach(screening, question, upload)
                except ValidationError as exc:
                    errors.setdefault(str(question.pk), []).extend(
                        f"{upload.name}: {message}" for message in exc.messages
                    )
        return errors

    def attach(self, screening: Screening, question: Question, upload: UploadedFile) -> None:
        screening_evidence_add(
            screening=screening, by=self.membership, question=question, file=upload
        )

    def refused(
        self,
        screening: Screening,
        typed: dict[str, str],
        errors: dict[str, list[str]],
        evidence_errors: dict[str, list[str]],
        submit: bool,
    ) -> HttpResponse:
        """Show the form again with what was typed and each error by its question."""
        screening.refresh_from_db(fields=["status", "answers"])
        sections = self.sections(screening, typed, errors, evidence_errors)
        if errors:
            summary = (
                _("Your answers were not sent: correct the questions marked below.")
                if submit
                else _("Your answers were not saved: correct the questions marked below.")
            )
        elif submit:
            summary = _(
                "Your answers were saved but not sent: some files were not attached. "
                "Choose a valid file or none, then submit again."
            )
        else:
            summary = _("Your answers were saved, but some files were not attached.")
        return self.page(screening, status=400, sections=sections, form_error=summary)


class EvidenceDownloadView(TenantPageMixin, View):
    """A file attached to a screening, for whoever sees that screening."""

    def get(self, request: HttpRequest, pk: str) -> FileResponse:
        evidence = get_object_or_404(
            ScreeningEvidence.objects.filter(screening__in=self.visible(Screening)), pk=pk
        )
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("This file is no longer available.")) from None
        # Always a download: an uploaded file is never rendered as a page of this site.
        return FileResponse(
            handle,
            as_attachment=True,
            filename=evidence_download_name(evidence),
            content_type=evidence.content_type or "application/octet-stream",
        )


urlpatterns = [
    path("", PortalHomeView.as_view(), name="portal_home"),
    path("screenings/<uuid:pk>/", PortalScreeningView.as_view(), name="portal_screening"),
    path(
        "evidence/<uuid:pk>/",
        EvidenceDownloadView.as_view(),
        name="portal_evidence_download",
    ),
]
