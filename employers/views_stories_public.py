"""The public pages (no login) of the employer stories and the FAQ: nationally and per region,
filtered by sector and region and searched. Only published stories and entries exist here: a
draft is a 404 for everyone, its own region's staff included (they see it on the staff pages)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_GET

from crm.models import Region
from employers import stories
from employers.forms_stories import PublicFilterForm
from employers.models import Story

TEMPLATES = "employers/stories/public"


def _list(request: HttpRequest, region: Region | None) -> HttpResponse:
    form = PublicFilterForm(request.GET or None, fixed_region=region is not None)
    terms = form.cleaned_data if form.is_valid() else {}
    chosen = region or terms.get("region")
    found = stories.published_stories(
        region=chosen.pk if chosen else "", sector=terms.get("sector", ""), q=terms.get("q", "")
    )
    page = Paginator(found, 12).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "region": region}
    return render(request, f"{TEMPLATES}/list.html", context)


@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    return _list(request, None)


@require_GET
def region_stories(request: HttpRequest, code: str) -> HttpResponse:
    return _list(request, get_object_or_404(Region, code=code.upper()))


@require_GET
def story_detail(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(stories.published_stories().select_related("employer"), slug=slug)
    return render(request, f"{TEMPLATES}/detail.html", {"story": story})


@require_GET
def story_image(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story.objects.published().exclude(image_type=""), slug=slug)
    response = HttpResponse(bytes(story.image), content_type=story.image_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _faq(request: HttpRequest, region: Region | None) -> HttpResponse:
    language = (translation.get_language() or "nl")[:2]
    entries = [
        {"question": e.question(language), "answer": e.answer(language)}
        for e in stories.published_faq(region=region.pk if region else "")
    ]
    return render(request, f"{TEMPLATES}/faq.html", {"entries": entries, "region": region})


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    return _faq(request, None)


@require_GET
def region_faq(request: HttpRequest, code: str) -> HttpResponse:
    return _faq(request, get_object_or_404(Region, code=code.upper()))
