"""Admin for operators. Candidates are listed by pseudonym only; the real name stays guide-only.

Operators fix the administrative side of a candidate (guide, region, state, dates), not the
trajectory's content: the admin never shows the free text (notes, the agreed disclosure wording,
the real name) nor what the employer may be told, and every list and change page it shows
writes ``CandidateAccess`` rows like the guide's own pages, so that a read here is traced too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from candidates.models import Candidate, CandidateAccess, Match, MatchChange, Placement
from candidates.services import access_record

if TYPE_CHECKING:
    from crm.types import AuthUser

# Free text and the disclosure: the guide's, written with the candidate; never for operators.
CANDIDATE_PRIVATE_FIELDS = ["real_name", "notes", "disclosure", "disclosure_note"]


def _staff(request: HttpRequest) -> AuthUser:
    """The admin site serves signed-in staff only, so its ``request.user`` is never anonymous."""
    return cast("AuthUser", request.user)


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["reference_code", "region", "guide", "state", "trajectory_start", "trajectory_end", "anonymised_at"]
    list_filter = ["state", "region"]
    search_fields = ["reference_code"]
    raw_id_fields = ["guide"]
    exclude = CANDIDATE_PRIVATE_FIELDS

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            access_record(candidates=list(changelist.result_list), user=_staff(request), what="admin:candidate-list")
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        candidate = Candidate.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if candidate is not None and response.status_code == 200:
            access_record(candidates=candidate, user=_staff(request), what="admin:candidate")
        return response


@admin.register(CandidateAccess)
class CandidateAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "what", "candidate"]
    list_filter = ["what"]
    raw_id_fields = ["candidate", "user"]
    date_hierarchy = "at"

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # the access log is evidence: read-only


class MatchChangeInline(admin.TabularInline):
    model = MatchChange
    extra = 0
    raw_id_fields = ["by"]
    exclude = ["reason"]  # the guide's words about the candidate, as the match's declined_reason


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["candidate", "employer", "state", "updated_at"]
    list_filter = ["state"]
    raw_id_fields = ["candidate", "employer", "opening", "created_by"]
    exclude = ["declined_reason", "reasons"]
    inlines = [MatchChangeInline]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["candidate", "employer", "start_date", "method", "durable_6m", "durable_12m"]
    list_filter = ["method", "durable_6m", "durable_12m"]
    raw_id_fields = ["candidate", "employer", "opening", "created_by"]
