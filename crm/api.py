"""The one DRF router for /api/v1/, and what the apps' API views share."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import DefaultRouter


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class Router(DefaultRouter):
    pass


router = Router()


def build_router() -> Router:
    """Each app registers its viewsets in its own ``api.py`` (``register(router)``)."""
    from candidates.api import register as register_candidates
    from crm.api_views import register as register_crm
    from employers.api import register as register_employers
    from outreach.api import register as register_outreach

    for register in (register_crm, register_employers, register_outreach, register_candidates):
        register(router)
    return router
