"""The home page, included from crm/urls.py without a namespace (its name stays ``home``)."""

from django.urls import path

from reports import views_home

urlpatterns = [path("", views_home.home, name="home")]
