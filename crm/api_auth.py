"""API tokens that expire: DRF's token authentication, refusing a token older than
``API_TOKEN_DAYS`` (the token endpoint hands out a new one then, after the second factor)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        from crm.mfa import token_expired

        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(_("Token expired: ask the token endpoint for a new one."))
        return user, token
