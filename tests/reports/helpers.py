"""Arrange helpers for the reports tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from PIL import Image


def png(width: int = 40, height: int = 16, colour: tuple[int, int, int] = (170, 51, 0)) -> bytes:
    """A real PNG image of the given size: what a brand uploads as its logo."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


PNG = png()


def downloaded(response: Any) -> bytes:
    """The bytes of a file response (streamed)."""
    return b"".join(response.streaming_content)


FAKE_PDF = b"%PDF-1.7\n% a report\n%%EOF\n"


class FakeRenderer:
    """Stands in for WeasyPrint: reports progress like the real one, and remembers
    what it was asked for."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.error = error

    def __call__(self, kind: str, **kwargs: Any) -> bytes:
        self.calls.append({"kind": kind, **kwargs})
        progress: Callable[[int], None] = kwargs["progress"]
        progress(40)
        progress(20)  # never backwards
        progress(80)
        if self.error is not None:
            raise self.error
        return FAKE_PDF
