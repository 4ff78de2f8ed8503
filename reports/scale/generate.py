"""One generation run: people, then each brand's facilities in chunks, then shared
audits; every chunk in its own transaction, written with COPY on PostgreSQL.

Memory stays bounded by the chunk (a few hundred relationships with all their audits,
findings and CAPs), whatever the scale.
"""

from __future__ import annotations

import io
import json
import string
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from time import perf_counter
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from laws.models import Requirement
from remediation.models import CapEvent
from reports.scale.auditing import audit_history
from reports.scale.context import Brand, Run
from reports.scale.people import add_brands, add_partners
from reports.scale.remediation import EVIDENCE_FOLDER, sample_files
from reports.scale.reset import scale_data_delete, scale_data_exists
from reports.scale.sharing import add_audit_shares
from reports.scale.sourcing import SupplierFactory, add_link, brand_slots
from reports.scale.writer import ChunkWriter
from reports.services.scorecards import current_scorecards_refresh_all
from suppliers.models import CountryRisk

DEFAULT_PASSWORD = "scale-password"
# Relationships per transaction: about 5,000 findings and 60,000 rows in all.
DEFAULT_CHUNK = 250


class ScaleDataExists(Exception):
    """Generated data is already in the database and no reset was asked for."""


@dataclass(frozen=True)
class ScaleOptions:
    scale: float = 1.0
    seed: int = 1
    # Every date is counted back from this day; today when not given.
    today: date | None = None
    password: str = DEFAULT_PASSWORD
    reset: bool = False
    # Where the manifest for benchmarks is written; var/scale/manifest.json by default.
    manifest: Path | None = None
    chunk: int = DEFAULT_CHUNK


@dataclass
class ScaleResult:
    counts: dict[str, int]
    steps: list[tuple[str, float]] = field(default_factory=list)
    seconds: float = 0.0
    manifest: dict[str, Any] = field(default_factory=dict)
    manifest_path: Path | None = None


def default_manifest_path() -> Path:
    return Path(settings.VAR_DIR) / "scale" / "manifest.json"


def generate_scale_data(
    *, options: ScaleOptions, report: Callable[[str], None] = lambda line: None
) -> ScaleResult:
    """Generate the data set; raise :class:`ScaleDataExists` if one is loaded and
    ``options.reset`` is not set. Same options (seed, scale, today) → same rows.
    ``report`` receives a line as each step ends."""
    if options.scale <= 0:
        raise ValueError("The scale must be above zero.")
    began = perf_counter()
    steps: list[tuple[str, float]] = []

    @contextmanager
    def step(name: str) -> Iterator[None]:
        started = perf_counter()
        yield
        seconds = perf_counter() - started
        steps.append((name, seconds))
        report(f"{name}: {seconds:.1f} s")

    if scale_data_exists():
        if not options.reset:
            raise ScaleDataExists(
                "Scale data is already loaded (organizations with slugs starting "
                "'scale-'); run again with --reset to replace it."
            )
        with step("reset"):
            scale_data_delete()
    with step("law library"):
        if not Requirement.objects.exists():
            call_command("load_law_library", stdout=io.StringIO())
        _store_evidence_samples()
    run = Run(seed=options.seed, today=options.today or timezone.localdate(), scale=options.scale)
    # One hash for every generated person (hashing each would take minutes), salted
    # from the seed so the same seed gives the same rows.
    salt = "".join(run.rng.choice(string.ascii_letters + string.digits) for _ in range(22))
    run.password_hash = make_password(options.password, salt=salt)
    run.country_ratings = {
        str(country): rating
        for country, rating in CountryRisk.objects.values_list("country", "rating")
    }
    with step("brands, people and consultants"), transaction.atomic():
        add_brands(run)
        add_partners(run)
        run.tables.flush()
    # Timeline events (three in five rows) are written beside everything else.
    writer = ChunkWriter(trailing=frozenset({CapEvent}))
    try:
        # Smallest first: each brand takes about 15 % of its facilities from those of
        # the brands before it, so the largest, last, shares 15 % of its own.
        for brand in reversed(run.brands):
            with step(f"{brand.slug}: {brand.facility_count} facilities"):
                _brand(run, brand, writer, chunk=max(1, options.chunk))
        with step("last writes"):
            writer.finish()
    finally:
        writer.finish()
    if writer.checks_in_bulk:
        with step("foreign keys checked in bulk"):
            writer.check_references()
    with step("audit shares"), transaction.atomic():
        add_audit_shares(run)
        run.tables.flush()
    with step("current scorecards"):
        # As the hourly refresh would have left them: a list's first reader does not
        # pay for scoring a whole brand.
        current_scorecards_refresh_all()
    if connection.vendor == "postgresql":
        # VACUUM writes the visibility map that index-only scans need (rows written by
        # COPY have none), as autovacuum would on a live database. It cannot run in a
        # transaction (the tests' rolled-back one), where statistics must do.
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with step("vacuum and analyze"), connection.cursor() as cursor:
            cursor.execute(statement)
    counts = run.tables.counts()
    seconds = perf_counter() - began
    result = ScaleResult(counts=counts, steps=steps, seconds=seconds)
    result.manifest = _manifest(run, options, counts, seconds)
    result.manifest_path = options.manifest or default_manifest_path()
    result.manifest_path.parent.mkdir(parents=True, exist_ok=True)
    result.manifest_path.write_text(json.dumps(result.manifest, indent=2) + "\n", encoding="utf-8")
    return result


def _brand(run: Run, brand: Brand, writer: ChunkWriter, *, chunk: int) -> None:
    slots = brand_slots(run, brand)
    suppliers = SupplierFactory(run)
    for start in range(0, len(slots), chunk):
        for site in slots[start : start + chunk]:
            audit_history(run, add_link(run, brand, site, suppliers))
        writer.submit(run.tables.detach())


def _store_evidence_samples() -> None:
    """The files every generated evidence row points at, stored once."""
    for name, content in sample_files().items():
        path = f"{EVIDENCE_FOLDER}/{name}"
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(content))


def _manifest(
    run: Run, options: ScaleOptions, counts: dict[str, int], seconds: float
) -> dict[str, Any]:
    """What a benchmark needs to log in and open the heaviest pages."""
    largest = run.brands[0]
    seen = run.highlights
    sample_site = max(seen.caps_per_site, key=seen.caps_per_site.__getitem__, default=None)
    overdue = seen.overdue_caps.get(sample_site) if sample_site else None
    if overdue is None and seen.overdue_caps:
        overdue = next(iter(seen.overdue_caps.values()))
    busiest_supplier = max(
        seen.open_caps_per_supplier, key=seen.open_caps_per_supplier.__getitem__, default=None
    )

    def text(key: Any) -> str | None:
        return None if key is None else str(uuid.UUID(str(key)))

    return {
        "seed": run.seed,
        "scale": run.scale,
        "today": run.today.isoformat(),
        "password": options.password,
        "largest_brand": {
            "slug": largest.slug,
            "id": text(largest.id),
            "members": {
                "admin": largest.admin.email,
                "csr": largest.csr[0].email,
                "sourcing": largest.sourcing[0].email,
                "viewer": largest.viewer.email,
            },
            "sample_facility_id": text(sample_site),
            "sample_cap_id": text(seen.richest_cap[1]),
            "sample_overdue_cap_id": text(overdue),
        },
        "supplier_member_email": (
            seen.supplier_admins.get(busiest_supplier) if busiest_supplier else None
        ),
        "counts": counts,
        "seconds": round(seconds, 1),
    }
