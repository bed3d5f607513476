"""An adviser on a phone (390x844, and 360 wide): the pages used right after a visit fit the
screen, the menu collapses behind a button, tables read as cards and axe finds nothing serious."""

from __future__ import annotations

import pytest
from django.utils import timezone

from crm.demo import seed_users
from tests.e2e.conftest import assert_accessible, login, shot
from tests.factories import ContactPersonFactory, EmployerFactory
from tests.outreach.factories import EventFactory, InvitationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def assert_fits(page, width: int) -> None:
    """No sideways scroll: the document is exactly as wide as the viewport."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width == width, f"{page.url} is {scroll_width}px wide at a {width}px viewport"


def test_adviser_on_a_phone_logs_a_contact_and_reads_my_work_employer_and_check_in(phone):
    users = seed_users()
    employer = EmployerFactory(
        legal_name="Hoveniersbedrijf Van der Wetering-Bloemendaal B.V.",
        trade_name="Groenvoorziening Amstelland",
        place="Amstelveen",
        region_id="AM18",
        stage="open",
        owner=users["adviseur"],
    )
    ContactPersonFactory(employer=employer, name="Annemarie Vermeulen-Zwartkruis")
    event = EventFactory(title="Werken met een psychische kwetsbaarheid: wat werkt?", created_by=users["adviseur"])
    InvitationFactory(event=event, contact_person=employer.contact_persons.get(), rsvp="yes")
    login(phone, "adviseur")

    # The menu is behind a button; the quick-log link stays in the bar.
    nav = phone.get_by_role("navigation", name="Hoofdnavigatie")
    assert not nav.is_visible()
    toggle = phone.get_by_role("button", name="Menu")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and nav.is_visible()
    assert phone.get_by_role("button", name="Uitloggen").is_visible()
    shot(phone, "phone-menu-open")
    toggle.click()

    phone.get_by_role("link", name="Contact vastleggen").first.click()
    phone.wait_for_load_state()
    assert_fits(phone, PHONE["width"])
    assert_accessible(phone)
    shot(phone, "phone-contact-log")
    phone.get_by_label("Werkgever", exact=True).fill(f"{employer.display_name}, Amstelveen #{employer.pk}")
    phone.get_by_label("Samenvatting").fill("Rondleiding in de kwekerij; een plek voor de zomer.")
    phone.get_by_label("Vervolgactie op").fill(timezone.localdate().isoformat())
    save = phone.get_by_role("button", name="Contactmoment opslaan")
    box = save.bounding_box()
    assert box and box["width"] >= PHONE["width"] - 80 and box["height"] >= 44  # a thumb-sized button
    save.click()
    phone.wait_for_load_state()

    pages = {
        "phone-home": "/",
        "phone-my-work": "/employers/my-work/",
        "phone-employer": f"/employers/{employer.pk}/",
        "phone-employer-list": "/employers/",
        "phone-check-in": f"/events/{event.pk}/checkin/",
    }
    for name, url in pages.items():
        phone.goto(url)
        assert_fits(phone, PHONE["width"])
        assert_accessible(phone)
        shot(phone, name)

    # Tables read as cards: one cell per line, labelled with its column.
    phone.goto("/employers/")
    cell = phone.locator("table.table tbody tr").first.locator("td").nth(2)  # after the bulk box and the name
    assert cell.get_attribute("data-label") == "KvK-nummer"
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    # The filters fold away on a phone until asked for.
    assert not phone.locator("#id_search").is_visible()
    phone.get_by_text("Filters", exact=True).click()
    assert phone.locator("#id_search").is_visible()

    # 360 px, the narrowest common phone: still no sideways scroll.
    phone.set_viewport_size({"width": 360, "height": 740})
    for url in pages.values():
        phone.goto(url)
        assert_fits(phone, 360)
