"""The state one generation run shares: the seeded random source, the clock, the law
library in memory, and the people and sites made so far.

Everything random comes from one ``random.Random(seed)`` drawn in a fixed order, and
every date is counted back from ``today``, so the same seed and day give the same rows,
identifiers included.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from django.utils.translation import gettext as _

from audits.models import Audit
from laws.models import Requirement
from remediation.models import CapAction, CapParticipant
from reports.scale.writer import Tables

# A primary key as 32 hexadecimal digits: what a UUID column takes, made several
# times faster than ``uuid.UUID`` objects (millions are made per run).
Key = str
# The bits a random 128-bit number needs set or cleared to be a version 4 UUID.
_VERSION_MASK = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_VERSION_BITS = (0x4000 << 64) | (0x8000 << 48)

# Five years of history, ending the day before ``today``.
WINDOW_DAYS = 5 * 365 + 1
SLUG_PREFIX = "scale-"
EMAIL_DOMAIN_PREFIX = "@scale-"


class Weighted:
    """A fixed distribution to draw keys from."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.keys = list(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> str:
        return self.keys[bisect(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True)
class LawVersion:
    """One version of a country's rule, as the generator needs it."""

    id: Key
    country: str
    topic: str
    scope: str
    effective_from: date
    effective_to: date | None
    reference: str
    # When the next version of the same rule came into force, if one did, and how
    # it is cited.
    successor_from: date | None
    successor_reference: str

    @property
    def rule(self) -> tuple[str, str, str]:
        return (self.country, self.topic, self.scope)

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or self.effective_to >= day
        )


class LawIndex:
    """The live law library, to cite the version in force on an audit's first day."""

    def __init__(self) -> None:
        by_rule: dict[tuple[str, str, str], list[Requirement]] = defaultdict(list)
        for requirement in (
            Requirement.objects.live().select_related("instrument").order_by("effective_from")
        ):
            key = (str(requirement.country), requirement.topic, requirement.scope)
            by_rule[key].append(requirement)
        self._by_topic: dict[tuple[str, str], list[LawVersion]] = defaultdict(list)
        for (country, topic, scope), versions in sorted(by_rule.items()):
            for position, requirement in enumerate(versions):
                successor = versions[position + 1] if position + 1 < len(versions) else None
                self._by_topic[(country, topic)].append(
                    LawVersion(
                        id=requirement.pk.hex,
                        country=country,
                        topic=topic,
                        scope=scope,
                        effective_from=requirement.effective_from,
                        effective_to=requirement.effective_to
                        or (successor.effective_from - timedelta(days=1) if successor else None),
                        reference=requirement.reference,
                        successor_from=successor.effective_from if successor else None,
                        successor_reference=successor.reference if successor else "",
                    )
                )
        self.countries = frozenset(country for country, _topic in self._by_topic)

    def in_force(self, country: str, topic: str, on: date) -> LawVersion | None:
        """The general rule in force on ``on``; a scoped one (a sector's minimum wage)
        where the country has no general rule on the topic."""
        versions = [v for v in self._by_topic.get((country, topic), ()) if v.in_force_on(on)]
        general = [v for v in versions if v.scope == ""]
        chosen = general or versions
        return chosen[0] if chosen else None


@dataclass
class Person:
    """A generated user and their one membership."""

    user_id: Key
    membership_id: Key
    email: str
    name: str
    organization_id: Key


@dataclass
class Brand:
    number: int
    id: Key
    slug: str
    name: str
    facility_count: int
    created_at: datetime
    admin: Person
    csr: list[Person]
    sourcing: list[Person]
    viewer: Person
    days: dict[str, int]
    schemes: Weighted
    questionnaire_id: Key
    questions: list[Any]


@dataclass
class Site:
    """A generated facility and the supplier that runs it."""

    id: Key
    name: str
    country: str
    supplier_id: Key
    supplier_name: str
    admin: Person
    created_at: datetime
    workers: int
    valid_certificates: list[str]


