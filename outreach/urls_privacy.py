"""Data-subject rights, under /employers/contact-persons/ (crm/urls.py includes this by name:
the pages are the person's, the code is outreach's, which knows every table naming them)."""

from django.urls import path

from outreach import views_privacy

app_name = "privacy"

urlpatterns: list = [
    path("<int:pk>/data/", views_privacy.PersonDataView.as_view(), name="person-data"),
    path("<int:pk>/erase/", views_privacy.PersonEraseView.as_view(), name="person-erase"),
]
