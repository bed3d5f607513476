"""The ends of a placement and the start and end of a trajectory, posted from the candidate's
page by its own guide (``editable_by``; anyone else gets 404). Durability is never typed in:
it follows from the checks and the end date (``candidates.durability``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from candidates.forms import PlacementEndForm, TrajectoryEndForm, TrajectoryStartForm
from candidates.models import Candidate, Placement, Trajectory
from candidates.services.placements import placement_end
from candidates.services.trajectories import trajectory_end, trajectory_start
from candidates.views import GuideView
from crm.types import AuthenticatedHttpRequest


def _report(request: AuthenticatedHttpRequest, form: forms.Form, error: ValidationError | None, done: str) -> None:
    """One message after the post: the form's or the service's errors, else ``done``."""
    if error is not None:
        messages.error(request, " ".join(error.messages))
    elif form.errors:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        messages.success(request, done)


class PlacementEndView(GuideView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        placement = get_object_or_404(Placement.objects.editable_by(request.user).select_related("candidate"), pk=pk)
        form, error = PlacementEndForm(request.POST), None
        if form.is_valid():
            try:
                placement_end(placement=placement, by=request.user, **form.cleaned_data)
            except ValidationError as e:
                error = e
        _report(request, form, error, _("The end of the placement is recorded."))
        return redirect("candidates:detail", placement.candidate_id)


class TrajectoryStartView(GuideView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        candidate = get_object_or_404(Candidate.objects.editable_by(request.user), pk=pk)
        form, error = TrajectoryStartForm(request.POST), None
        if form.is_valid():
            try:
                trajectory_start(candidate=candidate, by=request.user, **form.cleaned_data)
            except ValidationError as e:
                error = e
        _report(request, form, error, _("The new trajectory is started."))
        return redirect("candidates:detail", candidate.pk)


class TrajectoryEndView(GuideView):
    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        trajectory = get_object_or_404(Trajectory.objects.editable_by(request.user).select_related("candidate"), pk=pk)
        form, error = TrajectoryEndForm(request.POST), None
        if form.is_valid():
            try:
                trajectory_end(trajectory=trajectory, by=request.user, **form.cleaned_data)
            except ValidationError as e:
                error = e
        _report(request, form, error, _("The trajectory is ended."))
        return redirect("candidates:detail", trajectory.candidate_id)
