"""The public agenda (no login), included at ``/agenda/``: national first, then per region."""

from django.urls import path

from outreach import views_agenda as views

app_name = "agenda"

urlpatterns: list = [
    path("", views.AgendaPageView.as_view(), name="national"),
    path("calendar.ics", views.AgendaCalendarView.as_view(), name="national-ics"),
    path("feed.atom", views.AgendaAtomView.as_view(), name="national-atom"),
    path("feed.json", views.AgendaJsonView.as_view(), name="national-json"),
    path("embed/", views.AgendaEmbedView.as_view(), name="national-embed"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("<slug:code>/privacy/", views.PrivacyView.as_view(), name="region-privacy"),
    path("<slug:code>/", views.AgendaPageView.as_view(), name="region"),
    path("<slug:code>/calendar.ics", views.AgendaCalendarView.as_view(), name="region-ics"),
    path("<slug:code>/feed.atom", views.AgendaAtomView.as_view(), name="region-atom"),
    path("<slug:code>/feed.json", views.AgendaJsonView.as_view(), name="region-json"),
    path("<slug:code>/embed/", views.AgendaEmbedView.as_view(), name="region-embed"),
]
