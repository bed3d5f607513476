"""Employers, their contact persons, what they can offer, and where each stands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.fields import CleanCharField
from crm.models import Region
from crm.scoping import NETWORK_READ, NETWORK_WRITE, RegionScopedQuerySet
from employers.models.shares import EmployerPartQuerySet, part_region_field, shared_with

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from crm.types import AuthUser


class Stage(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    INTERESTED = "interested", _("Interested")
    OPEN = "open", _("Open to our candidates")
    ACTIVE = "active", _("Active (hosted a placement or trial)")
    AMBASSADOR = "ambassador", _("Ambassador")
    PAUSED = "paused", _("Paused")


class SbiSection(models.TextChoices):
    """SBI 2008 sections (crm/data/sbi2008_secties.csv); Dutch names come from the .po file."""

    A = "A", _("Agriculture, forestry and fishing")
    B = "B", _("Mining and quarrying")
    C = "C", _("Manufacturing")
    D = "D", _("Energy supply")
    E = "E", _("Water supply and waste management")
    F = "F", _("Construction")
    G = "G", _("Wholesale and retail trade")
    H = "H", _("Transportation and storage")
    I = "I", _("Accommodation and food services")  # noqa: E741 - the SBI letter
    J = "J", _("Information and communication")
    K = "K", _("Financial services")
    L = "L", _("Real estate")
    M = "M", _("Specialised business services")
    N = "N", _("Renting and other business support")
    O = "O", _("Public administration")  # noqa: E741 - the SBI letter
    P = "P", _("Education")
    Q = "Q", _("Health and social care")
    R = "R", _("Culture, sports and recreation")
    S = "S", _("Other services")
    T = "T", _("Households as employers")
    U = "U", _("Extraterritorial organisations")


class SizeClass(models.TextChoices):
    MICRO = "micro", _("1-9 employees")
    SMALL = "small", _("10-49 employees")
    MEDIUM = "medium", _("50-249 employees")
    LARGE = "large", _("250 or more employees")


class Source(models.TextChoices):
    OWN = "own", _("Own contact")
    GUIDE = "guide", _("Contact of a trajectory guide")
    NETWORK = "network", _("Entrepreneur network")
    EVENT = "event", _("Knowledge session")
    REFERRAL = "referral", _("Referral by an employer")
    IMPORT = "import", _("Imported list")


class AccommodationCode(models.TextChoices):
    QUIET_WORKPLACE = "quiet_workplace", _("Quiet workplace")
    FLEXIBLE_HOURS = "flexible_hours", _("Flexible hours")
    PART_TIME_START = "part_time_start", _("Part-time start")
    JOB_COACH_WELCOME = "job_coach_welcome", _("Job coach welcome")
    BUDDY = "buddy", _("Buddy or mentor at work")
    ADJUSTED_TASKS = "adjusted_tasks", _("Adjusted tasks")
    HOME_WORKING = "home_working", _("Home working")
    TRIAL_PLACEMENT = "trial_placement", _("Trial placement possible")
    FIXED_SCHEDULE = "fixed_schedule", _("Fixed schedule and clear structure")
    GRADUAL_BUILD_UP = "gradual_build_up", _("Gradual build-up of hours")


class Accommodation(models.Model):
    """One row per ``AccommodationCode`` (loaded by migration), so employers, openings and
    candidates can share it as a many-to-many that filters with plain joins."""

    code = models.CharField(max_length=40, primary_key=True, choices=AccommodationCode.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> StrPromise:
        return AccommodationCode(self.code).label


class Language(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")


class EmployerQuerySet(RegionScopedQuerySet):
    """Written by its lead region only (``region``; stage and owner are the lead's); read also by
    the regions it is shared with (``employers.models.shares``)."""

    region_path = "region"

    def _seen_in(self, codes: set[str]) -> Self:
        return self.filter(Q(region_id__in=sorted(codes)) | Q(pk__in_array=shared_with(codes)))

    def active(self) -> Self:
        """Not archived: what lists, searches, invitation audiences and matching work with. An
        archived employer is still found by ``visible_to`` (its page opens, to be restored)."""
        return self.filter(archived_at__isnull=True)

    def archived(self) -> Self:
        return self.filter(archived_at__isnull=False)

    def update_locked(self, **values: Any) -> int:
        """Lock the rows first (in id order), then update them. Under READ COMMITTED each
        statement reads with its own snapshot, so an update computed from other tables (the
        latest contact, the open openings) then sees what a concurrent writer of the same
        employer committed, instead of leaving the older value behind."""
        with transaction.atomic(savepoint=False):  # part of the caller's transaction, if any
            list(self.select_for_update().order_by("pk").values_list("pk", flat=True))
            return self.update(**values)


class Employer(models.Model):
    legal_name = CleanCharField(_("legal name"), max_length=200)
    trade_name = CleanCharField(_("trade name"), max_length=200, blank=True)
    kvk_number = models.CharField(_("KvK number"), max_length=8, blank=True)
    sbi_section = models.CharField(_("SBI section"), max_length=1, choices=SbiSection.choices, blank=True)
    sbi_code = models.CharField(_("SBI code"), max_length=10, blank=True)
    size_class = models.CharField(_("size"), max_length=10, choices=SizeClass.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("visiting address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="employers", verbose_name=_("region"))
    stage = models.CharField(_("network stage"), max_length=12, choices=Stage.choices, default=Stage.PROSPECT)
    accommodations = models.ManyToManyField(
        Accommodation, blank=True, related_name="employers", verbose_name=_("accommodations offered")
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, blank=True)
    networks = models.ManyToManyField(
        "employers.Network", blank=True, related_name="employers", verbose_name=_("networks")
    )
    # Free tags, lower case, sorted (``employers.services_networks.normalise_tags``).
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True, verbose_name=_("tags"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_employers",
        verbose_name=_("owning adviser"),
    )
    do_not_contact = models.BooleanField(_("do not contact"), default=False)
    do_not_contact_reason = models.CharField(_("reason for do not contact"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The latest contact's moment, kept by the contact services (contact_log, contact_update,
    # contact_delete: ``refresh_last_contact``). Stored on the row because matching reads the
    # warmth of thousands of employers per request: a column beside the postcode it already
    # reads instead of one index probe into the contacts per employer.
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True, editable=False)
    # The accommodations' codes again, sorted, kept by set_accommodations: matching tests thousands
    # of employers per request for the accommodations a candidate needs, and ``code = ANY(array)``
    # on the row costs less than a look-up in the link table per employer.
    accommodation_codes = ArrayField(models.CharField(max_length=40), default=list, blank=True, editable=False)
    # How many of its openings are open, kept by the opening services (``refresh_open_openings``):
    # matching looks for a fitting opening only at the employers that have one.
    open_openings = models.PositiveIntegerField(default=0, editable=False)
    # Archived instead of deleted (``employers.archive``): hidden from lists, search, audiences and
    # matching, restorable; only an archived employer may be deleted for good, by a coordinator.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    # A guide's contact (``employers.proposals``): who added it, and since when it waits in "new
    # in the network" for an adviser or coordinator of the region to accept, merge or reject it.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("added by"),
    )
    review_requested_at = models.DateTimeField(_("awaiting review since"), null=True, blank=True, editable=False)
    # Peer referral: the employer (of the same region) and its contact person who pointed this one
    # to the WSP; the referrer's page counts the employers it brought in and how far they got.
    referred_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    referred_by_person = models.ForeignKey(
        "employers.ContactPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_employers",
        verbose_name=_("referred by (contact person)"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name", "id"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.UniqueConstraint(fields=["kvk_number"], condition=~Q(kvk_number=""), name="kvk_unique_when_given"),
            models.CheckConstraint(
                condition=Q(kvk_number="") | Q(kvk_number__regex=r"^[0-9]{8}$"), name="kvk_eight_digits"
            ),
        ]
        indexes = [
            models.Index(fields=["region", "stage"], name="employer_region_stage"),
            models.Index(fields=["postcode"], name="employer_postcode"),
            # Prefix search (``LIKE '6001%'``) whatever the database's collation: text_pattern_ops.
            models.Index(fields=["kvk_number"], name="employer_kvk_prefix", opclasses=["text_pattern_ops"]),
            models.Index(fields=["postcode"], name="employer_postcode_prefix", opclasses=["text_pattern_ops"]),
            GinIndex(fields=["tags"], name="employer_tags"),
            models.Index(
                fields=["region"], condition=Q(review_requested_at__isnull=False), name="employer_awaiting_review"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def pc4(self) -> str:
        return self.postcode[:4]

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def awaiting_review(self) -> bool:
        return self.review_requested_at is not None

    def set_accommodations(self, codes: Iterable[str]) -> None:
        """Set the accommodations offered, and their codes on the row (``accommodation_codes``)."""
        chosen = sorted(set(codes))
        # The primary key is the code; the stubs accept only int ids or instances here.
        self.accommodations.set(chosen)  # type: ignore[arg-type]
        self.accommodation_codes = chosen
        Employer.objects.filter(pk=self.pk).update(accommodation_codes=self.accommodation_codes)


class StageChange(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=12, choices=Stage.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.employer_id}: {self.from_stage or '-'} -> {self.to_stage}"


class ContactPersonQuerySet(EmployerPartQuerySet):
    # Guides read the network and may add contact persons and openings to it.
    write_roles = NETWORK_READ

    def invitable_by(self, user: AuthUser) -> Self:
        """The people ``user`` may invite to sessions: those of the regions where ``user``
        organises them (adviser, coordinator); opt-outs and do-not-contact are the audience's
        business (``outreach.services.audience_preview``). Not the people of an archived employer
        (``Employer.objects.active()``): archived means out of every audience."""
        return self.seen_in_regions_of(user, NETWORK_WRITE).filter(employer__archived_at__isnull=True)


class ContactPerson(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contact_persons")
    region = part_region_field()  # a participating region's row on a national employer
    # Names end up in mail headers (To:, Subject:) and file names: one line, no control characters.
    name = CleanCharField(_("name"), max_length=200)
    function = CleanCharField(_("function"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NL)
    opted_out_at = models.DateTimeField(_("opted out of mail at"), null=True, blank=True)
    opt_out_source = models.CharField(_("opt-out source"), max_length=100, blank=True)
    lawful_basis = models.CharField(_("lawful basis"), max_length=300, blank=True)
    # Erased on request or by the retention job (outreach.privacy): the row stays, so counts and
    # reports stay true, but it names nobody any more.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)
    # Mail to the address bounced for good (a hard bounce, or SOFT_BOUNCE_LIMIT soft ones, read
    # from the bounce mailbox by outreach.bounces): no outreach goes to it until it is changed.
    email_invalid_at = models.DateTimeField(_("e-mail address invalid since"), null=True, blank=True, editable=False)
    soft_bounces = models.PositiveSmallIntegerField(_("soft bounces"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ContactPersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name

    @property
    def opted_out(self) -> bool:
        return self.opted_out_at is not None

    @property
    def email_invalid(self) -> bool:
        return self.email_invalid_at is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class OpeningState(models.TextChoices):
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")


class OpeningQuerySet(EmployerPartQuerySet):
    write_roles = NETWORK_READ


class Opening(models.Model):
    """A vacancy, or work the employer can offer a candidate."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="openings")
    region = part_region_field()  # a participating region's row on a national employer
    title = models.CharField(_("title"), max_length=200)
    hours_min = models.PositiveSmallIntegerField(_("hours per week (min)"), null=True, blank=True)
    hours_max = models.PositiveSmallIntegerField(_("hours per week (max)"), null=True, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    requirements = models.TextField(_("what the work asks"), blank=True)
    accommodations = models.ManyToManyField(
        Accommodation, blank=True, related_name="openings", verbose_name=_("accommodations possible")
    )
    trial_possible = models.BooleanField(_("suitable for a trial placement"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=OpeningState.choices, default=OpeningState.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = OpeningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opening")
        verbose_name_plural = _("openings")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_min__isnull=True)
                | Q(hours_max__isnull=True)
                | Q(hours_min__lte=models.F("hours_max")),
                name="opening_hours_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return self.title
