"""What a user keeps of the employer list: named filter sets (issue 17). Each belongs to one
user and is only ever read through ``SavedFilter.objects.of(user)``: nobody sees another's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.fields import CleanCharField

if TYPE_CHECKING:
    from crm.types import AuthUser


class SavedFilterQuerySet(models.QuerySet):
    def of(self, user: AuthUser) -> SavedFilterQuerySet:
        """The user's own saved filters: the only way in (another's id is a 404, like a missing one)."""
        return self.filter(user=user)


class SavedFilter(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    name = CleanCharField(_("name"), max_length=80)
    # The list's query string, only the FilterSet's own parameters (``employers.saved_filters``).
    query = models.TextField(_("filters"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedFilterQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_filter_name_unique_per_user")]

    def __str__(self) -> str:
        return self.name
