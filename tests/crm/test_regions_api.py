from __future__ import annotations

import pytest

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_regions_lists_all_35_with_cbs_codes_and_names(api, adviser_a):
    response = api(adviser_a).get("/api/v1/regions/")

    assert response.status_code == 200
    regions = response.json()
    assert len(regions) == 35
    assert {"code": "AM18", "name": "Groot Amsterdam", "aliases": []} in regions
    codes = [r["code"] for r in regions]
    assert codes == sorted(codes)
    assert {"AM04", "AM16", "AM31"}.isdisjoint(codes)  # numbers CBS skips in 2025


def test_regions_need_authentication(api):
    assert api(None).get("/api/v1/regions/").status_code in (401, 403)


def test_region_detail_by_code(api, awvn):
    response = api(awvn).get("/api/v1/regions/AM38/")

    assert response.json() == {"code": "AM38", "name": "FoodValley", "aliases": ["Food Valley"]}


def test_unknown_region_is_404(api, awvn):
    assert api(awvn).get("/api/v1/regions/AM04/").status_code == 404


def test_region_list_query_count(api, adviser_a, django_assert_num_queries):
    client = api(adviser_a)
    with django_assert_num_queries(1):  # regions
        client.get("/api/v1/regions/")


def test_token_endpoint_returns_a_token_that_authenticates(api, adviser_a):

    response = api(None).post("/api/v1/auth/token/", {"username": "adviser_a", "password": TEST_PASSWORD})

    assert response.status_code == 200
    token = response.json()["token"]
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/regions/").status_code == 200


def test_token_endpoint_rejects_wrong_password(api, adviser_a):
    response = api(None).post("/api/v1/auth/token/", {"username": "adviser_a", "password": "wrong"})

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_api_root_and_schema_and_docs(api, web, adviser_a):
    client = api(adviser_a)
    assert "regions" in client.get("/api/v1/").json()
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/regions/" in schema.content
    docs = web(adviser_a).get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_schema_and_docs_need_a_signed_in_user(client, api, adviser_a):
    """With DEBUG=0 (as the suite runs) the API's description is not public."""
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    assert schema.status_code in (401, 403) and b"/api/v1/" not in schema.content
    assert docs.status_code == 302 and docs.url.startswith("/login/")
    assert script.status_code == 302
    token = api(None).post("/api/v1/auth/token/", {"username": "adviser_a", "password": TEST_PASSWORD}).json()
    with_token = api(None).get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token['token']}")
    assert with_token.status_code == 200 and b"/api/v1/regions/" in with_token.content


def test_the_docs_page_has_no_inline_script_and_keeps_the_csp(web, adviser_a):
    client = web(adviser_a)
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "<script>" not in page.content.decode()
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
