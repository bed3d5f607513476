"""Staff pages of the employer stories and the FAQ: the region's list, write and edit. Another
region's story or entry is a 404 like a missing one (``editable_by``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from crm.forms import apply_errors
from crm.mixins import RoleRequiredMixin
from crm.scoping import NETWORK_WRITE
from crm.types import AuthenticatedHttpRequest
from employers import stories
from employers.forms_stories import FaqForm, StoryForm
from employers.models import FaqEntry, Story

TEMPLATES = "employers/stories"


class WriterView(RoleRequiredMixin, View):
    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE
    request: AuthenticatedHttpRequest


class ManageView(WriterView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        context = {
            "stories": Story.objects.editable_by(request.user).select_related("region", "employer").defer("image"),
            "entries": FaqEntry.objects.editable_by(request.user).select_related("region"),
        }
        return render(request, f"{TEMPLATES}/manage.html", context)


def _page(request: AuthenticatedHttpRequest, template: str, form: Any, obj: Any, status: int = 200) -> HttpResponse:
    form.describe_fields()
    return render(request, f"{TEMPLATES}/{template}", {"form": form, "object": obj}, status=status)


class StoryWriteView(WriterView):
    def _story(self, pk: int | None) -> Story | None:
        return None if pk is None else get_object_or_404(Story.objects.editable_by(self.request.user), pk=pk)

    def get(self, request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
        story = self._story(pk)
        return _page(request, "story_form.html", StoryForm(user=request.user, story=story), story)

    def post(self, request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
        story = self._story(pk)
        form = StoryForm(request.POST, request.FILES, user=request.user, story=story)
        if form.is_valid():
            try:
                saved = stories.story_save(by=request.user, story=story, **form.service_arguments())
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Story saved."))
                return redirect("stories:story-edit", saved.pk)
        return _page(request, "story_form.html", form, story, status=400)


class FaqWriteView(WriterView):
    def _entry(self, pk: int | None) -> FaqEntry | None:
        return None if pk is None else get_object_or_404(FaqEntry.objects.editable_by(self.request.user), pk=pk)

    def get(self, request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
        entry = self._entry(pk)
        return _page(request, "faq_form.html", FaqForm(instance=entry, user=request.user), entry)

    def post(self, request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
        entry = self._entry(pk)
        form = FaqForm(request.POST, instance=entry, user=request.user)
        if form.is_valid():
            try:
                stories.faq_save(by=request.user, entry=entry, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Question saved."))
                return redirect("stories:manage")
        return _page(request, "faq_form.html", form, entry, status=400)
