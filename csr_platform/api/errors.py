"""One JSON error shape for every API failure.

``{"status": 409, "code": "conflict", "detail": "…", "fields": {"name": ["…"]}}`` —
``fields`` is present only for validation errors on named inputs.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from csr_platform.errors import DomainError


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [
            str(item) if not isinstance(item, dict | list) else _flatten(item) for item in detail
        ]
    return [str(detail)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(
            {"status": exc.status_code, "code": exc.code, "detail": exc.message},
            status=exc.status_code,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body: dict[str, Any] = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "invalid"
        body["detail"] = str(_("The request has invalid fields."))
        data = exc.detail
        if isinstance(data, dict):
            body["fields"] = _flatten(data)
            non_field = body["fields"].pop("non_field_errors", None)
            if non_field:
                body["detail"] = " ".join(non_field)
        else:
            body["detail"] = " ".join(_flatten(data))
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        body["code"] = codes if isinstance(codes, str) else "error"
        body["detail"] = str(exc.detail)
    else:
        body["code"] = "error"
        body["detail"] = str(response.data)
    if response.status_code == status.HTTP_404_NOT_FOUND:
        body["detail"] = str(_("Not found."))
    response.data = body
    return response
