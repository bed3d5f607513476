"""The AWVN adviser's national view in a real browser (issue 19): the map of the 35 regions with
its legend, each region a link to its row, the table beside it; axe finds nothing serious, on a
desk and on a phone, and the page does not scroll sideways at 390 px."""

from __future__ import annotations

import pytest

from crm.demo import seed_users
from tests.e2e.conftest import assert_accessible, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_awvn_adviser_reads_the_map_and_follows_a_region_to_its_row(page) -> None:
    seed_users()
    login(page, "awvn")
    page.goto("/reports/national/")

    regions = page.locator("svg.map a[data-region]")
    assert regions.count() == 35
    assert page.locator("svg.map .map-legend text").count() == 6  # its title and five bands
    assert_accessible(page, every_impact=True)  # issue 19: axe finds nothing at all here
    shot(page, "awvn-national-map")

    page.locator("svg.map a[data-region=AM18]").click()
    page.wait_for_url("**#row-AM18")
    assert page.locator("#row-AM18").is_visible()
    assert "Groot Amsterdam" in page.locator("#row-AM18").inner_text()


def test_the_national_view_fits_a_phone(browser, live_server) -> None:
    seed_users()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    try:
        login(phone, "awvn")
        phone.goto("/reports/national/")
        assert phone.evaluate("document.documentElement.scrollWidth") == 390
        box = phone.locator("svg.map").bounding_box()
        assert box is not None and box["width"] <= 390
        assert_accessible(phone)
        shot(phone, "awvn-national-phone")
    finally:
        context.close()
