"""The employer list's own writes (issue 17): saved filters (each the user's own) and bulk
actions on the rows chosen on the page (``employers.bulk``). Sessions are outreach's:
inviting the chosen employers posts to ``outreach:bulk-invite``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from crm.mixins import RoleRequiredMixin
from crm.scoping import NETWORK_READ, network_owners
from crm.types import AuthenticatedHttpRequest
from employers import bulk, saved_filters, views
from employers.models import SavedFilter


def _list_url(query: str = "") -> str:
    query = QueryDict(query).urlencode()  # re-encoded: only a query string, never a header break
    return reverse("employers:list") + (f"?{query}" if query else "")


class SavedFilterCreateView(RoleRequiredMixin, View):
    """Save the list's current filters (its query string, posted back) under a name."""

    read_roles = NETWORK_READ
    write_roles = NETWORK_READ

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        query = request.POST.get("query", "")
        try:
            saved = saved_filters.saved_filter_save(user=request.user, name=request.POST.get("name", ""), query=query)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return views.list_response(request, QueryDict(query[: saved_filters.MAX_QUERY * 2]), status=400)
        messages.success(request, _("Filter %(name)s saved.") % {"name": saved.name})
        return redirect(_list_url(saved.query))


class SavedFilterApplyView(RoleRequiredMixin, View):
    """One of the user's saved filters: the list with its filters (another's is a 404)."""

    read_roles = NETWORK_READ
    write_roles = NETWORK_READ

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        saved = get_object_or_404(SavedFilter.objects.of(request.user), pk=pk)
        return redirect(_list_url(saved.query))


class SavedFilterDeleteView(RoleRequiredMixin, View):
    read_roles = NETWORK_READ
    write_roles = NETWORK_READ

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        if not saved_filters.saved_filter_delete(user=request.user, pk=pk):
            raise Http404
        messages.success(request, _("Saved filter deleted."))
        return redirect("employers:list")


def bulk_message(result: bulk.BulkResult) -> str:
    parts = [ngettext("%(n)d employer changed", "%(n)d employers changed", result.done) % {"n": result.done}]
    if result.unchanged:
        parts.append(
            ngettext("%(n)d was so already", "%(n)d were so already", result.unchanged) % {"n": result.unchanged}
        )
    if result.refused:
        parts.append(
            ngettext("%(n)d skipped (%(names)s)", "%(n)d skipped (%(names)s)", len(result.refused))
            % {"n": len(result.refused), "names": ", ".join(result.refused[:5])}
        )
    return "; ".join(parts) + "."


class BulkActionView(RoleRequiredMixin, View):
    """Assign an owner, change the stage or add a tag to the ticked employers (``employers.bulk``)."""

    read_roles = NETWORK_READ
    write_roles = NETWORK_READ

    def _value(self, request: AuthenticatedHttpRequest, action: str) -> Any:
        if action == "owner":
            raw = request.POST.get("owner", "")
            owner = network_owners(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
            if owner is None:
                raise ValidationError({"owner": _("Choose an adviser or coordinator of your regions.")})
            return owner
        return request.POST.get(action, "")

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        query = request.POST.get("query", "")[: saved_filters.MAX_QUERY * 2]
        action = request.POST.get("action", "")
        try:
            employers = bulk.chosen_employers(request.user, request.POST.getlist("employers"))
            value = self._value(request, action) if action in bulk.ACTIONS else None
            result = bulk.employers_bulk(by=request.user, employers=employers, action=action, value=value)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return views.list_response(request, QueryDict(query), status=400)
        (messages.success if result.done else messages.info)(request, bulk_message(result))
        return redirect(_list_url(query))
