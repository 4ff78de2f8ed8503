from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from csr_platform.models import ApiToken, User
from csr_platform.services.tokens import api_token_authenticate


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>``; the request acts for the token's membership."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the header as: Authorization: Token <key>.")
            )
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("The key contains invalid characters.")
            ) from None
        token = api_token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked API key."))
        return token.membership.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "csr_platform.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token-based authentication: `Authorization: Token <key>`.",
        }
