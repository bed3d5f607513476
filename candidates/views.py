"""Candidate pages: my candidates, the form, the detail with its pipeline, ranked matches, placements.

Reads start from ``Candidate.objects.visible_to`` (the owning guide, the region's coordinator),
writes from ``editable_by`` (the owning guide); anyone else gets 404. Every page that shows a
candidate writes one access entry per candidate shown.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from candidates import durability
from candidates.forms import CandidateForm, DurableCheckForm, MatchQueryForm, MatchStateForm, PlacementForm
from candidates.matching_data import candidate_matches
from candidates.models import (
    CANDIDATE_READ,
    CANDIDATE_WRITE,
    Candidate,
    CandidateContact,
    CandidateState,
    EndReason,
    Match,
    MatchState,
    Method,
    Outcome,
    Placement,
    Trajectory,
)
from candidates.services import (
    access_record,
    candidate_create,
    candidate_update,
    employers_in_list,
    employers_matchable,
    match_set_state,
    openings_matchable,
    placement_create,
    placement_record_durable,
)
from candidates.services.contacts import first_contact_days, linkable_contacts
from crm.dates import add_months
from crm.forms import apply_errors, next_url, render_form
from crm.mixins import RoleRequiredMixin
from crm.scoping import region_codes
from crm.types import AuthenticatedHttpRequest
from employers.filters import search_employers
from employers.models import Employer


class CandidateView(RoleRequiredMixin, View):
    read_roles = CANDIDATE_READ
    write_roles = CANDIDATE_WRITE


class GuideView(RoleRequiredMixin, View):
    """Pages that only the owning guide opens, even to read (a coordinator reads the detail)."""

    read_roles = CANDIDATE_WRITE
    write_roles = CANDIDATE_WRITE


def _visible(request: AuthenticatedHttpRequest, pk: int) -> Candidate:
    return get_object_or_404(Candidate.objects.visible_to(request.user).select_related("region", "guide"), pk=pk)


def _mine(request: AuthenticatedHttpRequest, pk: int) -> Candidate:
    return get_object_or_404(Candidate.objects.editable_by(request.user).select_related("region"), pk=pk)


class CandidateListView(CandidateView):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        candidates = (
            Candidate.objects.visible_to(request.user)
            .select_related("guide")
            .annotate(
                open_matches=Count("matches", filter=~Q(matches__state__in=[MatchState.DECLINED, MatchState.SUGGESTED]))
            )
        )
        if state in CandidateState.values:
            candidates = candidates.filter(state=state)
        rows = list(candidates.order_by("state", "reference_code")[:200])
        access_record(candidates=rows, user=request.user, what="page:candidate-list")
        context = {
            "candidates": rows,
            "states": CandidateState.choices,
            "state": state,
            "is_guide": self._is_guide(request),
        }
        return render(request, "candidates/list.html", context)

    @staticmethod
    def _is_guide(request: AuthenticatedHttpRequest) -> bool:
        # A flag for the "new candidate" button, not a scope: no queryset is meant here.
        return bool(region_codes(request.user, CANDIDATE_WRITE))


class CandidateCreateView(GuideView):
    template = "candidates/form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render_form(request, self.template, CandidateForm())

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = CandidateForm(request.POST)
        if form.is_valid():
            try:
                candidate = candidate_create(by=request.user, **form.service_data())
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Candidate %(code)s recorded.") % {"code": candidate.reference_code})
                return redirect("candidates:matches", candidate.pk)
        return render_form(request, self.template, form, status=400)


class CandidateEditView(GuideView):
    template = "candidates/form.html"

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        candidate = _mine(request, pk)
        access_record(candidates=candidate, user=request.user, what="page:candidate-edit")
        return render_form(request, self.template, CandidateForm(instance=candidate), candidate=candidate)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        candidate = _mine(request, pk)
        # The form writes onto its instance while validating; the service gets a clean copy.
        form = CandidateForm(request.POST, instance=_mine(request, pk))
        if form.is_valid():
            try:
                candidate_update(candidate=candidate, by=request.user, **form.service_data())
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Candidate updated."))
                return redirect("candidates:detail", candidate.pk)
        return render_form(request, self.template, form, status=400, candidate=candidate)


def _placements(candidate: Candidate) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for placement in Placement.objects.filter(candidate=candidate).select_related("employer", "opening"):
        due = [
            months
            for months in (6, 12)
            if getattr(placement, f"durable_{months}m") is None
            and add_months(placement.start_date, months) <= today
            and not (placement.end_date and placement.end_date < add_months(placement.start_date, months))
        ]
        rows.append({"placement": placement, "due": due, "durability": durability.status(placement, today=today)})
    return rows


def _first_contact(trajectories: list[Trajectory], links: list[CandidateContact]) -> int | None:
    """Days from the latest trajectory's start to its first employer contact for the candidate."""
    if not trajectories:
        return None
    days = [timezone.localtime(link.contact.when).date() for link in links]
    return first_contact_days(trajectories[0].start_date, days)


