from django.urls import path

from outreach import views_public
from outreach import views_staff as staff

app_name = "outreach"

urlpatterns: list = [
    # --- Public pages (no login): session page, personal links, calendar feeds -----------
    # Owned by the public side (views_public.py); staff pages go in their own section below.
    path("p/<slug:slug>/", views_public.event_page, name="public-event"),
    path("p/<slug:slug>/calendar.ics", views_public.event_ics, name="public-event-ics"),
    path("rsvp/<str:token>/", views_public.rsvp, name="rsvp"),
    path("rsvp/<str:token>/calendar.ics", views_public.rsvp_ics, name="rsvp-ics"),
    path("preferences/<str:token>/", views_public.unsubscribe, name="unsubscribe"),
    path("fresh-link/", views_public.fresh_link, name="fresh-link"),
    path("feeds/<str:token>.ics", views_public.feed, name="feed"),
]

# --- Staff pages (login: advisers and coordinators; the national agenda for AWVN) ---------
# Owned by the staff side (views_staff.py).
urlpatterns += [
    path("", staff.EventListView.as_view(), name="event-list"),
    path("new/", staff.EventCreateView.as_view(), name="event-create"),
    path("agenda/", staff.AgendaView.as_view(), name="agenda"),
    path("agenda/<int:pk>/confirm/", staff.AgendaConfirmView.as_view(), name="agenda-confirm"),
    path("<int:pk>/", staff.EventDetailView.as_view(), name="event-detail"),
    path("<int:pk>/edit/", staff.EventEditView.as_view(), name="event-edit"),
    path("<int:pk>/publish/", staff.EventPublishView.as_view(), name="event-publish"),
    path("<int:pk>/register-awvn/", staff.EventRegisterAwvnView.as_view(), name="event-register-awvn"),
    path("<int:pk>/cancel/", staff.EventCancelView.as_view(), name="event-cancel"),
    path("<int:pk>/held/", staff.EventMarkHeldView.as_view(), name="event-mark-held"),
    path("<int:pk>/invite/", staff.EventInviteView.as_view(), name="event-invite"),
    path("<int:pk>/checkin/", staff.EventCheckinView.as_view(), name="event-checkin"),
]
