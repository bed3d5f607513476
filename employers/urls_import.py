"""URLs of the employer import, included from employers/urls.py (namespace ``employers``)."""

from django.urls import path

from employers import views_import as views

urlpatterns = [
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/<int:pk>/", views.ImportPreviewView.as_view(), name="import-preview"),
]
