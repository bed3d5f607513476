from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English, the source language; the Dutch ones have their own test."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_pages(client: Any) -> None:
    """Pages follow the language switch's cookie: choose English for the page tests too."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def api(api: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The cast's API clients, asking for English (the language switch's cookie) like the pages."""

    def make(user: Any) -> Any:
        client = api(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make
