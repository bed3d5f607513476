from django.urls import path

from reports import views, views_ips

app_name = "reports"

urlpatterns = [
    path("", views.RegionDashboardView.as_view(), name="region"),
    path("regions/<str:code>/", views.RegionDashboardView.as_view(), name="region-detail"),
    path("regions/<str:code>/target/", views.RegionTargetView.as_view(), name="region-target"),
    path("national/", views.NationalView.as_view(), name="national"),
    path("ips/", views_ips.OwnIpsView.as_view(), name="ips-own"),
]
