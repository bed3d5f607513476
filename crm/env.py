"""Strict parsing of settings from environment variables.

django-environ parses URLs well but is lenient elsewhere (``DEBUG=maybe`` reads as False,
an unknown database scheme only warns). Every helper here fails start-up with
``ImproperlyConfigured`` naming the variable, so a typo never runs silently in production.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

REQUIRED: Any = object()  # default meaning "must be set"
_MISSING = REQUIRED
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_DB_SCHEMES = {"postgres", "postgresql", "pgsql", "psql"}  # PostgreSQL only (see settings)
_EMAIL_SCHEMES = {"smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail", "filemail", "memorymail", "dummymail"}


class Env:
    def __init__(self, environ_: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ_ is None else environ_

    def _raw(self, name: str, default: Any) -> str | Any:
        value = self.environ.get(name)
        if value is None or value == "":
            if default is _MISSING:
                raise ImproperlyConfigured(f"{name} is required but not set (see .env.example).")
            return default
        return value.strip()

    @staticmethod
    def _fail(name: str, value: str, expected: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"{name}={value!r} is not valid: expected {expected}.")

    def str(self, name: str, default: Any = _MISSING) -> str:
        return self._raw(name, default)

    def bool(self, name: builtins.str, default: Any = _MISSING) -> bool:
        value = self._raw(name, default)
        if isinstance(value, bool):
            return value
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise self._fail(name, value, "one of 1/0, true/false, yes/no, on/off")

    def int(self, name: builtins.str, default: Any = _MISSING, *, minimum: int | None = None) -> int:
        value = self._raw(name, default)
        if isinstance(value, int):
            return value
        try:
            number = int(value)
        except ValueError:
            raise self._fail(name, value, "a whole number") from None
        if minimum is not None and number < minimum:
            raise self._fail(name, value, f"a whole number of at least {minimum}")
        return number

    def list(self, name: builtins.str, default: Any = _MISSING) -> list[builtins.str]:
        value = self._raw(name, default)
        if isinstance(value, list):
            return value
        return [item.strip() for item in value.split(",") if item.strip()]

    def url(self, name: builtins.str, default: Any = _MISSING, *, schemes: set[builtins.str]) -> builtins.str:
        value = self._raw(name, default)
        if value == "" and default == "":
            return ""
        parts = urlsplit(value)
        if parts.scheme not in schemes or not (parts.netloc or parts.scheme == "filesystem"):
            raise self._fail(name, value, f"a URL starting with {' or '.join(sorted(s + '://' for s in schemes))}")
        # Drop one trailing slash of a base URL, but keep a bare "filesystem://".
        return value[:-1] if value.endswith("/") and not value.endswith("://") else value

    def database(self, name: builtins.str, default: builtins.str) -> dict[builtins.str, Any]:
        value = self._raw(name, default)
        scheme = urlsplit(value).scheme
        if scheme not in _DB_SCHEMES:
            raise self._fail(name, value, "a PostgreSQL URL postgres://user:password@host:port/name")
        try:
            config = environ.Env.db_url_config(value)
        except ValueError as error:
            raise self._fail(name, value, f"a valid database URL ({error})") from None
        if not config.get("NAME"):
            raise self._fail(name, value, "a database name in the URL")
        return config

    def email(self, name: builtins.str, default: builtins.str) -> dict[builtins.str, Any]:
        value = self._raw(name, default)
        scheme = urlsplit(value).scheme
        if scheme not in _EMAIL_SCHEMES:
            raise self._fail(name, value, f"an e-mail URL with scheme {', '.join(sorted(_EMAIL_SCHEMES))}")
        try:
            config = environ.Env.email_url_config(value)
        except ValueError as error:
            raise self._fail(name, value, f"a valid e-mail URL ({error})") from None
        if scheme == "filemail":
            # django-environ drops the leading slash of the path: filemail:///abs/path -> abs/path.
            config["EMAIL_FILE_PATH"] = "/" + config["EMAIL_FILE_PATH"].lstrip("/")
        return config
