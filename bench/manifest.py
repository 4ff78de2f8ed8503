"""The manifest ``generate_scale_data`` writes: who to sign in as and which rows to open."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Manifest:
    path: Path
    password: str
    today: date
    scale: float
    brand_slug: str
    brand_id: str
    members: dict[str, str]
    sample_facility_id: str
    sample_cap_id: str
    sample_overdue_cap_id: str
    supplier_member_email: str
    counts: dict[str, int]

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Raises ``ValueError`` naming what is missing from an unreadable manifest."""
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            brand = data["largest_brand"]
            return cls(
                path=path,
                password=data["password"],
                today=date.fromisoformat(data["today"]),
                scale=float(data.get("scale", 1.0)),
                brand_slug=brand["slug"],
                brand_id=brand["id"],
                members=dict(brand["members"]),
                sample_facility_id=brand["sample_facility_id"],
                sample_cap_id=brand["sample_cap_id"],
                sample_overdue_cap_id=brand["sample_overdue_cap_id"],
                supplier_member_email=data["supplier_member_email"],
                counts={str(k): int(v) for k, v in data.get("counts", {}).items()},
            )
        except (OSError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: not a readable scale-data manifest ({exc!r})") from exc
