"""Browser test of the public employer stories and FAQ pages (issue 20): a visitor filters the
stories by sector, opens one with its image, and reads the FAQ; axe finds no violation at all (the issue asks 0)."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from PIL import Image

from employers.models import FaqEntry, Story
from tests.e2e.conftest import assert_accessible, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, format="PNG")
    return out.getvalue()


def test_a_visitor_reads_employer_stories_and_the_faq(page):
    now = timezone.now()
    consent = {"employer_consent_at": now, "employer_consent_note": "Directeur", "published_at": now}
    Story.objects.create(region_id="AM18", title="Een bakkerij met plek voor iedereen", slug="bakkerij", sector="I",
                         quote="Het werkt gewoon.", text="Zo doen wij het.", image=_png(), image_type="image/png",
                         image_alt="Twee bakkers aan het werk", **consent)  # fmt: skip
    Story.objects.create(region_id="AM13", title="Zorg die werkt", slug="zorg", sector="Q", text="Tekst", **consent)
    FaqEntry.objects.create(region_id="AM18", national=True, question_nl="Kost het mij geld?", answer_nl="Nee.",
                            question_en="Does it cost money?", answer_en="No.", published_at=now)  # fmt: skip

    page.goto("/verhalen/")
    page.get_by_label("Sector").select_option("Q")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url("**sector=Q**")
    assert page.get_by_role("link", name="Zorg die werkt").is_visible()
    assert page.get_by_role("link", name="Een bakkerij met plek voor iedereen").count() == 0
    assert_accessible(page, every_impact=True)

    page.goto("/verhalen/v/bakkerij/")
    assert page.get_by_role("img", name="Twee bakkers aan het werk").is_visible()
    assert_accessible(page, every_impact=True)
    shot(page, "employer-story")

    page.goto("/verhalen/vragen/regio/AM18/")
    page.get_by_text("Kost het mij geld?").click()
    assert page.get_by_text("Nee.").is_visible()
    assert_accessible(page, every_impact=True)
