"""Fixtures of the reports tests."""

from __future__ import annotations

import pytest

from reports import documents
from tests.factories import Brand
from tests.reports.helpers import FakeRenderer


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch) -> FakeRenderer:
    """The PDF renderer replaced by a fake (the real one is tested in test_documents)."""
    fake = FakeRenderer()
    monkeypatch.setattr(documents, "render_report", fake)
    return fake


@pytest.fixture
def brand() -> Brand:
    return Brand()
