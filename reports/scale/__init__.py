"""Realistic data at scale for benchmarks: ``manage.py generate_scale_data``.

Twenty brands (the largest with 5,000 facilities, 25,000 audits, about 250,000
findings and 230,000 CAPs with their root causes, actions, evidence, comments and
timelines), deterministic for a seed and a day, written in bulk without model saves,
signals or services, yet keeping every constraint and the invariants the services
keep. Generated organizations have slugs starting ``scale-``, so a reset removes them
and never touches demo data.
"""

from reports.scale.generate import (
    DEFAULT_PASSWORD,
    ScaleDataExists,
    ScaleOptions,
    ScaleResult,
    default_manifest_path,
    generate_scale_data,
)
from reports.scale.reset import scale_data_delete, scale_data_exists

__all__ = [
    "DEFAULT_PASSWORD",
    "ScaleDataExists",
    "ScaleOptions",
    "ScaleResult",
    "default_manifest_path",
    "generate_scale_data",
    "scale_data_delete",
    "scale_data_exists",
]
