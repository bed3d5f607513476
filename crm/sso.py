"""Single sign-on with an OpenID Connect provider (Microsoft Entra ID, Keycloak, ...), through
mozilla-django-oidc: the authorization code flow, the ID token's signature checked against the
provider's keys, the claims read from its userinfo endpoint. Off unless ``OIDC_RP_CLIENT_ID`` is
set (``crm/settings_auth.py``).

Who may sign in: a user the CRM already has. Matched first by the provider's ``sub`` stored
for them (``SsoIdentity``), else once by e-mail address (one active user with that address,
and only if the provider does not say the address is unverified); the ``sub`` is then stored,
so an e-mail change at either side does not move the sign-in to someone else. Nobody is
created and no role is given: memberships stay in the CRM, so a user without one signs in to
an empty CRM. Anyone else gets a page that says so, and no session.

Second factor: a sign-in through the provider is a first factor, like the password, and the
CRM still asks for its own code or security key (``crm/mfa.py``), unless the deployment trusts
the provider's MFA (``OIDC_TRUST_AMR`` / ``OIDC_TRUST_ACR``) and the ID token shows it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from crm.models import AuditEntry, SsoIdentity

logger = logging.getLogger(__name__)

REFUSED = "wsp_sso_refused"  # request attribute: the e-mail address of an unknown user
TRUSTED_MFA = "wsp_sso_mfa"  # request attribute: the provider's MFA is trusted for this sign-in


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def provider_mfa_trusted(claims: dict[str, Any]) -> bool:
    """Whether the ID token shows a second factor the deployment trusts (``amr``, ``acr``)."""
    amr = claims.get("amr") or []
    amr = [amr] if isinstance(amr, str) else amr
    if set(settings.OIDC_TRUST_AMR) & {str(method) for method in amr}:
        return True
    return bool(settings.OIDC_TRUST_ACR) and str(claims.get("acr", "")) in settings.OIDC_TRUST_ACR


class SsoBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching existing users only (see the module's text)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if enabled():  # the library reads its settings here and fails on a missing one
            super().__init__(*args, **kwargs)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if not enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        users = get_user_model().objects.filter(is_active=True)
        by_sub = users.filter(sso_identity__sub=str(claims["sub"]))
        if by_sub.exists():
            return list(by_sub)
        email = str(claims.get("email") or "").strip()
        if not email or claims.get("email_verified") is False:
            return []
        # A user already linked to another subject is not taken over by an address.
        return list(users.filter(email__iexact=email, sso_identity__isnull=True)[:2])

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        user = super().get_or_create_user(access_token, id_token, payload)
        request = self.request
        if user is None:
            setattr(request, REFUSED, str(payload.get("email") or ""))
            logger.warning("single sign-on refused: no CRM user for subject %s", payload.get("sub"))
            return None
        setattr(request, TRUSTED_MFA, provider_mfa_trusted(payload))
        return user

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        """Store the subject the first time (nothing else of the provider's is copied)."""
        sub = str(claims["sub"])
        if not SsoIdentity.objects.filter(user=user).exists():
            try:
                with transaction.atomic():
                    SsoIdentity.objects.create(user=user, sub=sub)
            except IntegrityError:  # another user holds this subject: refuse, do not guess
                return None
            AuditEntry.record("crm.sso.linked", target=user, actor=user, data={"sub": sub})
        return user


class AuthenticateView(OIDCAuthenticationRequestView):
    """The sign-in button's target: off (404) unless single sign-on is configured."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; a refusal is a page that says why."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def login_failure(self) -> HttpResponse:
        refused = getattr(self.request, REFUSED, None)
        context = {"provider": settings.OIDC_PROVIDER_NAME, "unknown": refused is not None, "email": refused or ""}
        return render(self.request, "registration/sso_refused.html", context, status=403)


class LoginView(auth_views.LoginView):
    """Django's sign-in page with the "Inloggen met <provider>" button when sign-on is on."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "sso_provider": settings.OIDC_PROVIDER_NAME if enabled() else ""}