OUTSIDE_LIST_SHOWN = 10
LINKABLE_SHOWN = 30  # the guide's latest own contacts in the region, offered for linking


def _outside_list(request: AuthenticatedHttpRequest, candidate: Candidate, matches: Any) -> dict[str, Any]:
    """The guide's search for an employer outside the ranked list (``?outside=<name>``): the
    employers of their own network they may match with a reason (``employers_matchable``), not
    in the list and not yet matched with this candidate, best first; read only when searched."""
    text = request.GET.get("outside", "").strip()[:100]
    found: list[Employer] = []
    if text:
        allowed = employers_matchable(candidate=candidate, by=request.user, outside_list=True)
        matched = Match.objects.filter(candidate=candidate).values("employer_id")
        in_list = employers_in_list(candidate).values("pk")  # on the matches page, no reason needed
        outside = allowed.exclude(pk__in=matched).exclude(pk__in=in_list)
        found = list(search_employers(outside, text)[:OUTSIDE_LIST_SHOWN])
    states = [(s, label) for s, label in MatchState.choices if s not in (MatchState.PLACED, MatchState.DECLINED)]
    return {"outside_text": text, "outside_found": found, "outside_states": states}


class CandidateDetailView(CandidateView):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        candidate = _visible(request, pk)
        access_record(candidates=candidate, user=request.user, what="page:candidate")
        matches = (
            Match.objects.filter(candidate=candidate)
            .exclude(state=MatchState.SUGGESTED)
            .select_related("employer", "opening")
            .prefetch_related("changes")
            .order_by("state", "-updated_at")
        )
        trajectories = list(candidate.trajectories.select_related("guide"))
        links = list(
            CandidateContact.objects.filter(candidate=candidate)
            .select_related("contact__employer")
            .order_by("contact__when", "id")
        )
        context = {
            "candidate": candidate,
            "is_owner": candidate.guide_id == request.user.pk,
            "accommodations": list(candidate.accommodations_needed.all()),
            "pipeline": [
                (state, label, [m for m in matches if m.state == state])
                for state, label in MatchState.choices
                if state != MatchState.SUGGESTED
            ],  # fmt: skip
            "placements": _placements(candidate),
            "states": MatchState.choices,
            "trajectories": trajectories,
            "end_reasons": EndReason.choices,
            "outcomes": Outcome.choices,
            "methods": Method.choices,
            "today": timezone.localdate(),
            "contact_links": links,
            "first_contact_norm": settings.IPS_FIRST_CONTACT_DAYS,
            "first_contact_days": _first_contact(trajectories, links),
        }
        if context["is_owner"] and not candidate.is_anonymised:
            context.update(_outside_list(request, candidate, matches))
            context["linkable_contacts"] = list(linkable_contacts(candidate, request.user)[:LINKABLE_SHOWN])
        return render(request, "candidates/detail.html", context)


