"""The shared core: settings, regions, memberships, scoping, audit, the API router, Celery.
Imports no app (it finds their api.py and demo modules through settings.LOCAL_APPS); every app imports it."""

from crm.celery import app as celery_app

__all__ = ["celery_app"]
