from django.urls import include, path

from employers import views, views_colleague, views_list, views_networks, views_parts, views_review, views_shares

app_name = "employers"

urlpatterns: list = [
    path("", views.EmployerListView.as_view(), name="list"),
    path("new/", views.EmployerCreateView.as_view(), name="create"),
    path("pipeline/", views.PipelineView.as_view(), name="pipeline"),
    path("export/", views.EmployerExportView.as_view(), name="export"),
    path("bulk/", views_list.BulkActionView.as_view(), name="bulk"),
    path("saved-filters/", views_list.SavedFilterCreateView.as_view(), name="saved-filter-create"),
    path("saved-filters/<int:pk>/", views_list.SavedFilterApplyView.as_view(), name="saved-filter"),
    path("saved-filters/<int:pk>/delete/", views_list.SavedFilterDeleteView.as_view(), name="saved-filter-delete"),
    path("networks/", views_networks.NetworkListView.as_view(), name="networks"),
    path("networks/<int:pk>/", views_networks.NetworkEditView.as_view(), name="network-edit"),
    # Public (no login): "Kent u een collega-werkgever?", behind a signed link (employers.colleague).
    path("colleague/<str:token>/", views_colleague.colleague_form, name="colleague"),
    path("review/", views_review.ReviewListView.as_view(), name="review"),
    path("review/<int:pk>/", views_review.ReviewDecideView.as_view(), name="review-decide"),
    path("shares/", views_shares.ShareListView.as_view(), name="shares"),
    path("shares/request/", views_shares.ShareRequestView.as_view(), name="share-request"),
    path("shares/<int:pk>/decide/", views_shares.ShareDecideView.as_view(), name="share-decide"),
    path("<int:pk>/", views.EmployerDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EmployerEditView.as_view(), name="edit"),
    path("<int:pk>/stage/", views.EmployerStageView.as_view(), name="stage"),
    path("<int:pk>/delete/", views.EmployerDeleteView.as_view(), name="delete"),
    path("<int:pk>/archive/", views.EmployerArchiveView.as_view(), name="archive"),
    path("<int:pk>/restore/", views.EmployerArchiveView.as_view(restore=True), name="restore"),
    path("<int:pk>/merge/", views.EmployerMergeView.as_view(), name="merge"),
    path("<int:pk>/contact-persons/new/", views_parts.ContactPersonCreateView.as_view(), name="contact-person-create"),
    path("contact-persons/<int:pk>/edit/", views_parts.ContactPersonEditView.as_view(), name="contact-person-edit"),
    path("<int:pk>/openings/new/", views_parts.OpeningCreateView.as_view(), name="opening-create"),
    path("openings/<int:pk>/edit/", views_parts.OpeningEditView.as_view(), name="opening-edit"),
    path("", include("employers.contacts.urls")),
    path("", include("employers.urls_import")),
]
