"""Screening answers as suppliers give them, and the risk score they lead to.

The score has the components, points and sentences of
``suppliers.services.risk.risk_components``, computed here from memory rather than
with its queries per relationship.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django_countries import countries

from reports.scale.context import Brand, Key, Person, Run, Site, Weighted
from suppliers.models import Question, Screening, SourcingRelationship
from suppliers.services.risk import (
    ANSWER_POINTS,
    CERTIFICATE_CREDIT,
    CERTIFICATE_CREDIT_MAX,
    COUNTRY_POINTS,
    RED_FLAG_EACH,
    RED_FLAG_POINTS,
    UNRATED_COUNTRY,
    Component,
    falls_short,
    grade_for,
    is_red_flag,
)

Status = SourcingRelationship.Status
# How well suppliers answer, by where their relationship ended up.
QUALITY: dict[str, Weighted] = {
    Status.APPROVED: Weighted({"good": 50, "mixed": 40, "poor": 10}),
    Status.CONDITIONAL: Weighted({"mixed": 70, "poor": 30}),
    Status.SUSPENDED: Weighted({"mixed": 60, "poor": 40}),
    Status.EXITING: Weighted({"mixed": 60, "poor": 40}),
    Status.EXITED: Weighted({"mixed": 60, "poor": 40}),
    Status.IN_REVIEW: Weighted({"good": 50, "mixed": 35, "poor": 15}),
    Status.REJECTED: Weighted({"poor": 1}),
}


def add_screening(
    run: Run,
    link_id: Key,
    brand: Brand,
    csr: Person,
    site: Site,
    sent: datetime,
    submitted: datetime | None,
    answers: dict[str, Any],
) -> None:
    run.tables[Screening].add(
        id=run.key(),
        relationship_id=link_id,
        questionnaire_id=brand.questionnaire_id,
        status=Screening.Status.SUBMITTED if submitted else Screening.Status.DRAFT,
        answers=answers,
        sent_by_id=csr.user_id,
        sent_at=sent,
        submitted_by_id=site.admin.user_id if submitted else None,
        submitted_at=submitted,
    )


def screening_answers(
    run: Run, questions: list[Question], quality: str, submitted: datetime
) -> dict[str, Any]:
    """Answers as a supplier gives them: ``good`` meets every expectation, ``mixed``
    falls short on a few without red flags, ``poor`` raises red flags."""
    rng = run.rng
    answers: dict[str, Any] = {}
    for question in questions:
        expected, flags = question.expected, list(question.red_flags or [])
        flag_values = [f for f in flags if not isinstance(f, dict)]
        number_flags = [f for f in flags if isinstance(f, dict)]
        poor = quality == "poor" and rng.random() < 0.5
        short = quality == "mixed" and rng.random() < 0.2
        answer: Any
        if question.kind == Question.Kind.NUMBER:
            bounds = expected if isinstance(expected, dict) else {}
            answer = bounds["min"] + rng.randint(0, 6) if "min" in bounds else rng.randint(40, 60)
            if poor and number_flags:
                flag = number_flags[0]
                answer = flag["below"] - 1 if "below" in flag else flag.get("above", 70) + 4
            elif short and "min" in bounds:
                answer = bounds["min"] - 1
        elif question.kind == Question.Kind.DATE:
            answer = (submitted.date() - timedelta(days=rng.randint(20, 400))).isoformat()
        elif question.kind == Question.Kind.TEXT:
            answer = rng.choice(("WRAP, working towards SA8000.", "None yet.", "BSCI audited."))
        elif question.kind == Question.Kind.CHOICE:
            answer = expected if expected in question.choices else question.choices[0]
            if poor and flag_values:
                answer = flag_values[0]
        else:
            answer = expected or "yes"
            opposite = "no" if answer == "yes" else "yes"
            if poor and flag_values:
                answer = flag_values[0]
            elif short and opposite not in flag_values:
                answer = opposite
        answers[str(question.pk)] = answer
    return answers


def risk(
    run: Run, brand: Brand, site: Site, answers: dict[str, Any] | None
) -> tuple[int, str, list[dict[str, Any]]]:
    """Score, grade and breakdown, with the components, points and sentences of
    ``suppliers.services.risk.risk_components`` (computed here from memory)."""
    words_of = run.phrases
    rating = run.country_ratings.get(site.country)
    baseline = UNRATED_COUNTRY if rating is None else rating
    components = [
        Component(
            "country",
            words_of.country_baseline,
            round(COUNTRY_POINTS * baseline / 100),
            words_of.country_rated
            % {
                "country": countries.name(site.country),
                "rating": baseline,
                "unrated": "" if rating is not None else words_of.not_rated,
            },
        )
    ]
    if answers is None:
        components.append(
            Component(
                "answers",
                words_of.screening_answers,
                ANSWER_POINTS // 2,
                words_of.no_screening,
            )
        )
        components.append(Component("red_flags", words_of.red_flags, 0, words_of.no_screening))
    else:
        questions = brand.questions
        total = sum(q.weight for q in questions) or 1
        short = [q for q in questions if falls_short(q, answers.get(str(q.pk)))]
        flags = [q for q in questions if is_red_flag(q, answers.get(str(q.pk)))]
        components.append(
            Component(
                "answers",
                words_of.screening_answers,
                round(ANSWER_POINTS * sum(q.weight for q in short) / total),
                words_of.falling_short % {"short": len(short), "all": len(questions)},
            )
        )
        components.append(
            Component(
                "red_flags",
                words_of.red_flags,
                min(RED_FLAG_POINTS, RED_FLAG_EACH * len(flags)),
                "; ".join(q.text[:80] for q in flags) or words_of.none,
            )
        )
    components.append(
        Component(
            "certifications",
            words_of.valid_certificates,
            -min(CERTIFICATE_CREDIT_MAX, CERTIFICATE_CREDIT * len(site.valid_certificates)),
            ", ".join(site.valid_certificates) or words_of.none,
        )
    )
    score = max(0, min(100, sum(c.points for c in components)))
    return score, grade_for(score), [asdict(c) for c in components]