@dataclass
class LinkSummary:
    """What the audit-sharing pass needs of one brand's relationship with a site."""

    brand: Brand
    site: Site
    status: str
    csr: Person
    last_final_audit: Key | None = None
    last_final_at: datetime | None = None
    last_audit_at: datetime | None = None


@dataclass
class Highlights:
    """Rows of the largest brand worth pointing a benchmark at."""

    caps_per_site: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    open_caps_per_supplier: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    supplier_admins: dict[Key, str] = field(default_factory=dict)
    richest_cap: tuple[int, Key | None] = (0, None)
    overdue_caps: dict[Key, Key] = field(default_factory=dict)


class Phrases:
    """The product's own sentences for notes and breakdowns, in the active language,
    translated once per run rather than once per row."""

    def __init__(self) -> None:
        self.cap_opened = _("Opened when the audit was finalized.")
        self.found_again = _("Found again by the audit of %(date)s.")
        self.audit_finalized = _("%(audit)s: %(findings)s findings, %(repeats)s repeats")
        self.law_changed = _("The law changed from %(date)s: %(ref)s.")
        self.action_kinds = {kind: str(label) for kind, label in CapAction.Kind.choices}
        self.consultant = str(CapParticipant.Role.CONSULTANT.label)
        self.schemes = {scheme: str(label) for scheme, label in Audit.Scheme.choices}
        self.country_baseline = _("Country baseline")
        self.country_rated = _("%(country)s rated %(rating)s/100%(unrated)s")
        self.not_rated = _(" (not rated yet: middle value used)")
        self.screening_answers = _("Screening answers")
        self.no_screening = _("No screening submitted yet")
        self.red_flags = _("Red flags")
        self.falling_short = _("%(short)s of %(all)s answers fall short of what is expected")
        self.none = _("None")
        self.valid_certificates = _("Valid certifications")


class Run:
    """One generation: the random source, the clock, the tables being filled."""

    def __init__(self, *, seed: int, today: date, scale: float) -> None:
        # Reproducible invented data, not secrets: a seeded generator is the point.
        self.rng = random.Random(seed)  # noqa: S311
        self.seed = seed
        self.scale = scale
        self.today = today
        # Everything generated happened before today began.
        self.cutoff = datetime.combine(today, time.min, tzinfo=UTC)
        self.window_start = today - timedelta(days=WINDOW_DAYS)
        self.tables = Tables()
        self.laws = LawIndex()
        self.phrases = Phrases()
        self.password_hash = ""
        self.country_ratings: dict[str, int] = {}
        self.brands: list[Brand] = []
        self.sites: list[Site] = []
        self.links_by_site: dict[Key, list[LinkSummary]] = defaultdict(list)
        self.highlights = Highlights()
        self.partners: list[tuple[Key, str, frozenset[str], Person]] = []
        self.supplier_count = 0

    def key(self) -> Key:
        """A new primary key: a version 4 UUID drawn from the seeded random source."""
        return "%032x" % (self.rng.getrandbits(128) & _VERSION_MASK | _VERSION_BITS)

    def moment(self, day: date) -> datetime:
        """A time in the working day of ``day`` (UTC), never at or after the cutoff."""
        at = datetime.combine(day, time(6), tzinfo=UTC) + timedelta(
            seconds=self.rng.randrange(12 * 3600)
        )
        return min(at, self.cutoff - timedelta(seconds=1 + self.rng.randrange(3600)))

    def later(self, moment: datetime, low_days: float, high_days: float) -> datetime:
        """A moment between ``low_days`` and ``high_days`` days after ``moment``."""
        return moment + timedelta(days=self.rng.uniform(low_days, high_days))

    def day_between(self, first: date, last: date) -> date:
        span = (last - first).days
        return first + timedelta(days=self.rng.randint(0, max(span, 0)))

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability
