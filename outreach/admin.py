"""Admin for sessions, invitations and the outbox (the outbox is read-mostly: rows are the record)."""

from __future__ import annotations

from django.contrib import admin

from outreach.models import CalendarFeed, Event, Invitation, InvitationRound, OutboundEmail, Speaker


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "starts_at", "state", "capacity", "awvn_requested_at", "awvn_confirmed_at"]
    list_filter = ["state", "region"]
    search_fields = ["title", "slug", "awvn_reference"]
    raw_id_fields = ["owner", "created_by", "awvn_confirmed_by"]
    date_hierarchy = "starts_at"
    inlines = [SpeakerInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["event", "contact_person", "rsvp", "people_count", "waitlist_position", "attended", "walk_in"]
    list_filter = ["rsvp", "attended", "walk_in", "event__region"]
    raw_id_fields = ["event", "contact_person", "attended_marked_by", "invited_by", "attendance_contact"]
    exclude = ["token"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Every message the system sends (invitations, reminders, digests, warm introductions).
    "Sending" is a claim with a lease; one whose lease expired comes back flagged uncertain."""

    list_display = ["idempotency_key", "kind", "to_email", "state", "attempts", "uncertain", "sent_at", "last_error"]
    list_filter = ["state", "kind", "uncertain", "language"]
    search_fields = ["idempotency_key", "to_email", "message_id"]
    raw_id_fields = ["event", "invitation"]
    readonly_fields = ["message_id", "idempotency_key", "created_at"]


@admin.register(InvitationRound)
class InvitationRoundAdmin(admin.ModelAdmin):
    list_display = ["event", "state", "done", "total", "invited", "created_by", "created_at", "finished_at"]
    list_filter = ["state"]
    raw_id_fields = ["event", "created_by"]
    exclude = ["person_ids"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["region", "created_by", "created_at", "revoked_at"]
    raw_id_fields = ["created_by"]
    exclude = ["token"]
