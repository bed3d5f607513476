"""One error path for the API (issue 16): services raise Django's exceptions and
``crm.api_errors.exception_handler`` answers them, so no API module catches them itself."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404

from crm.api_errors import exception_handler

ROOT = Path(__file__).resolve().parents[2]
APPS = ["crm", "employers", "outreach", "candidates", "reports"]
HANDLED = {"ValidationError", "PermissionDenied", "DjangoValidationError", "DjangoPermissionDenied"}


def _api_modules() -> list[Path]:
    return sorted(p for app in APPS for p in (ROOT / app).rglob("api*.py") if "migrations" not in p.parts)


def _caught(handler: ast.ExceptHandler) -> set[str]:
    nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = set()
    for node in nodes:
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


def test_api_modules_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _api_modules()}
    assert {"employers/api_employers.py", "outreach/api.py", "candidates/api.py"} <= names


@pytest.mark.parametrize("path", _api_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_api_module_catches_what_the_handler_answers(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    caught = [
        (node.lineno, sorted(_caught(node) & HANDLED))
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and node.type is not None and _caught(node) & HANDLED
    ]
    assert caught == [], f"{path.name}: let crm.api_errors answer these (line, names): {caught}"


def test_a_field_keyed_validation_error_is_a_400_per_field() -> None:
    response = exception_handler(ValidationError({"kvk_number": ["Acht cijfers."]}), {})
    assert response.status_code == 400 and response.data == {"kvk_number": ["Acht cijfers."]}


def test_a_validation_error_without_a_field_is_under_non_field_errors() -> None:
    response = exception_handler(ValidationError("Al gepubliceerd."), {})
    assert response.status_code == 400 and response.data == {"non_field_errors": ["Al gepubliceerd."]}


def test_permission_denied_is_a_403_with_the_services_message() -> None:
    response = exception_handler(PermissionDenied("Alleen de auteur wijzigt dit contact."), {})
    assert response.status_code == 403 and response.data == {"detail": "Alleen de auteur wijzigt dit contact."}


@pytest.mark.parametrize("error", [ObjectDoesNotExist(), Http404("No Employer matches the given query.")])
def test_missing_is_a_404_that_names_nothing(error: Exception) -> None:
    response = exception_handler(error, {})
    assert response.status_code == 404 and set(response.data) == {"detail"}
    assert "Employer" not in str(response.data["detail"])


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/employers/", "/api/v1/contacts/", "/api/v1/events/"])
def test_a_body_too_large_for_memory_is_a_json_413_on_every_api(url: str, adviser_a: Any, api: Any):
    """Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE with its HTML 400 page; an API
    client gets JSON saying what the limit is (``crm.api_errors``), in the user's language."""
    client = api(adviser_a)
    answer = client.post(url, {"notes": "x" * 3_000_000}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    dutch = client.post(url, {"notes": "x" * 3_000_000}, format="json", HTTP_ACCEPT_LANGUAGE="nl")

    assert answer.status_code == 413, answer.content[:200]
    assert answer.json()["detail"] == "The request is larger than the 2.5 MB the API accepts."
    assert dutch.json()["detail"] == "Het verzoek is groter dan de 2,5 MB die de API aanneemt."
