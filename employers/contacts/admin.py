"""Admin for the contact log. Imported from employers/admin.py (``from employers.contacts import admin``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from employers.models import Contact, DigestRun, FollowUp, UserPreference


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["when", "employer", "by", "channel", "purpose", "in_person"]
    list_filter = ["channel", "purpose", "in_person", "employer__region"]
    search_fields = ["employer__legal_name", "employer__trade_name", "summary"]
    raw_id_fields = ["employer", "contact_person", "by"]
    readonly_fields = ["region"]  # the employer's, copied by contact_log (Contact.region)
    date_hierarchy = "when"

    def save_model(self, request: Any, obj: Contact, form: Any, change: bool) -> None:
        obj.region_id = obj.employer.region_id  # what contact_log does
        super().save_model(request, obj, form, change)


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["due_date", "employer", "owner", "state", "done_at"]
    list_filter = ["state", "employer__region"]
    raw_id_fields = ["employer", "contact", "owner", "done_by", "created_by"]


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    """A row left in "sending" means a worker died mid-send: that digest was not repeated."""

    list_display = ["day", "user", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "day"]
    raw_id_fields = ["user"]


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "updated_at"]
    raw_id_fields = ["user"]
