"""The one DRF router for /api/v1/, and what the apps' API views share."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import DefaultRouter
from rest_framework.serializers import BaseSerializer

from crm.discovery import app_modules
from crm.paging import CappedPaginator


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class SearchPagination(Pagination):
    """A searched list's count stops at 1,000 (``crm.paging``); ``count`` is exact below that."""

    django_paginator_class = CappedPaginator


_Instance = TypeVar("_Instance")


def updated_instance(serializer: BaseSerializer[_Instance]) -> _Instance:
    """The object a ``perform_update`` serializer holds: DRF's update always builds it on the
    object the URL names, the stubs type it ``| None``."""
    if serializer.instance is None:
        raise ImproperlyConfigured("an update serializer holds the object it updates")
    return serializer.instance


class Router(DefaultRouter):
    pass


router = Router()


def build_router() -> Router:
    """crm's viewsets, then each local app's: an app registers its viewsets in its own ``api.py``
    (``register(router)``), found through ``settings.LOCAL_APPS`` (crm imports no app)."""
    from crm.api_views import register as register_crm

    register_crm(router)
    for module in app_modules("api"):
        if hasattr(module, "register"):
            module.register(router)
    return router
