"""Employer stories and the FAQ (issue 20): staff write them, a story is published only with
the employer's consent and an image only with its alt text, the public pages (per region and
national) filter by sector and region, and the employer's page offers the stories of its sector."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from employers import stories
from employers.models import FaqEntry, Story
from tests.factories import EmployerFactory
from tests.outreach.factories import EventFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "teal").save(out, format="PNG")
    return out.getvalue()


def _story(by: Any, **fields: Any) -> Story:
    defaults = {"region": "AM18", "title": "Bakkerij met een plek voor iedereen", "text": "Zo doen wij het.",
                "sector": "I", "consent": True, "employer_consent_note": "Directeur", "publish": True}  # fmt: skip
    return stories.story_save(by=by, **{**defaults, **fields})


def test_a_story_is_published_only_with_the_employers_consent_and_an_image_only_with_alt_text(cast: Any) -> None:
    adviser, foreign_employer = cast["adviser_a"], EmployerFactory(region_id="AM13")
    with nothing_changes():
        with pytest.raises(ValidationError) as no_consent:
            _story(adviser, consent=False)
        with pytest.raises(ValidationError) as no_alt:
            _story(adviser, image=_png(), image_alt="")
        with pytest.raises(ValidationError) as not_an_image:
            _story(adviser, image=b"<svg onload=alert(1)>", image_alt="Logo")
        with pytest.raises(ValidationError) as foreign:
            _story(adviser, employer=foreign_employer)

    assert list(no_consent.value.message_dict) == ["employer_consent"]
    assert list(no_alt.value.message_dict) == ["image_alt"]
    assert list(not_an_image.value.message_dict) == ["image"]
    assert list(foreign.value.message_dict) == ["employer"]
    draft = _story(adviser, consent=False, publish=False, employer_consent_note="")
    assert draft.published_at is None and draft.employer_consent_at is None
    story = _story(adviser, image=_png(), image_alt="De bakkers aan het werk")
    assert story.published_at and story.employer_consent_at and story.image_type == "image/png"


def test_the_public_pages_filter_by_sector_and_region_and_hide_drafts(cast: Any, client: Any) -> None:
    adviser_a, adviser_b = cast["adviser_a"], cast["adviser_b"]
    bakery = _story(adviser_a, image=_png(), image_alt="De bakkers aan het werk")
    care = _story(adviser_b, region="AM13", title="Zorg die werkt", sector="Q")
    draft = _story(adviser_a, title="Nog niet klaar", publish=False)

    def titles(url: str, **query: str) -> set[str]:
        text = client.get(url, query).content.decode()
        return {s.title for s in (bakery, care, draft) if s.title in text}

    assert titles(reverse("stories:list")) == {bakery.title, care.title}
    assert titles(reverse("stories:list"), sector="Q") == {care.title}
    assert titles(reverse("stories:list"), region="AM18") == {bakery.title}
    assert titles(reverse("stories:region", args=["AM13"])) == {care.title}
    assert titles(reverse("stories:list"), q="bakkerij") == {bakery.title}
    detail = client.get(reverse("stories:detail", args=[bakery.slug])).content.decode()
    assert 'alt="De bakkers aan het werk"' in detail
    image = client.get(reverse("stories:image", args=[bakery.slug]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert client.get(reverse("stories:detail", args=[draft.slug])).status_code == 404


def test_the_faq_speaks_the_readers_language_per_region_and_nationally(cast: Any, client: Any) -> None:
    common = {"answer_nl": "Ja.", "answer_en": "Yes.", "publish": True}
    stories.faq_save(by=cast["adviser_a"], region="AM18", national=True, question_nl="Kost het geld?",
                     question_en="Does it cost money?", **common)  # fmt: skip
    stories.faq_save(by=cast["adviser_b"], region="AM13", question_nl="Waar in Utrecht?",
                     question_en="Where in Utrecht?", **common)  # fmt: skip

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    dutch = client.get(reverse("stories:faq-region", args=["AM13"])).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("stories:faq")).content.decode()

    assert "Kost het geld?" in dutch and "Waar in Utrecht?" in dutch
    assert "Does it cost money?" in english and "Where in Utrecht?" not in english


def test_staff_pages_write_a_story_with_an_image_and_the_employer_page_offers_it(cast: Any, web: Any) -> None:
    client = web(cast["adviser_a"])
    employer = EmployerFactory(region_id="AM18", sbi_section="I", legal_name="Bakkerij Oost")
    same_sector = EmployerFactory(region_id="AM18", sbi_section="I")
    body = {"region": "AM18", "title": "Bakkerij Oost", "employer": f"Bakkerij Oost #{employer.pk}", "sector": "I",
            "text": "Zo doen wij het.", "consent": "on", "employer_consent_note": "Directeur",
            "publish": "on"}  # fmt: skip

    with nothing_changes():
        no_alt = client.post(reverse("stories:story-create"), {**body, "image": SimpleUploadedFile("b.png", _png())})
    made = client.post(
        reverse("stories:story-create"),
        {**body, "image": SimpleUploadedFile("b.png", _png()), "image_alt": "Twee bakkers"},
    )

    assert no_alt.status_code == 400 and "alt text" in no_alt.content.decode()
    assert made.status_code == 302
    story = Story.objects.get()
    assert (story.employer, story.has_image, story.image_alt) == (employer, True, "Twee bakkers")
    page = client.get(reverse("employers:detail", args=[same_sector.pk])).content.decode()
    assert (
        "Use this story with employers in this sector" in page and reverse("stories:detail", args=[story.slug]) in page
    )


def test_the_stories_are_linked_from_the_invitation_and_the_public_event_page(client: Any) -> None:
    from outreach import mail
    from tests.outreach.factories import InvitationFactory

    inv = InvitationFactory(event__region_id="AM18")
    row = mail.invitation_row(inv, "invite", "test:invite")
    page = client.get(reverse("outreach:public-event", args=[EventFactory(region_id="AM18").slug])).content.decode()

    assert mail.site_url(reverse("stories:region", args=["AM18"])) in row.body_text
    assert reverse("stories:region", args=["AM18"]) in page and reverse("stories:faq-region", args=["AM18"]) in page


def test_faq_pages_for_staff_refuse_another_regions_entry(cast: Any, web: Any) -> None:
    entry = FaqEntry.objects.create(region_id="AM13", question_nl="V", answer_nl="A", question_en="Q", answer_en="A")

    assert web(cast["adviser_a"]).get(reverse("stories:faq-edit", args=[entry.pk])).status_code == 404
    assert web(cast["adviser_b"]).get(reverse("stories:faq-edit", args=[entry.pk])).status_code == 200


def test_the_story_and_colleague_forms_label_their_fields_with_a_capital(adviser_a: Any) -> None:
    """Form labels are sentences ("Citaat", "Plaats"), not the models' lowercase names."""
    from django.utils import translation

    from employers.forms_stories import FaqForm, PublicFilterForm, StoryForm
    from employers.views_colleague import ColleagueForm

    for language in ("nl", "en"):
        with translation.override(language):
            forms = [StoryForm(user=adviser_a), FaqForm(user=adviser_a), PublicFilterForm(), ColleagueForm()]
            labels = [str(field.label) for form in forms for field in form.fields.values() if field.label]
            assert labels and all(label[0].isupper() for label in labels), [x for x in labels if not x[0].isupper()]