class CandidateMatchesView(CandidateView):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        candidate = _visible(request, pk)
        access_record(candidates=candidate, user=request.user, what="page:candidate-matches")
        form = MatchQueryForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        results = candidate_matches(
            candidate,
            max_km=filters.get("max_km"),
            sector=filters.get("sector") or "",
            only_with_openings=bool(filters.get("only_with_openings")),
        )
        # Which rows the template marks "own region" (the others go through a warm introduction):
        # a label, not a scope; the list itself is matching's (every region in reach).
        mine = region_codes(request.user, CANDIDATE_READ)
        context = {
            "candidate": candidate,
            "form": form,
            "results": results,
            "my_regions": mine,
            "is_owner": candidate.guide_id == request.user.pk,
            "states": [(s, label) for s, label in MatchState.choices if s != MatchState.PLACED],
        }
        return render(request, "candidates/matches.html", context)


class MatchStateView(GuideView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        candidate = _mine(request, pk)
        form = MatchStateForm(request.POST)
        back = next_url(request, reverse("candidates:detail", args=[candidate.pk]))
        if not form.is_valid():
            messages.error(request, _("Choose a state."))
            return redirect(back)
        data = form.cleaned_data
        # Only an employer this candidate may be matched with (the ranked list's, an existing
        # match's, or with a reason one of the guide's own network): anything else is a 404, as
        # a missing id, and the page never names it.
        outside = data["outside_list_reason"].strip()
        matchable = employers_matchable(candidate=candidate, by=request.user, outside_list=bool(outside))
        employer = matchable.filter(pk=data["employer"]).first()
        if employer is None:
            mine = employers_matchable(candidate=candidate, by=request.user, outside_list=True)
            if not outside and mine.filter(pk=data["employer"]).exists():
                # An employer of the guide's own network they can read anyway: say what is missing.
                messages.error(
                    request, _("This employer is not in the candidate's list: say why in “reason outside the list”.")
                )
                return redirect(back)
            raise Http404
        opening = None
        if data["opening"]:
            opening = get_object_or_404(openings_matchable(employer=employer), pk=data["opening"])
        try:
            match_set_state(
                candidate=candidate,
                employer=employer,
                state=data["state"],
                opening=opening,
                reason=data["reason"],
                outside_list_reason=outside,
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        else:
            label = MatchState(data["state"]).label
            messages.success(request, _("%(employer)s: %(state)s.") % {"employer": employer, "state": label})
        return redirect(back)


class PlacementCreateView(GuideView):
    template = "candidates/placement_form.html"

    def _employer(self, request: AuthenticatedHttpRequest, candidate: Candidate) -> Employer:
        raw = request.POST.get("employer") or request.GET.get("employer", "")
        # Only an employer this candidate has a match with: the pipeline is where placements come from.
        employer_ids = Match.objects.filter(candidate=candidate).values("employer_id")
        return get_object_or_404(Employer.objects.filter(pk__in=employer_ids), pk=raw if raw.isdigit() else 0)

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        candidate = _mine(request, pk)
        employer = self._employer(request, candidate)
        access_record(candidates=candidate, user=request.user, what="page:placement-form")
        match = Match.objects.filter(candidate=candidate, employer=employer).first()
        form = PlacementForm(
            employer_id=employer.pk,
            initial={"employer": employer.pk, "opening": match.opening_id if match else None,
                     "start_date": timezone.localdate(), "hours_per_week": candidate.hours_max or candidate.hours_min},
        )  # fmt: skip
        return render_form(request, self.template, form, candidate=candidate, employer=employer)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        candidate = _mine(request, pk)
        employer = self._employer(request, candidate)
        form = PlacementForm(request.POST, employer_id=employer.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                placement_create(
                    candidate=candidate,
                    employer=employer,
                    opening=data["opening"],
                    start_date=data["start_date"],
                    hours_per_week=data["hours_per_week"],
                    method=data["method"],
                    by=request.user,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Placement recorded. Congratulations!"))
                return redirect("candidates:detail", candidate.pk)
        return render_form(request, self.template, form, status=400, candidate=candidate, employer=employer)


class DurableCheckView(GuideView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        placement = get_object_or_404(Placement.objects.editable_by(request.user).select_related("candidate"), pk=pk)
        form = DurableCheckForm(request.POST)
        if form.is_valid():
            try:
                placement_record_durable(placement=placement, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Durable check recorded."))
        else:
            messages.error(request, _("Answer yes or no."))
        return redirect("candidates:detail", placement.candidate_id)
