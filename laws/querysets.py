"""Reading the law library. Laws are reference data every member may read; brand
code-of-conduct clauses are private to their brand."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Self

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from csr_platform.querysets import TenantQuerySet

if TYPE_CHECKING:
    from csr_platform.models import Membership


class RequirementQuerySet(QuerySet):
    def live(self) -> Self:
        """Not retracted by a correction."""
        return self.filter(retracted=False)

    def in_force(self, on: date) -> Self:
        """The versions that applied on ``on`` (one per country, topic and scope)."""
        return self.live().filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on), effective_from__lte=on
        )

    def search(self, text: str) -> Self:
        """Full-text search with ranking on PostgreSQL; a plain match elsewhere.

        PostgreSQL matches and ranks the stored ``search_document``, best match first
        (then country and topic); rows written outside the services, without a
        document, are not found until ``write_search_documents`` runs over them.
        """
        text = text.strip()
        if not text:
            return self
        if self.db == "default" and self._is_postgres():
            from django.contrib.postgres.search import SearchQuery, SearchRank

            query = SearchQuery(text, search_type="websearch")
            return (
                self.filter(search_document=query)
                .annotate(rank=SearchRank(F("search_document"), query))
                .order_by("-rank", "country", "topic")
            )
        words = text.split()
        condition = Q()
        for word in words:
            condition &= (
                Q(summary__icontains=word)
                | Q(interpretation__icontains=word)
                | Q(remediation_guidance__icontains=word)
                | Q(citation__icontains=word)
                | Q(instrument__title__icontains=word)
            )
        return self.filter(condition)

    def write_search_documents(self) -> int:
        """Rewrite these requirements' ``search_document`` from their words and their
        instrument's title, in one UPDATE; returns the rows written (none off
        PostgreSQL, where search reads the columns themselves)."""
        if not self._is_postgres():
            return 0
        from django.contrib.postgres.search import SearchVector

        from laws.models import LegalInstrument  # laws.models imports this module

        # An UPDATE cannot join, so the instrument's title comes as a subquery.
        title = Subquery(
            LegalInstrument.objects.filter(pk=OuterRef("instrument_id")).values("title")
        )
        return self.update(
            search_document=SearchVector("summary", weight="A")
            + SearchVector(title, "citation", weight="B")
            + SearchVector("interpretation", "remediation_guidance", weight="C")
        )

    def _is_postgres(self) -> bool:
        from django.db import connections

        return connections[self.db].vendor == "postgresql"


class CodeClauseQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        return self.filter(brand_id=membership.organization_id)
