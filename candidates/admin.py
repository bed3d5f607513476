"""Admin for operators. Candidates are listed by pseudonym only; the real name stays guide-only."""

from __future__ import annotations

from django.contrib import admin

from candidates.models import Candidate, CandidateAccess, Match, MatchChange, Placement


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["reference_code", "region", "guide", "state", "trajectory_start", "trajectory_end", "anonymised_at"]
    list_filter = ["state", "region"]
    search_fields = ["reference_code"]
    raw_id_fields = ["guide"]
    exclude = ["real_name"]  # guide-only, not even for operators


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


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["candidate", "employer", "state", "updated_at"]
    list_filter = ["state"]
    raw_id_fields = ["candidate", "employer", "opening", "created_by"]
    inlines = [MatchChangeInline]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["candidate", "employer", "start_date", "method", "durable_6m", "durable_12m"]
    list_filter = ["method", "durable_6m", "durable_12m"]
    raw_id_fields = ["candidate", "employer", "opening", "created_by"]
