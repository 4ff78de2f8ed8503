"""The questionnaire builder: a brand's screening questionnaires, their versions, and
editing a draft section by section and question by question.

Every brand member reads the list and the questionnaires; administrators and CSR staff
(``Capability.ADD_FACILITY``: they send questionnaires) write. Each edit rebuilds the
draft's document and hands it whole to ``questionnaire_replace``, so the page and the
API refuse exactly the same documents; published versions are frozen (409).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from csr_platform.errors import DomainError, StateConflict
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin
from laws.taxonomy import FindingCategory
from suppliers.models import Question, Questionnaire, Section
from suppliers.questionnaire_template import DEFAULT_QUESTIONNAIRE
from suppliers.services.questionnaires import (
    MAX_WEIGHT,
    questionnaire_create,
    questionnaire_document,
    questionnaire_new_version,
    questionnaire_publish,
    questionnaire_replace,
)

Kind = Question.Kind
YES_NO_CHOICES = [
    ("", gettext_lazy("— none —")),
    ("yes", gettext_lazy("Yes")),
    ("no", gettext_lazy("No")),
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class QuestionForm(forms.Form):
    """One question, without JSON: the expected answer and the red flags are asked in
    the terms of each answer type, and only the selected type's settings are kept."""

    text = forms.CharField(
        label=gettext_lazy("Question"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    help_text = forms.CharField(
        label=gettext_lazy("Help for the supplier"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Answer type"), choices=Kind.choices)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=FindingCategory.choices,
        help_text=gettext_lazy("The finding category a poor answer points to."),
    )
    weight = forms.IntegerField(
        label=gettext_lazy("Weight"),
        min_value=0,
        max_value=MAX_WEIGHT,
        initial=1,
        help_text=gettext_lazy("How much a poor answer adds to the risk (0–10)."),
    )
    required = forms.BooleanField(
        label=gettext_lazy("An answer is required to submit"), required=False, initial=True
    )
    evidence_allowed = forms.BooleanField(
        label=gettext_lazy("The supplier can attach files"), required=False
    )
    # Yes / no
    expected_yes_no = forms.ChoiceField(
        label=gettext_lazy("Expected answer"), choices=YES_NO_CHOICES, required=False
    )
    red_flag_yes_no = forms.ChoiceField(
        label=gettext_lazy("Red-flag answer"), choices=YES_NO_CHOICES, required=False
    )
    # One of several choices
    choices = forms.CharField(
        label=gettext_lazy("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One choice per line, 2 or more."),
    )
    expected_choice = forms.CharField(
        label=gettext_lazy("Expected choice"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Written exactly as in the list; empty if any choice is fine."),
    )
    red_flag_choices = forms.CharField(
        label=gettext_lazy("Red-flag choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One per line, written exactly as in the list."),
    )
    # Number
    expected_min = forms.DecimalField(label=gettext_lazy("Expected at least"), required=False)
    expected_max = forms.DecimalField(label=gettext_lazy("Expected at most"), required=False)
    red_flag_below = forms.DecimalField(label=gettext_lazy("Red flag below"), required=False)
    red_flag_above = forms.DecimalField(label=gettext_lazy("Red flag above"), required=False)

    GENERAL = ("text", "help_text", "kind", "category", "weight", "required", "evidence_allowed")
    GROUPS = {
        Kind.YES_NO: ("expected_yes_no", "red_flag_yes_no"),
        Kind.CHOICE: ("choices", "expected_choice", "red_flag_choices"),
        Kind.NUMBER: ("expected_min", "expected_max", "red_flag_below", "red_flag_above"),
    }

    @classmethod
    def initial_for(cls, question: Question) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(question, name) for name in cls.GENERAL}
        expected, flags = question.expected, question.red_flags or []
        if question.kind == Kind.YES_NO:
            initial["expected_yes_no"] = expected or ""
            initial["red_flag_yes_no"] = next((f for f in flags if isinstance(f, str)), "")
        elif question.kind == Kind.CHOICE:
            initial["choices"] = "\n".join(question.choices or [])
            initial["expected_choice"] = expected or ""
            initial["red_flag_choices"] = "\n".join(f for f in flags if isinstance(f, str))
        elif question.kind == Kind.NUMBER:
            if isinstance(expected, dict):
                initial["expected_min"] = expected.get("min")
                initial["expected_max"] = expected.get("max")
            for flag in flags:
                if isinstance(flag, dict):
                    initial["red_flag_below"] = flag.get("below", initial.get("red_flag_below"))
                    initial["red_flag_above"] = flag.get("above", initial.get("red_flag_above"))
        return initial

    def groups(self) -> list[tuple[str, Any, list[Any]]]:
        """The per-type settings as (kind, legend, bound fields), for the template."""
        legends = {
            Kind.YES_NO: _("If the answer is yes or no"),
            Kind.CHOICE: _("If the answer is one of several choices"),
            Kind.NUMBER: _("If the answer is a number"),
        }
        return [
            (str(kind), legends[kind], [self[name] for name in names])
            for kind, names in self.GROUPS.items()
        ]

    def general_fields(self) -> list[Any]:
        return [self[name] for name in self.GENERAL]

    def to_document(self) -> dict[str, Any]:
        """The question as the service's document shape (call after is_valid())."""
        data = self.cleaned_data
        kind = data["kind"]
        question: dict[str, Any] = {name: data[name] for name in self.GENERAL}
        question.update(choices=[], expected=None, red_flags=[])
        if kind == Kind.YES_NO:
            question["expected"] = data["expected_yes_no"] or None
            question["red_flags"] = [data["red_flag_yes_no"]] if data["red_flag_yes_no"] else []
        elif kind == Kind.CHOICE:
            question["choices"] = _lines(data["choices"])
            question["expected"] = data["expected_choice"].strip() or None
            question["red_flags"] = _lines(data["red_flag_choices"])
        elif kind == Kind.NUMBER:
            expected = {
                key: _number(data[f"expected_{key}"])
                for key in ("min", "max")
                if data[f"expected_{key}"] is not None
            }
            question["expected"] = expected or None
            question["red_flags"] = [
                {key: _number(data[f"red_flag_{key}"])}
                for key in ("below", "above")
                if data[f"red_flag_{key}"] is not None
            ]
        return question

    def add_service_errors(self, errors: dict[str, list[str]], prefix: str) -> None:
        """Put the service's errors under ``prefix`` (a dotted document path) on the
        field they are about; anything else on the form as a whole."""
        kind = str(self.cleaned_data.get("kind"))
        by_kind: dict[str, dict[str, str]] = {
            "expected": {
                Kind.YES_NO: "expected_yes_no",
                Kind.CHOICE: "expected_choice",
                Kind.NUMBER: "expected_min",
            },
            "red_flags": {
                Kind.YES_NO: "red_flag_yes_no",
                Kind.CHOICE: "red_flag_choices",
                Kind.NUMBER: "red_flag_below",
            },
        }
        for where, messages_ in errors.items():
            key = where.removeprefix(f"{prefix}.") if where.startswith(f"{prefix}.") else None
            target: str | None = None
            if key in by_kind:
                target = by_kind[key].get(kind)
            elif key in self.fields:
                target = key
            for message in messages_:
                self.add_error(target, message)


class SectionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Section title"), max_length=200)


class NameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)


class BuilderMixin(TenantPageMixin):
    """Brand members only: a supplier's or partner's member gets the 403 page."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        membership = getattr(request, "membership", None)
        if request.user.is_authenticated and membership is not None and not membership.is_brand:
            return render(request, "forbidden.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    @property
    def can_edit(self) -> bool:
        return self.membership.can(Capability.ADD_FACILITY)

    def get_questionnaire(self, pk: str) -> Questionnaire:
        sections = Section.objects.order_by("order", "id").prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("order", "id"))
        )
        return get_object_or_404(
            self.visible(Questionnaire).prefetch_related(Prefetch("sections", queryset=sections)),
            pk=pk,
        )

    def detail(self, questionnaire: Questionnaire, status: int = 200, **extra: Any) -> HttpResponse:
        series = (
            self.visible(Questionnaire)
            .filter(name=questionnaire.name)
            .order_by("-version")
            .only("pk", "name", "version", "status", "created_at")
        )
        draft = next((q for q in series if q.status == Questionnaire.Status.DRAFT), None)
        sections = list(questionnaire.sections.all())
        context = {
            "questionnaire": questionnaire,
            "sections": sections,
            "question_count": sum(len(s.questions.all()) for s in sections),
            "series": series,
            "draft_in_series": draft,
            "is_draft": questionnaire.status == Questionnaire.Status.DRAFT,
            "can_edit": self.can_edit,
            "rename_form": extra.pop("rename_form", None)
            or NameForm(initial={"name": questionnaire.name}),
            **extra,
        }
        return render(self.request, "suppliers/questionnaires/detail.html", context, status=status)

    def refused(
        self, questionnaire: Questionnaire, error: DomainError | ValidationError, **extra: Any
    ) -> HttpResponse:
        """The questionnaire again, with why the change was refused (400/403/409)."""
        if isinstance(error, ValidationError):
            return self.detail(questionnaire, status=400, action_errors=error.messages, **extra)
        return self.detail(
            questionnaire, status=error.status_code, action_errors=[error.message], **extra
        )

    def frozen(self, questionnaire: Questionnaire) -> HttpResponse | None:
        """The 409 page for any edit of a published or retired version."""
        if questionnaire.status == Questionnaire.Status.DRAFT:
            return None
        return self.refused(
            questionnaire,
            StateConflict(
                _("Version %(v)s is %(status)s and cannot change: make a new version.")
                % {
                    "v": questionnaire.version,
                    "status": questionnaire.get_status_display().lower(),
                }
            ),
        )

    def replace(self, questionnaire: Questionnaire, document: dict[str, Any]) -> Questionnaire:
        return questionnaire_replace(
            questionnaire=questionnaire, by=self.membership, document=document
        )


def _question_anchor(questionnaire: Questionnaire, section: int, position: int) -> str:
    """The detail page, scrolled to the question now at (section, position): question
    ids change when a draft is rewritten, positions do not."""
    url = reverse("questionnaire_detail", args=[questionnaire.pk])
    question = (
        Question.objects.filter(section__questionnaire=questionnaire, section__order=section)
        .order_by("order", "id")
        .values_list("pk", flat=True)
    )
    found = list(question[position : position + 1])
    return f"{url}#question-{found[0]}" if found else url


def _section_anchor(questionnaire: Questionnaire, section: int) -> str:
    return f"{reverse('questionnaire_detail', args=[questionnaire.pk])}#section-{section}"


def _locate(questionnaire: Questionnaire, question_pk: str) -> tuple[int, int]:
    """(section index, question index) of a question of the (prefetched) questionnaire."""
    for s_index, section in enumerate(questionnaire.sections.all()):
        for q_index, question in enumerate(section.questions.all()):
            if str(question.pk) == str(question_pk):
                return s_index, q_index
    raise KeyError(question_pk)


def _free_name(membership: Any, base: str) -> str:
    taken = set(Questionnaire.objects.visible_to(membership).values_list("name", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base} ({n})" in taken:
        n += 1
    return f"{base} ({n})"


class QuestionnaireListView(BuilderMixin, View):
    template_name = "suppliers/questionnaires/list.html"

    def page(self, status: int = 200, **extra: Any) -> HttpResponse:
        rows = (
            self.visible(Questionnaire)
            .annotate(question_count=Count("sections__questions"))
            .order_by("name", "-version")
        )
        context = {
            "questionnaires": rows,
            "can_edit": self.can_edit,
            "create_form": extra.pop("create_form", None)
            or NameForm(
                initial={"name": _free_name(self.membership, DEFAULT_QUESTIONNAIRE["name"])}
            ),
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page()


class QuestionnaireCreateView(QuestionnaireListView):
    """A draft copy of the platform's default questionnaire, to adapt and publish."""

    required_capability = Capability.ADD_FACILITY

    def post(self, request: HttpRequest) -> HttpResponse:
        form = NameForm(request.POST)
        if not form.is_valid():
            return self.page(status=400, create_form=form)
        try:
            questionnaire = questionnaire_create(
                by=self.membership,
                document={"from_template": True, "name": form.cleaned_data["name"]},
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("name", []):
                form.add_error("name", message)
            others = [m for k, ms in exc.message_dict.items() if k != "name" for m in ms]
            return self.page(status=400, create_form=form, action_errors=others)
        except DomainError as exc:
            return self.page(status=exc.status_code, action_errors=[exc.message])
        messages.success(
            request,
            _("“%(name)s” was created as a draft. Adapt it, then publish it.")
            % {"name": questionnaire.name},
        )
        return redirect("questionnaire_detail", pk=questionnaire.pk)


class QuestionnaireDetailView(BuilderMixin, View):
    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        return self.detail(self.get_questionnaire(pk))


class QuestionnaireRenameView(BuilderMixin, View):
    required_capability = Capability.ADD_FACILITY

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        questionnaire = self.get_questionnaire(pk)
        if (refusal := self.frozen(questionnaire)) is not None:
            return refusal
        form = NameForm(request.POST)
        if not form.is_valid():
            return self.detail(questionnaire, status=400, rename_form=form)
        document = questionnaire_document(questionnaire)
        document["name"] = form.cleaned_data["name"]
        try:
            self.replace(questionnaire, document)
        except ValidationError as exc:
            for message in exc.message_dict.get("name", []):
                form.add_error("name", message)
            return self.detail(questionnaire, status=400, rename_form=form)
        except DomainError as exc:
            return self.refused(questionnaire, exc)
        messages.success(request, _("The questionnaire was renamed."))
        return redirect("questionnaire_detail", pk=questionnaire.pk)


class SectionChangeView(BuilderMixin, View):
    """Rename, move up or down, or remove one section of a draft."""

    required_capability = Capability.ADD_FACILITY

    def post(self, request: HttpRequest, pk: str, index: int) -> HttpResponse:
        questionnaire = self.get_questionnaire(pk)
        if (refusal := self.frozen(questionnaire)) is not None:
            return refusal
        document = questionnaire_document(questionnaire)
        sections = document["sections"]
        if index >= len(sections):
            return redirect("questionnaire_detail", pk=questionnaire.pk)
        op = request.POST.get("op", "")
        target = index
        if op == "rename":
            form = SectionForm(request.POST)
            if not form.is_valid():
                return self.refused(
                    questionnaire, ValidationError(list(form.errors["title"])), section_error=index
                )
            sections[index]["title"] = form.cleaned_data["title"]
            done = _("The section was renamed.")
        elif op in ("up", "down"):
            target = index - 1 if op == "up" else index + 1
            if not 0 <= target < len(sections):
                return redirect(_section_anchor(questionnaire, index))
            sections[index], sections[target] = sections[target], sections[index]
            done = _("The section was moved.")
        elif op == "remove":
            if len(sections) == 1:
                return self.refused(
                    questionnaire,
                    ValidationError(_("A questionnaire needs at least one section.")),
                )
            del sections[index]
            target = max(index - 1, 0)
            done = _("The section was removed.")
        else:
            return redirect("questionnaire_detail", pk=questionnaire.pk)
        try:
            self.replace(questionnaire, document)
        except (ValidationError, DomainError) as exc:
            return self.refused(questionnaire, exc)
        messages.success(request, done)
        return redirect(_section_anchor(questionnaire, target))


class QuestionChangeView(BuilderMixin, View):
    """Move a question up or down (across sections at their ends), or remove it."""

    required_capability = Capability.ADD_FACILITY

    def post(self, request: HttpRequest, pk: str, question: str) -> HttpResponse:
        questionnaire = self.get_questionnaire(pk)
        if (refusal := self.frozen(questionnaire)) is not None:
            return refusal
        document = questionnaire_document(questionnaire)
        try:
            s_index, q_index = _locate(questionnaire, question)
        except KeyError:
            return redirect("questionnaire_detail", pk=questionnaire.pk)
        sections = document["sections"]
        questions = sections[s_index]["questions"]
        op = request.POST.get("op", "")
        if op == "remove":
            if len(questions) == 1:
                return self.refused(
                    questionnaire,
                    ValidationError(
                        _("A section needs at least one question: remove the section instead.")
                    ),
                )
            del questions[q_index]
            landing = (s_index, max(q_index - 1, 0))
            done = _("The question was removed.")
        elif op == "up":
            if q_index > 0:
                questions.insert(q_index - 1, questions.pop(q_index))
                landing = (s_index, q_index - 1)
            elif s_index > 0 and len(questions) > 1:
                previous = sections[s_index - 1]["questions"]
                previous.append(questions.pop(q_index))
                landing = (s_index - 1, len(previous) - 1)
            else:
                return redirect(_question_anchor(questionnaire, s_index, q_index))
            done = _("The question was moved up.")
        elif op == "down":
            if q_index < len(questions) - 1:
                questions.insert(q_index + 1, questions.pop(q_index))
                landing = (s_index, q_index + 1)
            elif s_index < len(sections) - 1 and len(questions) > 1:
                sections[s_index + 1]["questions"].insert(0, questions.pop(q_index))
                landing = (s_index + 1, 0)
            else:
                return redirect(_question_anchor(questionnaire, s_index, q_index))
            done = _("The question was moved down.")
        else:
            return redirect("questionnaire_detail", pk=questionnaire.pk)
        try:
            self.replace(questionnaire, document)
        except (ValidationError, DomainError) as exc:
            return self.refused(questionnaire, exc)
        messages.success(request, done)
        return redirect(_question_anchor(questionnaire, *landing))


class QuestionFormView(BuilderMixin, View):
    """The page of one question's form: edit a question, add one to a section, or add
    a section with its first question (a section is never empty)."""

    required_capability = Capability.ADD_FACILITY
    template_name = "suppliers/questionnaires/question_form.html"

    def form_page(
        self, questionnaire: Questionnaire, form: QuestionForm, status: int = 200, **extra: Any
    ) -> HttpResponse:
        context = {"questionnaire": questionnaire, "form": form, **extra}
        return render(self.request, self.template_name, context, status=status)

    def save(
        self,
        questionnaire: Questionnaire,
        form: QuestionForm,
        document: dict[str, Any],
        where: tuple[int, int],
        done: str,
        **extra: Any,
    ) -> HttpResponse:
        try:
            self.replace(questionnaire, document)
        except ValidationError as exc:
            errors = exc.message_dict
            form.add_service_errors(errors, f"sections.{where[0]}.questions.{where[1]}")
            section_errors = errors.get(f"sections.{where[0]}.title", [])
            return self.form_page(
                questionnaire, form, status=400, section_errors=section_errors, **extra
            )
        except DomainError as exc:
            return self.refused(questionnaire, exc)
        messages.success(self.request, done)
        return redirect(_question_anchor(questionnaire, *where))


class QuestionEditView(QuestionFormView):
    def get(self, request: HttpRequest, pk: str, question: str) -> HttpResponse:
        questionnaire = self.get_questionnaire(pk)
        if (refusal := self.frozen(questionnaire)) is not None:
            return refusal
        found = self.find(questionnaire, question)
        return self.form_page(
            questionnaire, QuestionForm(initial=QuestionForm.initial_for(found)), question=found
        )

    def post(self, request: HttpRequest, pk: str, question: str) -> HttpResponse:
        questionnaire = self.get_questionnaire(pk)
        if (refusal := self.frozen(questionnaire)) is not None:
            return refusal
        found = self.find(questionnaire, question)
        form = QuestionForm(request.POST)
        if not form.is_valid():
            return self.form_page(questionnaire, form, status=400, question=found)
        document = questionnaire_document(questionnaire)
        s_index, q_index = _locate(questionnaire, question)
        document["sections"][s_index]["questions"][q_index] = form.to_document()
        return self.save(
            questionnaire,
            form,
            document,
            (s_index, q_index),
            _("The question was saved."),
            question=found,
        )

    def find(self, questionnaire: Questionnaire, question: str) -> Question:
        for section in questionnaire.sections.all():
            for candidate in section.questions.all():
                if str(candidate.pk) == str(question):
                    return candidate
        raise Http404


class QuestionAddView(QuestionFormView):
    def section(self, questionnaire: Questionnaire, index: int) -> Section:
        sections = list(questionnaire.sections.all())
        if index >= len(sections):
            raise Http404
        return sections[index]

    def get(self, request: HttpRequest, pk: str, index: int) -> HttpResponse:
        questionnaire = self.get_questionnaire(pk)
        if (refusal := self.frozen(questionnaire)) is not None:
            return refusal
        section = self.section(questionnaire, index)
        return self.form_page(questionnaire, QuestionForm(), section=section, index=index)

    def post(self, request: HttpRequest, pk: str, index: int) -> HttpResponse:
        questionnaire = self.get_questionnaire(pk)
        if (refusal := self.frozen(questionnaire)) is not None:
            return refusal
        section = self.section(questionnaire, index)
        form = QuestionForm(request.POST)
        if not form.is_valid():
            return self.form_page(questionnaire, form, status=400, section=section, index=index)
        document = questionnaire_document(questionnaire)
        questions = document["sections"][index]["questions"]
        questions.append(form.to_document())
        return self.save(
            questionnaire,
            form,
            document,
            (index, len(questions) - 1),
            _("The question was added."),
            section=section,
            index=index,
        )


class SectionAddView(QuestionFormView):
    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        questionnaire = self.get_questionnaire(pk)
        if (refusal := self.frozen(questionnaire)) is not None:
            return refusal
        return self.form_page(
            questionnaire, QuestionForm(), section_form=SectionForm(), new_section=True
        )

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        questionnaire = self.get_questionnaire(pk)
        if (refusal := self.frozen(questionnaire)) is not None:
            return refusal
        section_form = SectionForm(request.POST)
        form = QuestionForm(request.POST)
        if not (section_form.is_valid() & form.is_valid()):
            return self.form_page(
                questionnaire, form, status=400, section_form=section_form, new_section=True
            )
        document = questionnaire_document(questionnaire)
        document["sections"].append(
            {"title": section_form.cleaned_data["title"], "questions": [form.to_document()]}
        )
        return self.save(
            questionnaire,
            form,
            document,
            (len(document["sections"]) - 1, 0),
            _("The section was added."),
            section_form=section_form,
            new_section=True,
        )


class QuestionnairePublishView(BuilderMixin, View):
    required_capability = Capability.ADD_FACILITY

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        questionnaire = self.get_questionnaire(pk)
        try:
            questionnaire = questionnaire_publish(questionnaire=questionnaire, by=self.membership)
        except (ValidationError, DomainError) as exc:
            return self.refused(questionnaire, exc)
        messages.success(
            request,
            _("Version %(v)s is published: it is what your team sends from now on.")
            % {"v": questionnaire.version},
        )
        return redirect("questionnaire_detail", pk=questionnaire.pk)


class QuestionnaireNewVersionView(BuilderMixin, View):
    required_capability = Capability.ADD_FACILITY

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        questionnaire = self.get_questionnaire(pk)
        try:
            draft = questionnaire_new_version(questionnaire=questionnaire, by=self.membership)
        except (ValidationError, DomainError) as exc:
            return self.refused(questionnaire, exc)
        messages.success(
            request,
            _("Version %(v)s was created as a draft copy. Edit it, then publish it.")
            % {"v": draft.version},
        )
        return redirect("questionnaire_detail", pk=draft.pk)


urlpatterns = [
    path("", QuestionnaireListView.as_view(), name="questionnaire_list"),
    path("new/", QuestionnaireCreateView.as_view(), name="questionnaire_create"),
    path("<uuid:pk>/", QuestionnaireDetailView.as_view(), name="questionnaire_detail"),
    path("<uuid:pk>/name/", QuestionnaireRenameView.as_view(), name="questionnaire_rename"),
    path("<uuid:pk>/publish/", QuestionnairePublishView.as_view(), name="questionnaire_publish"),
    path(
        "<uuid:pk>/new-version/",
        QuestionnaireNewVersionView.as_view(),
        name="questionnaire_new_version",
    ),
    path("<uuid:pk>/sections/new/", SectionAddView.as_view(), name="questionnaire_section_add"),
    path(
        "<uuid:pk>/sections/<int:index>/",
        SectionChangeView.as_view(),
        name="questionnaire_section_change",
    ),
    path(
        "<uuid:pk>/sections/<int:index>/questions/new/",
        QuestionAddView.as_view(),
        name="questionnaire_question_add",
    ),
    path(
        "<uuid:pk>/questions/<uuid:question>/",
        QuestionEditView.as_view(),
        name="questionnaire_question_edit",
    ),
    path(
        "<uuid:pk>/questions/<uuid:question>/change/",
        QuestionChangeView.as_view(),
        name="questionnaire_question_change",
    ),
]
