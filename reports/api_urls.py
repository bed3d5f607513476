"""The stats API (``/api/v1/stats/``): plain API views beside the project router, included by
the URLconf without a namespace so their names stay ``api-stats-*``."""

from django.urls import path

from reports.views import NationalStatsAPIView, RegionStatsAPIView, RegionTargetAPIView

urlpatterns = [
    path("regions/<str:code>/", RegionStatsAPIView.as_view(), name="api-stats-region"),
    path("regions/<str:code>/targets/<int:year>/", RegionTargetAPIView.as_view(), name="api-stats-region-target"),
    path("national/", NationalStatsAPIView.as_view(), name="api-stats-national"),
]
