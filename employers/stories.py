"""Writes and reads of the employer stories and the FAQ (``employers.models.stories``).

Staff of a region write their region's: a story links an employer of that region (or none),
is published only once the employer's consent is recorded, and has an image only with its alt
text. The public pages read what is published, per region or nationally, filtered by sector and
region and searched in the text.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from crm.models import AuditEntry
from crm.scoping import may_write_region
from employers.models import FaqEntry, Story

if TYPE_CHECKING:
    from crm.types import AuthUser

MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
STORY_FIELDS = ("employer", "sector", "title", "quote", "text", "image_alt", "employer_consent_note")
FAQ_FIELDS = ("national", "question_nl", "answer_nl", "question_en", "answer_en", "position")


def read_image(data: bytes) -> str:
    """The content type of an uploaded image, or a clear refusal."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError({"image": _("The image is larger than 2 MB.")})
    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.verify()
            kind = picture.format or ""
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError({"image": _("This is not an image we can show: use JPEG, PNG or WebP.")}) from error
    if kind not in IMAGE_TYPES:
        raise ValidationError({"image": _("This is not an image we can show: use JPEG, PNG or WebP.")})
    return IMAGE_TYPES[kind]


def _slug(title: str, exclude_pk: int | None) -> str:
    base = slugify(title)[:100] or "verhaal"
    slug, n = base, 2
    while Story.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_story(story: Story, by: AuthUser, consent: bool, publish: bool) -> None:
    if not may_write_region(by, story.region_id):
        raise PermissionDenied(_("Only the advisers and coordinators of the story's region can do this."))
    if story.employer is not None and story.employer.region_id != story.region_id:
        raise ValidationError({"employer": _("Choose an employer of the story's region.")})
    if consent and story.employer_consent_at is None:
        story.employer_consent_at = timezone.now()
    if not consent:
        story.employer_consent_at = None
    if story.employer_consent_at is not None and not story.employer_consent_note.strip():
        raise ValidationError({"employer_consent_note": _("Say who gave the employer's consent, and how.")})
    if publish and story.employer_consent_at is None:
        raise ValidationError({"employer_consent": _("Record the employer's consent before publishing the story.")})
    if story.has_image and not story.image_alt.strip():
        raise ValidationError({"image_alt": _("Describe the image for people who cannot see it (alt text).")})
    story.full_clean(exclude=["image"])


@transaction.atomic
def story_save(
    *,
    by: AuthUser,
    story: Story | None = None,
    region: Any = None,
    consent: bool = False,
    publish: bool = False,
    image: bytes | None = None,
    remove_image: bool = False,
    **fields: Any,
) -> Story:
    """Create (``region`` given) or change a story; ``image``: the uploaded bytes."""
    unknown = set(fields) - set(STORY_FIELDS)
    if unknown:
        raise TypeError(f"story_save does not take {sorted(unknown)}")
    new = story is None
    story = Story(region_id=getattr(region, "pk", region), created_by=by) if story is None else story
    for name, value in fields.items():
        setattr(story, name, value)
    if remove_image:
        story.image, story.image_type = b"", ""
    if image:
        story.image, story.image_type = image, read_image(image)
    story.slug = story.slug or _slug(story.title, story.pk)
    _check_story(story, by, consent, publish)
    was_published = story.published_at is not None
    story.published_at = (story.published_at or timezone.now()) if publish else None
    story.save()
    action = "created" if new else ("published" if publish and not was_published else "updated")
    AuditEntry.record(f"employers.story.{action}", target=story, actor=by, data={"region": story.region_id})
    return story


@transaction.atomic
def faq_save(
    *, by: AuthUser, entry: FaqEntry | None = None, region: Any = None, publish: bool = False, **fields: Any
) -> FaqEntry:
    unknown = set(fields) - set(FAQ_FIELDS)
    if unknown:
        raise TypeError(f"faq_save does not take {sorted(unknown)}")
    entry = FaqEntry(region_id=getattr(region, "pk", region)) if entry is None else entry
    if not may_write_region(by, entry.region_id):
        raise PermissionDenied(_("Only the advisers and coordinators of the entry's region can do this."))
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.published_at = (entry.published_at or timezone.now()) if publish else None
    entry.full_clean()
    entry.save()
    AuditEntry.record("employers.faq.saved", target=entry, actor=by, data={"region": entry.region_id})
    return entry


# --- Reading -------------------------------------------------------------------------------


def published_stories(*, region: str = "", sector: str = "", q: str = "") -> QuerySet[Story]:
    stories = Story.objects.published().select_related("region").defer("image")
    if region:
        stories = stories.filter(region_id=region)
    if sector:
        stories = stories.filter(sector=sector)
    if q.strip():
        term = q.strip()
        stories = stories.filter(Q(title__icontains=term) | Q(quote__icontains=term) | Q(text__icontains=term))
    return stories


def published_faq(*, region: str = "") -> QuerySet[FaqEntry]:
    entries = FaqEntry.objects.published()
    return entries.filter(Q(region_id=region) | Q(national=True)) if region else entries.filter(national=True)


def stories_for_sector(sector: str, *, exclude_employer: int | None = None, limit: int = 5) -> list[Story]:
    """Published stories of ``sector`` from every region: to use with employers of that sector."""
    if not sector:
        return []
    stories = published_stories(sector=sector)
    if exclude_employer is not None:
        stories = stories.exclude(employer_id=exclude_employer)
    return list(stories[:limit])
