"""One row per benchmark, and the table they make (Markdown and JSON)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PASS, MISS, INFO = "pass", "miss", "—"


@dataclass
class Row:
    """What one benchmark measured, as the table shows it; ``data`` keeps the raw
    numbers (seconds, counts) for the JSON file."""

    name: str
    target: str
    measured: str
    queries: str = ""
    baseline: str = ""
    ratio: float | None = None
    misses: list[str] = field(default_factory=list)
    checked: bool = True
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def result(self) -> str:
        if not self.checked:
            return INFO
        return MISS if self.misses else PASS


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.0095 else f"{seconds * 1000:.1f} ms"


def latency_text(p50: float, p95: float) -> str:
    return f"p50 {milliseconds(p50)} · p95 {milliseconds(p95)}"


def seconds_text(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def ratio_text(ratio: float | None) -> str:
    return "" if ratio is None else f"{ratio:.1f}×"


COLUMNS = ("Benchmark", "Target", "Measured", "Queries", "Baseline", "Ratio", "Result")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: Sequence[Row]) -> str:
    """The Markdown table, one line per row, misses named after the result."""
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    for row in rows:
        result = row.result
        if row.misses:
            result += ": " + "; ".join(row.misses)
        cells = (
            row.name,
            row.target,
            row.measured,
            row.queries,
            row.baseline,
            ratio_text(row.ratio),
            result,
        )
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines)


def write(rows: Sequence[Row], *, folder: Path, stem: str, header: str) -> tuple[Path, Path]:
    """Write ``<stem>.md`` (``header`` then the table) and ``<stem>.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    markdown = folder / f"{stem}.md"
    markdown.write_text(f"{header}\n\n{table(rows)}\n", encoding="utf-8")
    document = {
        "header": header,
        "rows": [{**asdict(row), "result": row.result} for row in rows],
    }
    data = folder / f"{stem}.json"
    data.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    return markdown, data
