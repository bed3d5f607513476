from django.urls import path

from outreach import views_public, views_register, views_wish
from outreach.views_staff import agenda, bulk_invite, checkin, events, invite, registrations, speakers

app_name = "outreach"

urlpatterns: list = [
    # --- Public pages (no login): session page, personal links, calendar feeds -----------
    # Owned by the public side (views_public.py); staff pages go in their own section below.
    path("p/<slug:slug>/", views_public.event_page, name="public-event"),
    path("p/<slug:slug>/register/", views_register.register, name="public-register"),
    path("register/confirm/<str:value>/", views_register.register_confirm, name="register-confirm"),
    path("p/<slug:slug>/calendar.ics", views_public.event_ics, name="public-event-ics"),
    path("p/<slug:slug>/share.png", views_public.event_share_image, name="public-event-share"),
    path("rsvp/<str:token>/", views_public.rsvp, name="rsvp"),
    path("rsvp/<str:token>/calendar.ics", views_public.rsvp_ics, name="rsvp-ics"),
    path("wish/<slug:wish>/<str:token>/", views_wish.wish, name="wish"),
    path("preferences/<str:token>/", views_public.unsubscribe, name="unsubscribe"),
    path("fresh-link/", views_public.fresh_link, name="fresh-link"),
    path("feeds/<str:token>.ics", views_public.feed, name="feed"),
]

# --- Staff pages (login: advisers and coordinators; the national agenda for AWVN) ---------
# Owned by the staff side (views_staff/).
urlpatterns += [
    path("", events.EventListView.as_view(), name="event-list"),
    path("new/", events.EventCreateView.as_view(), name="event-create"),
    path("invite-employers/", bulk_invite.BulkInviteView.as_view(), name="bulk-invite"),
    path("agenda/", agenda.AgendaView.as_view(), name="agenda"),
    path("registrations/", registrations.RegistrationListView.as_view(), name="registrations"),
    path(
        "registrations/<int:pk>/reviewed/",
        registrations.RegistrationReviewedView.as_view(),
        name="registration-reviewed",
    ),
    # The speaker pool across regions (outreach.models.speakers).
    path("speakers/", speakers.SpeakerListView.as_view(), name="speakers"),
    path("speakers/new/", speakers.SpeakerCreateView.as_view(), name="speaker-create"),
    path("speakers/<int:pk>/", speakers.SpeakerDetailView.as_view(), name="speaker-detail"),
    path("speakers/<int:pk>/edit/", speakers.SpeakerEditView.as_view(), name="speaker-edit"),
    path("agenda/<int:pk>/confirm/", agenda.AgendaConfirmView.as_view(), name="agenda-confirm"),
    path("<int:pk>/", events.EventDetailView.as_view(), name="event-detail"),
    path("<int:pk>/edit/", events.EventEditView.as_view(), name="event-edit"),
    path("<int:pk>/publish/", events.EventPublishView.as_view(), name="event-publish"),
    path("<int:pk>/register-awvn/", events.EventRegisterAwvnView.as_view(), name="event-register-awvn"),
    path("<int:pk>/cancel/", events.EventCancelView.as_view(), name="event-cancel"),
    path("<int:pk>/postpone/", events.EventPostponeView.as_view(), name="event-postpone"),
    path("<int:pk>/held/", events.EventMarkHeldView.as_view(), name="event-mark-held"),
    path("<int:pk>/invite/", invite.EventInviteView.as_view(), name="event-invite"),
    path("<int:pk>/checkin/", checkin.EventCheckinView.as_view(), name="event-checkin"),
]
