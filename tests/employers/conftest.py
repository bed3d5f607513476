from __future__ import annotations

from collections.abc import Iterator
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
