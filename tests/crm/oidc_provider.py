"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit's OIDC
support in a Django project of its own (SQLite in a temporary folder), served by wsgiref on a
free loopback port in a subprocess. The test starts it with ``OidcProvider().start()``.

Run as a script it reads its configuration from the environment (``PROVIDER_CONFIG``, JSON:
the users with their password, e-mail and ``amr``, the client, the RSA key), migrates, seeds,
prints ``PORT <n>`` and serves until it is stopped. Nothing of the protocol is written here:
authorize, token, userinfo, JWKS and discovery are the library's own views.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOGIN_PAGE = """<form method="post">{% csrf_token %}{{ form.as_p }}
<input type="hidden" name="next" value="{{ next }}"><button>Sign in</button></form>"""


@dataclass
class OidcProvider:
    """The provider as the test sees it: ``users`` maps a username to (password, e-mail, amr)."""

    users: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)
    client_id: str = "wsp-crm"
    client_secret: str = "provider-test-secret-0123456789"
    redirect_uri: str = "http://testserver/oidc/callback/"
    url: str = ""
    process: subprocess.Popen[str] | None = None

    def start(self) -> OidcProvider:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        config = {
            "users": self.users,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.redirect_uri,
            "key": pem,
        }
        env = {**os.environ, "PROVIDER_CONFIG": json.dumps(config)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = subprocess.Popen(
            [sys.executable, __file__], env=env, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()  # blocks until the server listens
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError(f"the OIDC provider did not start: {line!r}")
        self.url = f"http://127.0.0.1:{line.split()[1]}"
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def settings(self) -> dict[str, Any]:
        """The CRM's OIDC_* settings for this provider (what a deployment sets in its environment)."""
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/o/authorize/",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/o/token/",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/o/userinfo/",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/o/.well-known/jwks.json",
        }


# --- The provider's own process -----------------------------------------------------------
def _configure(config: dict[str, Any], folder: str) -> None:
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="provider-only-not-secret-but-long-enough-0123456789",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "oauth2_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": f"{folder}/provider.sqlite3"}},
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "loaders": [("django.template.loaders.locmem.Loader", {"login.html": LOGIN_PAGE})],
                    "context_processors": ["django.template.context_processors.request"],
                },
            }
        ],
        LOGIN_URL="/login/",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        USE_TZ=True,
        OAUTH2_PROVIDER={
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": config["key"],
            "PKCE_REQUIRED": False,
            "SCOPES": {"openid": "OpenID Connect", "email": "E-mail address", "profile": "Name"},
            "OAUTH2_VALIDATOR_CLASS": f"{__name__}.Validator",
        },
    )


def _validator_class() -> type:
    from oauth2_provider.oauth2_validators import OAuth2Validator

    users = json.loads(os.environ["PROVIDER_CONFIG"])["users"]

    class Validator(OAuth2Validator):
        oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "amr": "openid"}

        def get_additional_claims(self, request: Any) -> dict[str, Any]:
            _password, email, amr = users[request.user.username]
            return {"email": email, "email_verified": True, "name": request.user.username, "amr": amr}

    return Validator


urlpatterns: list[Any] = []


def main() -> None:
    config = json.loads(os.environ["PROVIDER_CONFIG"])
    folder = tempfile.mkdtemp(prefix="oidc-provider-")
    _configure(config, folder)
    import django

    django.setup()
    from django.contrib.auth import views as auth_views
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.urls import include, path
    from oauth2_provider.models import Application

    globals()["Validator"] = _validator_class()
    urlpatterns.extend([
        path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
        path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    ])  # fmt: skip
    call_command("migrate", verbosity=0, interactive=False)
    for username, (password, email, _amr) in config["users"].items():
        User.objects.create_user(username, email=email, password=password)
    Application.objects.create(
        name="WSP CRM",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=config["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    from wsgiref.simple_server import WSGIServer, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=WSGIServer, handler_class=QuietHandler)
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
