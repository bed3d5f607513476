"""Sign-in settings beside the password: single sign-on with an OpenID Connect provider
(mozilla-django-oidc, ``crm/sso.py``) and security keys and passkeys (django-otp-webauthn,
``crm/mfa_webauthn.py``), read from the environment; ``crm.settings`` imports every name.

Single sign-on is off unless ``OIDC_RP_CLIENT_ID`` is set; then the provider's endpoints must be
set too (``OIDC_OP_AUTHORIZATION_ENDPOINT``, ``OIDC_OP_TOKEN_ENDPOINT``, ``OIDC_OP_USER_ENDPOINT``,
``OIDC_OP_JWKS_ENDPOINT``: Entra ID and Keycloak list them in their discovery document).
"""

from __future__ import annotations

from crm.env import Env as _Env

_env = _Env()  # crm.settings has read .env into the environment before importing this module

# --- Single sign-on (OpenID Connect) -----------------------------------------------------
OIDC_RP_CLIENT_ID = _env.str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = _env.str("OIDC_RP_CLIENT_SECRET", "")
OIDC_PROVIDER_NAME = _env.str("OIDC_PROVIDER_NAME", "")  # the button: "Inloggen met <name>"
_endpoints = [
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
]
OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT, OIDC_OP_JWKS_ENDPOINT = (
    _env.str(name, "") for name in _endpoints
)
for _name in _endpoints:  # kept as given: a trailing slash can be part of the endpoint
    if globals()[_name] and not globals()[_name].startswith(("https://", "http://")):
        raise _env._fail(_name, globals()[_name], "a URL starting with https://")
if OIDC_RP_CLIENT_ID:
    for _name in ["OIDC_RP_CLIENT_SECRET", "OIDC_PROVIDER_NAME", *_endpoints]:
        if not globals()[_name]:
            raise _env._fail(_name, "", "a value: single sign-on is on (OIDC_RP_CLIENT_ID is set)")
OIDC_RP_SIGN_ALGO = _env.str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_TIMEOUT = _env.int("OIDC_TIMEOUT", 10, minimum=1)
OIDC_CREATE_USER = False  # an account is made in the CRM, with its roles; sign-on never makes one
# Whether a sign-in through the provider counts as the second factor. Default: no, the CRM still
# asks for its own (code or security key). A deployment whose provider enforces MFA lists what
# its ID token says then: OIDC_TRUST_AMR=mfa,hwk,otp (any of these in ``amr``) and/or
# OIDC_TRUST_ACR=<value> (``acr`` equal to one of these).
OIDC_TRUST_AMR = _env.list("OIDC_TRUST_AMR", [])
OIDC_TRUST_ACR = _env.list("OIDC_TRUST_ACR", [])

# --- Security keys and passkeys (WebAuthn, django-otp-webauthn) --------------------------
# A second factor beside the app's code, never a sign-in without the password. The relying
# party is the CRM's host name (SITE_URL's by default); a key registered for one RP ID works
# only there, so set it once per deployment. WebAuthn needs a secure context: https, or
# http://localhost in development and the tests.
from urllib.parse import urlsplit as _urlsplit  # noqa: E402 -- used only by the defaults below

_site = _urlsplit(_env.str("SITE_URL", "http://localhost:8000"))
# An IP address is no RP ID: a development server on 127.0.0.1 is opened as localhost for keys.
_host = _site.hostname if _site.hostname and not _site.hostname.replace(".", "").isdigit() else "localhost"
OTP_WEBAUTHN_RP_ID = _env.str("WEBAUTHN_RP_ID", _host)
OTP_WEBAUTHN_RP_NAME = _env.str("WEBAUTHN_RP_NAME", "WSP CRM")
_port = f":{_site.port}" if _site.port else ""
OTP_WEBAUTHN_ALLOWED_ORIGINS = _env.list("WEBAUTHN_ORIGINS", [f"{_site.scheme}://{_host}{_port}"])
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
