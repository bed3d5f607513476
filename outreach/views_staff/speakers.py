"""The speaker pool's pages: search (every region's network and the AWVN adviser), one speaker
with the sessions where they spoke, and add/edit (the home region's advisers and coordinators).
A speaker of another region who did not agree to be listed is a 404 like a missing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from crm.forms import apply_errors
from crm.mixins import RoleRequiredMixin
from crm.scoping import NETWORK_WRITE, writes_any_region
from crm.types import AuthenticatedHttpRequest
from outreach import speaker_search
from outreach.forms_speakers import PoolSearchForm, PoolSpeakerForm
from outreach.models import POOL_READERS, PoolSpeaker
from outreach.services.speakers import normalise_topics, pool_speaker_create, pool_speaker_update

TEMPLATES = "outreach/speakers"


class PoolReadView(RoleRequiredMixin, View):
    read_roles = POOL_READERS
    write_roles = NETWORK_WRITE
    request: AuthenticatedHttpRequest


class PoolWriteView(RoleRequiredMixin, View):
    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE
    request: AuthenticatedHttpRequest


class SpeakerListView(PoolReadView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = PoolSearchForm(request.GET or None)
        terms = form.cleaned_data if form.is_valid() else {}
        found = speaker_search.search(request.user, **{k: v for k, v in terms.items() if v})
        page = Paginator(found, 25).get_page(request.GET.get("page"))
        context = {"form": form, "page": page, "can_add": writes_any_region(request.user)}
        return render(request, f"{TEMPLATES}/list.html", context)


class SpeakerDetailView(PoolReadView):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        speakers = PoolSpeaker.objects.visible_to(request.user).select_related("region", "contact_person__employer")
        speaker = get_object_or_404(speakers, pk=pk)
        context = {
            "speaker": speaker,
            "appearances": speaker_search.appearances(speaker, request.user),
            "can_edit": PoolSpeaker.objects.editable_by(request.user).filter(pk=pk).exists(),
        }
        return render(request, f"{TEMPLATES}/detail.html", context)


def _arguments(form: PoolSpeakerForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["topics"] = normalise_topics(data.get("topics"))
    return data


def _form_page(request: AuthenticatedHttpRequest, form: Any, speaker: Any, status: int = 200) -> HttpResponse:
    form.describe_fields()
    return render(request, f"{TEMPLATES}/form.html", {"form": form, "speaker": speaker}, status=status)


class SpeakerCreateView(PoolWriteView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return _form_page(request, PoolSpeakerForm(user=request.user), None)

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = PoolSpeakerForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                speaker = pool_speaker_create(by=request.user, **_arguments(form))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Speaker added to the pool."))
                return redirect("outreach:speaker-detail", speaker.pk)
        return _form_page(request, form, None, status=400)


class SpeakerEditView(PoolWriteView):
    def _speaker(self, pk: int) -> PoolSpeaker:
        return get_object_or_404(PoolSpeaker.objects.editable_by(self.request.user), pk=pk)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        speaker = self._speaker(pk)
        initial = {
            "kind": speaker.kind, "contact_person": speaker.contact_person_id, "name": speaker.name,
            "organisation": speaker.organisation, "topics": ", ".join(speaker.topics), "story": speaker.story,
            "willing_regions": list(speaker.willing_regions.all()), "consent": speaker.listed,
            "listed_consent_note": speaker.listed_consent_note,
        }  # fmt: skip
        return _form_page(request, PoolSpeakerForm(initial=initial, user=request.user, speaker=speaker), speaker)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        speaker = self._speaker(pk)
        form = PoolSpeakerForm(request.POST, user=request.user, speaker=speaker)
        if form.is_valid():
            try:
                pool_speaker_update(speaker=speaker, by=request.user, **_arguments(form))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Speaker saved."))
                return redirect("outreach:speaker-detail", speaker.pk)
        return _form_page(request, form, speaker, status=400)
