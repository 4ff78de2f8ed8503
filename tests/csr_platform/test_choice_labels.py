"""Choice labels in the API (``status_label``, ``category_label``…): the same words as
``get_FOO_display``, in the caller's language, read from a dictionary built once
rather than from the field's choices rebuilt for every row."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import translation
from rest_framework import serializers

from audits.models import Audit, Finding
from csr_platform.api.fields import ChoiceLabelField
from remediation.models import CorrectiveActionPlan, RootCause
from suppliers.models import SourcingRelationship
from tests.conftest import get_display_refused, token_client
from tests.factories import member
from tests.remediation.helpers import open_cap

API = "/api/v1"


class FindingLabels(serializers.ModelSerializer[Finding]):
    category_label = ChoiceLabelField(source="category")
    severity_label = ChoiceLabelField(source="severity")
    scheme_label = ChoiceLabelField(source="audit.scheme")

    class Meta:
        model = Finding
        fields = ["category_label", "severity_label", "scheme_label"]


def choices(model: type[models.Model], name: str) -> list[Any]:
    field: Any = model._meta.get_field(name)
    return [value for value, _label in field.flatchoices]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("category", choices(Finding, "category"))
def test_each_category_reads_as_get_display_says_in_each_language(
    category: str, language: str
) -> None:
    finding = Finding(category=category, severity="major", audit=Audit(scheme="smeta"))

    with translation.override(language):
        row = FindingLabels(finding).data
        expected = (
            finding.get_category_display(),
            finding.get_severity_display(),
            finding.audit.get_scheme_display(),
        )

    assert (row["category_label"], row["severity_label"], row["scheme_label"]) == expected


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (CorrectiveActionPlan, "status"),
        (CorrectiveActionPlan, "verification_method"),
        (SourcingRelationship, "status"),
        (RootCause, "category"),
        (RootCause, "purchasing_code"),
    ],
)
def test_every_choice_of_other_fields_reads_as_get_display_says(
    model: type[models.Model], name: str
) -> None:
    class Labels(serializers.ModelSerializer[Any]):
        shown = ChoiceLabelField(source=name)

        class Meta:
            fields = ["shown"]

    Labels.Meta.model = model
    # Every choice, an empty value and one the choices do not know.
    for value in [*choices(model, name), "", "retired-value"]:
        row = model(**{name: value})
        with translation.override("es"):
            expected = getattr(row, f"get_{name}_display")()
            assert Labels(row).data["shown"] == expected


def test_a_label_needs_a_model_to_read_the_choices_from() -> None:
    class NotAModel(serializers.Serializer[Any]):
        status_label = ChoiceLabelField(source="status")

    with pytest.raises(ImproperlyConfigured, match="ModelSerializer"):
        NotAModel({"status": "open"}).data  # noqa: B018  # reading .data binds the fields


@pytest.mark.django_db
def test_the_cap_list_speaks_the_language_the_client_asks_for() -> None:
    brand = member("brand", "csr")
    cap = open_cap(brand, category="HOURS", severity="major")

    spanish = token_client(brand).get(f"{API}/caps/", HTTP_ACCEPT_LANGUAGE="es").json()
    english = token_client(brand).get(f"{API}/caps/", HTTP_ACCEPT_LANGUAGE="en").json()

    (row,) = spanish["results"]
    assert row["finding"]["category_label"] == "Jornada laboral, horas extra, días de descanso"
    with translation.override("es"):
        assert row["status_label"] == cap.get_status_display()
        assert row["finding"]["severity_label"] == cap.finding.get_severity_display()
    assert english["results"][0]["finding"]["category_label"] == (
        "Working hours, overtime, rest days"
    )


@pytest.mark.django_db
def test_lists_do_not_rebuild_the_choices_for_each_label() -> None:
    brand = member("brand", "admin")
    open_cap(brand, category="OSH")
    client = token_client(brand)

    # get_FOO_display rebuilt the whole list of choices, one gettext per label, on
    # every call (five a CAP row); the labels must come from elsewhere.
    with get_display_refused():
        caps = client.get(f"{API}/caps/")
        findings = client.get(f"{API}/findings/")
        audits = client.get(f"{API}/audits/")
        facilities = client.get(f"{API}/facilities/")

    assert caps.json()["results"][0]["status_label"] == "Open"
    assert findings.json()["results"][0]["category_label"] == "Workplace health and safety"
    assert audits.json()["results"][0]["scheme_label"] == "SMETA"
    assert facilities.json()["results"][0]["relationship"]["status_label"] == "Prospective"


@pytest.mark.django_db
def test_the_schema_still_documents_labels_as_read_only_strings() -> None:
    schema = token_client(member("brand", "admin")).get(f"{API}/schema/", {"format": "json"}).json()

    cap = schema["components"]["schemas"]["Cap"]["properties"]
    assert cap["status_label"] == {"type": "string", "readOnly": True}
    assert cap["verification_method_label"] == {"type": "string", "readOnly": True}
