"""URLs of the contact log, included from employers/urls.py (namespace ``employers``)."""

from django.urls import path

from employers.contacts import views as views

urlpatterns = [
    path("contacts/new/", views.ContactCreateView.as_view(), name="contact-create"),
    path("contacts/<int:pk>/edit/", views.ContactEditView.as_view(), name="contact-edit"),
    path("contacts/lookup/", views.EmployerLookupView.as_view(), name="contact-lookup"),
    path("follow-ups/", views.FollowUpListView.as_view(), name="followup-list"),
    path("follow-ups/<int:pk>/done/", views.FollowUpCompleteView.as_view(), name="followup-complete"),
    path("follow-ups/<int:pk>/snooze/", views.FollowUpSnoozeView.as_view(), name="followup-snooze"),
    path("follow-ups/<int:pk>/reassign/", views.FollowUpReassignView.as_view(), name="followup-reassign"),
    path("follow-ups/feed/renew/", views.FollowUpFeedRenewView.as_view(), name="followup-feed-renew"),
    # Public (no login): the secret token is the key, as the session feeds' (outreach:feed).
    path("follow-ups/feed/<str:token>.ics", views.followup_feed, name="followup-feed"),
    path("my-work/", views.MyWorkView.as_view(), name="my-work"),
    path("people/<int:user_id>/", views.PersonView.as_view(), name="person"),
    path("team/", views.TeamView.as_view(), name="team"),
    path("<int:pk>/timeline/", views.TimelineView.as_view(), name="timeline"),
]
