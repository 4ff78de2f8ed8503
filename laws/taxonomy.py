"""The finding taxonomy: 15 categories shared by every scheme.

Mapping of each category to the schemes' own clauses (SMETA, amfori BSCI performance
areas, RBA Code v8.0, SLCP sections, ILO conventions) from the sourced scheme lists in
the product's domain notes; the merged list itself is the platform's proposal.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FindingCategory(models.TextChoices):
    CHILD = "CHILD", _("Child labour & young workers")
    FORCED = "FORCED", _("Forced, bonded or trafficked labour")
    FOA = "FOA", _("Freedom of association & collective bargaining")
    DISC = "DISC", _("Discrimination, harassment, maternity protection")
    TREAT = "TREAT", _("Harsh or inhumane treatment, discipline")
    WAGE = "WAGE", _("Wages, benefits, social insurance")
    HOURS = "HOURS", _("Working hours, overtime, rest days")
    EMPLOY = "EMPLOY", _("Contracts, precarious work, termination")
    SUBCON = "SUBCON", _("Sub-contracting and homeworking")
    OSH = "OSH", _("Workplace health and safety")
    FACIL = "FACIL", _("Dormitories, canteens, sanitation, childcare")
    VOICE = "VOICE", _("Grievance mechanisms and worker voice")
    MGMT = "MGMT", _("Management system, policies, records")
    ENV = "ENV", _("Environment")
    ETHICS = "ETHICS", _("Bribery, misrepresentation, data privacy")


# Scheme references per category: SMETA clause, amfori performance area, RBA clause,
# SLCP section, ILO conventions.
SCHEME_REFERENCES: dict[str, dict[str, str]] = {
    "CHILD": {
        "smeta": "4",
        "amfori": "8, 9",
        "rba": "A2",
        "slcp": "Recruitment & Hiring",
        "ilo": "C138, C182",
    },
    "FORCED": {
        "smeta": "1",
        "amfori": "11",
        "rba": "A1",
        "slcp": "Recruitment & Hiring; Worker Treatment; Termination",
        "ilo": "C29, P29, C105",
    },
    "FOA": {
        "smeta": "2",
        "amfori": "3",
        "rba": "A7",
        "slcp": "Worker Involvement",
        "ilo": "C87, C98",
    },
    "DISC": {
        "smeta": "7",
        "amfori": "4",
        "rba": "A6",
        "slcp": "Recruitment & Hiring; Worker Treatment",
        "ilo": "C100, C111",
    },
    "TREAT": {"smeta": "9", "amfori": "2", "rba": "A5", "slcp": "Worker Treatment", "ilo": ""},
    "WAGE": {"smeta": "5", "amfori": "5", "rba": "A4", "slcp": "Wages & Benefits", "ilo": ""},
    "HOURS": {"smeta": "6", "amfori": "6", "rba": "A3", "slcp": "Working Hours", "ilo": ""},
    "EMPLOY": {
        "smeta": "8, 10A",
        "amfori": "10",
        "rba": "A1 (part)",
        "slcp": "Recruitment & Hiring; Termination",
        "ilo": "",
    },
    "SUBCON": {
        "smeta": "8A",
        "amfori": "1",
        "rba": "E12",
        "slcp": "Recruitment & Hiring (subcontractors)",
        "ilo": "",
    },
    "OSH": {
        "smeta": "3",
        "amfori": "7",
        "rba": "B1–B6",
        "slcp": "Health & Safety",
        "ilo": "C155, C187",
    },
    "FACIL": {"smeta": "3", "amfori": "7", "rba": "B7", "slcp": "Health & Safety", "ilo": ""},
    "VOICE": {
        "smeta": "0.B",
        "amfori": "2",
        "rba": "E8, D6",
        "slcp": "Worker Involvement",
        "ilo": "",
    },
    "MGMT": {
        "smeta": "0.A, 0.B",
        "amfori": "1",
        "rba": "E1–E11",
        "slcp": "Management Systems",
        "ilo": "",
    },
    "ENV": {"smeta": "10B", "amfori": "12", "rba": "C1–C8", "slcp": "", "ilo": ""},
    "ETHICS": {"smeta": "10C", "amfori": "13", "rba": "D1–D8", "slcp": "", "ilo": ""},
}


class Severity(models.TextChoices):
    """The platform's severity ladder (a tenant-configurable default)."""

    ZERO_TOLERANCE = "zero_tolerance", _("Zero tolerance")
    CRITICAL = "critical", _("Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    OBSERVATION = "observation", _("Observation")
