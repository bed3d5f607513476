"""The Celery app. Configuration lives in settings (CELERY_* names), schedule included."""

import os

from celery import Celery

from crm.logs import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = Celery("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The request id of the web request that queued a task travels in its headers (crm/logs.py).
connect_celery_signals()
