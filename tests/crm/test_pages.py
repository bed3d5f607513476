from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_dutch_by_default(client):
    response = client.get("/login/")

    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()
    assert "Inloggen" in response.content.decode()


def test_language_switch_to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    response = client.get("/login/")

    assert '<html lang="en">' in response.content.decode()
    assert "Log in" in response.content.decode()


def test_login_with_the_right_password_lands_on_the_overview(client, adviser_a):
    response = client.post("/login/", {"username": "adviser_a", "password": TEST_PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Groot Amsterdam" in response.content.decode() or "AM18" in response.content.decode()


def test_wrong_password_shows_an_error_not_a_crash(client, adviser_a):
    response = client.post("/login/", {"username": "adviser_a", "password": "nope"})

    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, adviser_a):
    for _ in range(5):
        client.post("/login/", {"username": "adviser_a", "password": "guess"})

    response = client.post("/login/", {"username": "adviser_a", "password": TEST_PASSWORD})

    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_pages_need_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize(
    ("fixture", "expected", "absent"),
    [
        ("awvn", [], ["/candidates/"]),
        ("guide_a", [], ["/events/"]),
    ],
)
def test_navigation_only_shows_what_the_role_may_open(request, web, fixture, expected, absent):
    user = request.getfixturevalue(fixture)
    html = web(user).get("/").content.decode()

    for href in expected:
        assert f'href="{href}"' in html
    for href in absent:
        assert f'href="{href}"' not in html


def test_logout_is_a_post(web, adviser_a):
    client = web(adviser_a)
    response = client.post("/logout/")

    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_dutch_even_when_the_browser_asks_for_english(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="nl">' in response.content.decode()


def test_security_headers_on_pages(client):
    response = client.get("/login/")

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
