from django.urls import path

from outreach import views_public

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
    # --- Staff pages (login) ------------------------------------------------------------
]
