"""The API docs page renders Swagger UI under the site's CSP (no exemption, no violation)."""

from __future__ import annotations

import pytest

from crm.demo import seed_users
from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_under_the_csp_for_a_signed_in_user(page):
    seed_users()
    violations: list[str] = []
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    # The browser reports each blocked resource or script as a securitypolicyviolation event.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"
    )

    page.goto("/api/docs/")
    assert "/login/" in page.url  # anonymous: to the log-in first
    login(page, "adviseur")
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)  # operations listed from the schema
    violations = page.evaluate("window.__csp || []")
    shot(page, "api-docs")

    assert page.locator(".swagger-ui .opblock").count() > 20
    assert "content-security-policy" in {k.lower() for k in page.context.request.get("/api/docs/").headers}
    assert violations == [], violations
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
