from django.urls import path

from candidates import views

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
]
