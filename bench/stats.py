"""Percentiles of latency samples."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The ``fraction`` (0–1) percentile of ``samples``, interpolated linearly between
    the two nearest ranks (NumPy's default), so p50 of an even count is the mean of
    the middle two. Raises ``ValueError`` on no samples or a fraction outside 0–1."""
    if not samples:
        raise ValueError("No samples.")
    if not 0 <= fraction <= 1:
        raise ValueError(f"A percentile is between 0 and 1, not {fraction}.")
    ordered = sorted(samples)
    position = (len(ordered) - 1) * fraction
    below, above = math.floor(position), math.ceil(position)
    if below == above:
        return ordered[below]
    weight = position - below
    return ordered[below] * (1 - weight) + ordered[above] * weight


@dataclass(frozen=True)
class Latency:
    """p50 and p95 of one series of requests, in seconds."""

    p50: float
    p95: float
    count: int

    @classmethod
    def of(cls, samples: Sequence[float]) -> Latency:
        return cls(p50=percentile(samples, 0.5), p95=percentile(samples, 0.95), count=len(samples))
