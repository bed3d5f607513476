"""An import of an employer list: parsed and checked first (the dry run), written on confirm."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import Region
from crm.scoping import NETWORK_WRITE, RegionScopedQuerySet


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Being checked")
    PREVIEW = "preview", _("Checked, waiting for confirmation")
    IMPORTING = "importing", _("Being imported")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Could not be read")
    DISCARDED = "discarded", _("Discarded")


class ImportBatchQuerySet(RegionScopedQuerySet):
    region_path = "region"
    # Importing writes employers: only the people who may write the network see batches.
    read_roles = NETWORK_WRITE
    write_roles = NETWORK_WRITE


class ImportBatch(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    filename = models.CharField(_("file"), max_length=200)
    # One dict per data row: line, data (normalised), errors {field: message}, duplicate, choices.
    rows = models.JSONField(default=list)
    notices = models.JSONField(default=list)
    state = models.CharField(_("state"), max_length=10, choices=ImportState.choices, default=ImportState.PREVIEW)
    # The uploaded file until the Celery task has checked it (at most IMPORT_MAX_BYTES), then
    # emptied: the checked rows above are what the preview and the write use.
    raw = models.BinaryField(default=bytes, editable=False)
    language = models.CharField(max_length=10, blank=True)  # of the uploader: the task's messages
    progress = models.PositiveIntegerField(default=0)  # rows checked so far
    total = models.PositiveIntegerField(default=0)  # rows expected (0: not known before reading)
    error = models.TextField(blank=True)  # why the file could not be read, or the last confirm failed
    actions = models.JSONField(default=dict)  # {line: create|update|skip} the user confirmed
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    counts = models.JSONField(default=dict)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("employer import")
        verbose_name_plural = _("employer imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def valid_rows(self) -> list[dict]:
        return [row for row in self.rows if not row["errors"]]

    @property
    def error_rows(self) -> list[dict]:
        return [row for row in self.rows if row["errors"]]
