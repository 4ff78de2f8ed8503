"""Facility import and export through the API: all rows or none, errors per row."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from suppliers.models import Facility
from tests.conftest import token_client
from tests.factories import member

pytestmark = pytest.mark.django_db
URL = "/api/v1/facilities/import/"
HEADER = "name,country,supplier_name,os_id\n"


def _file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("facilities.csv", text.encode(), content_type="text/csv")


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row() -> None:
    client = token_client(member("brand", "csr"))
    body = HEADER + "Lotus Knit,BD,Lotus Ltd,BD1\nNo Country,,Other Ltd,BD2\n"

    response = client.post(URL, {"file": _file(body)}, format="multipart")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(3, "country")]
    assert not Facility.objects.exists()


def test_a_good_file_imports_every_row_and_the_export_lists_them() -> None:
    csr = member("brand", "csr")
    client = token_client(csr)
    body = HEADER + "Lotus Knit,BD,Lotus Ltd,BD1\nSaigon Sew,VN,Saigon Ltd,VN1\n"

    response = client.post(URL, {"file": _file(body)}, format="multipart")
    exported = client.get("/api/v1/facilities/export/?file_format=csv")

    assert response.status_code == 201, response.json()
    assert response.json()["facilities_created"] == 2
    streamed: Any = exported
    text = b"".join(streamed.streaming_content).decode("utf-8-sig")
    assert "Lotus Knit" in text
    assert "Saigon Sew" in text


def test_only_those_who_add_facilities_import() -> None:
    response = token_client(member("brand", "viewer")).post(
        URL, {"file": _file(HEADER + "A,BD,B,\n")}, format="multipart"
    )

    assert response.status_code == 403
