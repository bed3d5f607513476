"""Issue 17's newer pages on a phone (390x844): the follow-up list, the employer list with its
checkbox filters and sortable headers, the merge page's employer picker and the coordinator's
sender page fit the screen (no sideways scroll) and axe finds nothing serious; screenshots kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.demo import seed_users
from tests.contacts.factories import FollowUpFactory
from tests.e2e.conftest import assert_accessible, login, shot
from tests.e2e.test_phone_layout import PHONE, assert_fits
from tests.factories import EmployerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def test_the_new_pages_fit_a_phone(phone):
    users = seed_users()
    bakery = EmployerFactory(
        legal_name="Bakkerij Vermeulen-Zwartkruis B.V.", trade_name="Bakker Bart", region_id="AM18",
        sbi_code="1071", sbi_section="C", owner=users["adviseur"],
    )  # fmt: skip
    other = EmployerFactory(legal_name="Bakkerij Vermeulen B.V.", region_id="AM18")
    FollowUpFactory(employer=bakery, owner=users["adviseur"], due_date=timezone.localdate() + timedelta(days=40),
                    note="Terugbellen over de zomerplek voor een kandidaat")  # fmt: skip
    login(phone, "coordinator")

    pages = {
        "phone-followups-region": "/employers/follow-ups/?scope=region",
        "phone-employer-list-filters": "/employers/?ordering=-name",
        "phone-merge-picker": f"/employers/{bakery.pk}/merge/",
        "phone-region-sender": "/regions/AM18/sender/",
    }
    for name, url in pages.items():
        phone.goto(url)
        phone.wait_for_load_state()
        if name == "phone-employer-list-filters":  # open with a filter in use: checkboxes, radios, date
            assert phone.locator('input[type="checkbox"][name="stage"]').first.is_visible()
        assert_fits(phone, PHONE["width"])
        assert_accessible(phone)
        shot(phone, name)

    # The picker fills its list from the lookup as one types (legal name of another record).
    phone.goto(f"/employers/{bakery.pk}/merge/")
    phone.get_by_label("De andere werkgever").fill("Vermeulen B.V.")
    options = phone.locator("#merge-other-options option")
    options.first.wait_for(state="attached")
    assert any(f"#{other.pk}" in (o.get_attribute("value") or "") for o in options.all())
