from django.urls import path

from candidates import views, views_contacts, views_trajectories

app_name = "candidates"

urlpatterns = [
    path("", views.CandidateListView.as_view(), name="list"),
    path("new/", views.CandidateCreateView.as_view(), name="create"),
    path("<int:pk>/", views.CandidateDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.CandidateEditView.as_view(), name="edit"),
    path("<int:pk>/matches/", views.CandidateMatchesView.as_view(), name="matches"),
    path("<int:pk>/matches/state/", views.MatchStateView.as_view(), name="match-state"),
    path("<int:pk>/placements/new/", views.PlacementCreateView.as_view(), name="placement-create"),
    path("placements/<int:pk>/durable-check/", views.DurableCheckView.as_view(), name="durable-check"),
    path("placements/<int:pk>/end/", views_trajectories.PlacementEndView.as_view(), name="placement-end"),
    path("<int:pk>/trajectories/new/", views_trajectories.TrajectoryStartView.as_view(), name="trajectory-start"),
    path("trajectories/<int:pk>/end/", views_trajectories.TrajectoryEndView.as_view(), name="trajectory-end"),
    path("<int:pk>/contacts/link/", views_contacts.ContactLinkView.as_view(), name="contact-link"),
    path("contacts/for/<int:pk>/", views_contacts.ContactForView.as_view(), name="contact-for"),
    path("contacts/<int:pk>/unlink/", views_contacts.ContactUnlinkView.as_view(), name="contact-unlink"),
]
