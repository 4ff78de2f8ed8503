"""Root-cause categories and the brand-side purchasing-practice codes.

Categories: the fishbone proposed for social compliance in the product's domain
notes (§4, a proposal, unsourced), which adds to DESIGN.md's list (people, process,
policy, equipment, materials, recruitment, external, purchasing practice) the
records, capacity, pay and subcontracting branches.

Purchasing-practice codes: the platform's proposal in the domain notes, built on
ETI's drivers of excessive overtime, low wages and temporary labour (short-term
planning, late order changes, inaccurate forecasting, below-cost pricing, late
payment) and mapped onto the Common Framework for Responsible Purchasing Practices
(2022) and Better Buying's seven categories.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PURCHASING_PRACTICE = "purchasing_practice"

CAUSE_CATEGORIES: list[tuple[str, object]] = [
    ("people", _("People and skills")),
    ("policy", _("Policies and procedures")),
    ("process", _("Process and methods")),
    ("records", _("Records and systems")),
    ("capacity", _("Capacity and planning")),
    ("pay", _("Pay and incentives")),
    ("equipment", _("Facilities and equipment")),
    ("materials", _("Materials")),
    ("recruitment", _("Labour agents and recruitment")),
    ("subcontracting", _("Subcontracting")),
    (PURCHASING_PRACTICE, _("Buyer purchasing practices")),
    ("external", _("Legal and external")),
]

PURCHASING_PRACTICE_CODES: list[tuple[str, object]] = [
    ("BP_FORECAST", _("Inaccurate forecasting")),
    ("BP_LATE_CHANGE", _("Late design or order changes")),
    ("BP_LEADTIME", _("Lead time too short")),
    ("BP_PRICE", _("Price below cost; labour cost not ring-fenced")),
    ("BP_PAYMENT", _("Late payment or cancellation")),
    ("BP_VOLATILITY", _("Volatile order volumes")),
    ("BP_NO_INCENTIVE", _("No reward for good compliance")),
    ("BP_RELATIONSHIP", _("Short-term or unequal relationship")),
]

CATEGORY_CODES = frozenset(code for code, _label in CAUSE_CATEGORIES)
PURCHASING_CODES = frozenset(code for code, _label in PURCHASING_PRACTICE_CODES)
