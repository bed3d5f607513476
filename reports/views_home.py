"""Home: today's work for the roles the user holds (reports/today.py), not a list of links."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from crm.types import AuthenticatedHttpRequest
from reports.today import today_for


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "crm/home.html", {"today": today_for(request.user)})
