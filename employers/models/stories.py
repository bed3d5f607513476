"""Inspiration stories of employers and the employer FAQ: public pages, written by staff.

A story belongs to the region that wrote it and may link the employer it is about; it is
published only with the employer's consent recorded (who gave it, when: a database check), and
an image only with its alt text. The image is stored in the row and served from our own origin
(the site's CSP allows no other), re-checked as a real JPEG, PNG or WebP on upload.

An FAQ entry is in Dutch and English, of the region that wrote it; ``national`` entries show on
the national page and on every region's.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.fields import CleanCharField
from crm.models import Region, Role
from crm.scoping import RegionScopedQuerySet
from employers.models.network import Employer, SbiSection


class PublicQuerySet(RegionScopedQuerySet):
    region_path = "region"
    # The AWVN adviser reads every region's (the national pages' editor's view).
    national_read_roles = frozenset({Role.AWVN})

    def published(self) -> Self:
        return self.filter(published_at__isnull=False)


class Story(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    employer = models.ForeignKey(
        Employer, on_delete=models.SET_NULL, null=True, blank=True, related_name="stories", verbose_name=_("employer")
    )
    sector = models.CharField(_("sector"), max_length=1, choices=SbiSection.choices, blank=True)
    title = CleanCharField(_("title"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=120, unique=True)
    quote = models.CharField(_("quote"), max_length=500, blank=True)
    text = models.TextField(_("text"))
    image = models.BinaryField(_("image"), blank=True, editable=False, default=bytes)
    image_type = models.CharField(max_length=20, blank=True, editable=False)
    image_alt = models.CharField(_("image description (alt text)"), max_length=300, blank=True)
    employer_consent_at = models.DateTimeField(_("employer's consent recorded at"), null=True, blank=True)
    employer_consent_note = models.CharField(_("consent given by"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("employer story")
        verbose_name_plural = _("employer stories")
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(employer_consent_at__isnull=False),
                name="story_published_only_with_consent",
            ),
            models.CheckConstraint(condition=Q(image_type="") | ~Q(image_alt=""), name="story_image_has_alt_text"),
        ]
        indexes = [models.Index(fields=["region", "sector"], name="story_region_sector")]

    def __str__(self) -> str:
        return self.title

    @property
    def has_image(self) -> bool:
        return bool(self.image_type)


class FaqEntry(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    national = models.BooleanField(_("on the national page"), default=False)
    question_nl = CleanCharField(_("question (Dutch)"), max_length=300)
    answer_nl = models.TextField(_("answer (Dutch)"))
    question_en = CleanCharField(_("question (English)"), max_length=300)
    answer_en = models.TextField(_("answer (English)"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self) -> str:
        return self.question_nl

    def question(self, language: str) -> str:
        return self.question_en if language == "en" else self.question_nl

    def answer(self, language: str) -> str:
        return self.answer_en if language == "en" else self.answer_nl
