"""The default screening questionnaire every brand starts from.

Built on the finding taxonomy: child and forced labour, recruitment fees, wages and
hours records, freedom of association, fire and building safety, wastewater and
chemicals, management systems, certifications, subcontracting, and the supplier's
commitment to improve. A brand edits its copy (a new version) in the builder.
"""

from __future__ import annotations

from typing import Any

# Each question: text, kind, category, weight, expected answer, red-flag answers,
# whether evidence may be attached.
DEFAULT_QUESTIONNAIRE: dict[str, Any] = {
    "name": "Supplier screening",
    "sections": [
        {
            "title": "Child labour and young workers",
            "questions": [
                {
                    "text": "Do you check and keep a copy of proof of age for every worker before hiring?",
                    "kind": "yes_no",
                    "category": "CHILD",
                    "weight": 5,
                    "expected": "yes",
                    "red_flags": ["no"],
                    "evidence_allowed": True,
                },
                {
                    "text": "How old is your youngest worker?",
                    "kind": "number",
                    "category": "CHILD",
                    "weight": 5,
                    "expected": {"min": 18},
                    "red_flags": [{"below": 15}],
                },
            ],
        },
        {
            "title": "Forced labour and recruitment",
            "questions": [
                {
                    "text": "Do any workers pay recruitment fees or related costs to get their job?",
                    "kind": "yes_no",
                    "category": "FORCED",
                    "weight": 5,
                    "expected": "no",
                    "red_flags": ["yes"],
                },
                {
                    "text": "Do you keep workers' passports or identity documents?",
                    "kind": "yes_no",
                    "category": "FORCED",
                    "weight": 5,
                    "expected": "no",
                    "red_flags": ["yes"],
                },
                {
                    "text": "Can workers leave the premises freely after their shift?",
                    "kind": "yes_no",
                    "category": "FORCED",
                    "weight": 4,
                    "expected": "yes",
                    "red_flags": ["no"],
                },
            ],
        },
        {
            "title": "Wages and working hours",
            "questions": [
                {
                    "text": "Do you keep time records for every worker, covering all hours worked?",
                    "kind": "yes_no",
                    "category": "HOURS",
                    "weight": 3,
                    "expected": "yes",
                    "evidence_allowed": True,
                },
                {
                    "text": "What was the longest working week (regular plus overtime) in the last 12 months, in hours?",
                    "kind": "number",
                    "category": "HOURS",
                    "weight": 3,
                    "expected": {"max": 60},
                    "red_flags": [{"above": 72}],
                },
                {
                    "text": "Are all workers paid at least the legal minimum wage, on time, with a payslip?",
                    "kind": "yes_no",
                    "category": "WAGE",
                    "weight": 4,
                    "expected": "yes",
                    "red_flags": ["no"],
                    "evidence_allowed": True,
                },
                {
                    "text": "Is overtime paid at the legal premium rate?",
                    "kind": "yes_no",
                    "category": "WAGE",
                    "weight": 3,
                    "expected": "yes",
                },
            ],
        },
        {
            "title": "Freedom of association and worker voice",
            "questions": [
                {
                    "text": "Is there a trade union or an elected worker committee?",
                    "kind": "yes_no",
                    "category": "FOA",
                    "weight": 2,
                    "expected": "yes",
                },
                {
                    "text": "Can workers raise grievances anonymously?",
                    "kind": "yes_no",
                    "category": "VOICE",
                    "weight": 2,
                    "expected": "yes",
                },
            ],
        },
        {
            "title": "Fire and building safety",
            "questions": [
                {
                    "text": "Are all emergency exits unlocked and unobstructed during working hours?",
                    "kind": "yes_no",
                    "category": "OSH",
                    "weight": 5,
                    "expected": "yes",
                    "red_flags": ["no"],
                },
                {
                    "text": "Does the building have a valid structural safety and fire certificate?",
                    "kind": "yes_no",
                    "category": "OSH",
                    "weight": 4,
                    "expected": "yes",
                    "evidence_allowed": True,
                },
                {
                    "text": "Date of the last fire evacuation drill",
                    "kind": "date",
                    "category": "OSH",
                    "weight": 2,
                },
            ],
        },
        {
            "title": "Environment",
            "questions": [
                {
                    "text": "Is wastewater treated before discharge, with a valid permit?",
                    "kind": "yes_no",
                    "category": "ENV",
                    "weight": 3,
                    "expected": "yes",
                    "evidence_allowed": True,
                },
                {
                    "text": "Do you keep an inventory of chemicals with safety data sheets?",
                    "kind": "yes_no",
                    "category": "ENV",
                    "weight": 2,
                    "expected": "yes",
                },
            ],
        },
        {
            "title": "Management system, certifications and subcontracting",
            "questions": [
                {
                    "text": "Do you have a written social compliance policy and someone responsible for it?",
                    "kind": "yes_no",
                    "category": "MGMT",
                    "weight": 2,
                    "expected": "yes",
                },
                {
                    "text": "Which social or environmental certifications does the facility hold?",
                    "kind": "text",
                    "category": "MGMT",
                    "weight": 1,
                    "required": False,
                },
                {
                    "text": "Do you subcontract any production?",
                    "kind": "choice",
                    "choices": ["No", "Yes, declared to the brand", "Yes, not declared"],
                    "category": "SUBCON",
                    "weight": 3,
                    "expected": "No",
                    "red_flags": ["Yes, not declared"],
                },
            ],
        },
        {
            "title": "Commitment to improve",
            "questions": [
                {
                    "text": "Will you share audit results and work on a corrective action plan with the brand?",
                    "kind": "yes_no",
                    "category": "MGMT",
                    "weight": 4,
                    "expected": "yes",
                    "red_flags": ["no"],
                },
            ],
        },
    ],
}
