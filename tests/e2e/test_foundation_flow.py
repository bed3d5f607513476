from __future__ import annotations

import pytest

from crm.demo import seed_users
from tests.e2e.conftest import assert_accessible, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_each_role_logs_in_and_sees_its_own_navigation(page):
    seed_users()
    # Home is today's work: each role sees the part of the day that is theirs.
    expectations = {
        "adviseur": "#home-cold",
        "begeleider": "#home-ips",
        "awvn": "main h1",
    }
    for username, selector in expectations.items():
        login(page, username)
        assert page.locator(selector).first.is_visible()
        shot(page, f"foundation-home-{username}")
        page.get_by_role("button", name="Uitloggen").click()
        page.wait_for_url("**/login/")


def test_login_page_is_accessible_and_switches_to_english(page):
    page.goto("/login/")
    assert_accessible(page)
    shot(page, "foundation-login-nl")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Log in").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "foundation-login-en")


def test_wrong_password_is_announced(page):
    seed_users()
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill("adviseur")
    page.get_by_label("Wachtwoord").fill("not-the-password")
    page.get_by_role("button", name="Inloggen").click()

    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
