from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from csr_platform.models import Organization
from laws.parameters import SCHEMAS, Topic, validate_parameters
from laws.querysets import CodeClauseQuerySet, RequirementQuerySet
from laws.taxonomy import FindingCategory

# Labels by value, built once: ``get_topic_display`` rebuilds the whole list of
# topics (one ``gettext`` each) on every call, a cost the library's list paid per row.
TOPIC_LABELS: dict[str, Any] = dict(Topic.choices)


class LegalInstrument(models.Model):
    """A statute, code, regulation, decree or notification of one country."""

    class Kind(models.TextChoices):
        CONSTITUTION = "constitution", _("Constitution")
        STATUTE = "statute", _("Statute / act / code")
        REGULATION = "regulation", _("Regulation / rules")
        DECREE = "decree", _("Decree / ordinance")
        NOTIFICATION = "notification", _("Notification / prakas / gazette")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country: CountryField[str, Country] = CountryField(verbose_name=_("country"))
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STATUTE)
    source_url = models.URLField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["country", "title"]
        verbose_name = _("legal instrument")
        verbose_name_plural = _("legal instruments")
        constraints = [
            models.UniqueConstraint(fields=["country", "title"], name="instrument_unique_title"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.country.code})"


class Requirement(models.Model):
    """One legal rule on one topic in one country, as in force for a period.

    A change of law is a new version: the old one ends the day before and points at
    its successor (``superseded_by``). A correction of a recorded fact is also a new
    version, with the same dates; the corrected row stays as history but is
    ``retracted`` and never in force.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country: CountryField[str, Country] = CountryField(verbose_name=_("country"), db_index=True)
    topic = models.CharField(_("topic"), max_length=40, choices=Topic.choices, db_index=True)
    # Distinguishes rules that coexist on one topic, e.g. the garment-sector wage and
    # a regional wage; empty for the country's general rule.
    scope = models.CharField(_("scope"), max_length=80, blank=True)
    instrument = models.ForeignKey(
        LegalInstrument, on_delete=models.PROTECT, related_name="requirements"
    )
    citation = models.CharField(_("article / section"), max_length=200, blank=True)
    summary = models.TextField(_("summary"))
    interpretation = models.TextField(_("interpretation"), blank=True)
    remediation_guidance = models.TextField(_("remediation guidance"), blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    retracted = models.BooleanField(
        _("corrected"),
        default=False,
        help_text=_("Replaced by a corrected record of the same rule; kept as history only."),
    )
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    source_note = models.CharField(_("source note"), max_length=300, blank=True)
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    reviewer = models.CharField(_("reviewed by"), max_length=200, blank=True)
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("Unsourced or unverified: shown as such, never as settled fact."),
    )
    review_note = models.TextField(_("what to verify"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The weighted words search() matches and ranks, stored so a search reads them
    # instead of parsing every rule twice a request. It carries the instrument's title,
    # so it cannot be a generated column: the services that record a version or retitle
    # an instrument rewrite it (RequirementQuerySet.write_search_documents). PostgreSQL
    # only, where migration 0002 gives it a GIN index; NULL elsewhere (SQLite searches
    # with a plain match).
    search_document = SearchVectorField(null=True, editable=False)

    objects: ClassVar[RequirementQuerySet] = RequirementQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["country", "topic", "scope", "-effective_from"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            # One live record per rule and start date; corrections retract the old one.
            models.UniqueConstraint(
                fields=["country", "topic", "scope", "effective_from"],
                condition=Q(retracted=False),
                name="requirement_one_live_version_per_start",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="requirement_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["country", "topic", "effective_from"])]

    def __str__(self) -> str:
        scope = f" [{self.scope}]" if self.scope else ""
        return f"{self.country.code} {self.get_topic_display()}{scope} from {self.effective_from}"

    def clean(self) -> None:
        super().clean()
        self.parameters = validate_parameters(self.topic, self.parameters)

    @property
    def topic_label(self) -> str:
        """The topic in the reader's language, as ``get_topic_display`` gives it."""
        return str(TOPIC_LABELS.get(self.topic, self.topic))

    @property
    def reference(self) -> str:
        """How the rule is cited: 'Bangladesh Labour Act 2006 s.102'."""
        return f"{self.instrument.title} {self.citation}".strip()

    def parameter_rows(self) -> list[tuple[str, Any, str]]:
        """(label, value, unit) for each parameter set, in the schema's order."""
        rows = []
        currency = self.parameters.get("currency", "")
        for item in SCHEMAS.get(self.topic, ()):
            if item.key in self.parameters:
                unit = currency if item.unit == "currency" else item.unit
                rows.append((item.label, self.parameters[item.key], unit))
        return rows


class CodeClause(models.Model):
    """A clause of a brand's own code of conduct, optionally stricter than the law."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    brand = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="code_clauses")
    reference = models.CharField(_("reference"), max_length=50, help_text=_("e.g. “CoC 4.2”"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    category = models.CharField(_("category"), max_length=10, choices=FindingCategory.choices)
    topic = models.CharField(
        _("topic"),
        max_length=40,
        choices=Topic.choices,
        blank=True,
        help_text=_("Set with parameters to make the clause a limit the law check applies."),
    )
    parameters = models.JSONField(_("stricter limits"), default=dict, blank=True)
    countries = models.JSONField(
        _("countries"),
        default=list,
        blank=True,
        help_text=_("ISO country codes the clause applies to; empty for everywhere."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[CodeClauseQuerySet] = CodeClauseQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["reference"]
        verbose_name = _("code-of-conduct clause")
        verbose_name_plural = _("code-of-conduct clauses")
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "reference"], name="code_clause_unique_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def applies_in(self, country: str) -> bool:
        return not self.countries or country in self.countries
