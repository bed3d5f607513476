"""What every app shares: regions, postcode areas, who holds which role where, the audit log,
and the recovery codes of two-factor sign-in (the authenticator apps are django-otp's TOTP devices)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from crm.roles import NETWORK_READ, NETWORK_WRITE, Role, region_codes

if TYPE_CHECKING:
    from crm.types import AuthUser


class RegionQuerySet(models.QuerySet):
    """Which regions a user reads or writes in, from the roles ``crm.roles`` reads."""

    def readable_by(self, user: AuthUser) -> RegionQuerySet:
        return self.filter(code__in=sorted(region_codes(user, NETWORK_READ)))

    def writable_by(self, user: AuthUser) -> RegionQuerySet:
        return self.filter(code__in=sorted(region_codes(user, NETWORK_WRITE)))


class Region(models.Model):
    """An arbeidsmarktregio (CBS 2025 boundaries); its CBS code, e.g. ``AM18``, is the key."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    # Who the region's mail comes from (set by its coordinator through crm.senders); empty: the
    # defaults "WSP <name>" and DEFAULT_FROM_EMAIL's address, no signature lines.
    sender_name = models.CharField(_("sender name"), max_length=100, blank=True)
    sender_email = models.EmailField(_("sender address"), blank=True)
    signature = models.TextField(
        _("signature"), blank=True, max_length=500, help_text=_("Phone number and address, under every mail.")
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("labour-market region")
        verbose_name_plural = _("labour-market regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PostcodeArea(models.Model):
    """A PC4 area with a point for distances and the region it most likely lies in."""

    pc4 = models.CharField(_("postcode (4 digits)"), max_length=4, primary_key=True)
    place = models.CharField(_("place"), max_length=100)
    province = models.CharField(_("province"), max_length=50, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="postcode_areas", verbose_name=_("region")
    )

    class Meta:
        ordering = ["pc4"]
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")

    def __str__(self) -> str:
        return f"{self.pc4} {self.place}"


class Membership(models.Model):
    """A user's role in a region. The AWVN adviser's role is national: no region."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region", "role"], condition=Q(region__isnull=False), name="one_role_per_region"
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(region__isnull=True), name="one_national_role"
            ),
            models.CheckConstraint(
                condition=Q(role="awvn", region__isnull=True) | (~Q(role="awvn") & Q(region__isnull=False)),
                name="region_unless_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region_id or _('national')}"


class AuditEntry(models.Model):
    """One line per state change that matters: who did what to which object, when."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    @classmethod
    def record(
        cls,
        action: str,
        *,
        target: models.Model | None = None,
        actor: AuthUser | None = None,
        data: dict[str, Any] | None = None,
    ) -> AuditEntry:
        entry = cls.entry(action, target=target, actor=actor, data=data)
        entry.save(force_insert=True)
        return entry

    @classmethod
    def entry(
        cls,
        action: str,
        *,
        target: models.Model | None = None,
        actor: AuthUser | None = None,
        data: dict[str, Any] | None = None,
    ) -> AuditEntry:
        """The entry ``record`` writes, unsaved: for a caller that writes many in one
        ``bulk_create`` (an import's updated employers)."""
        return cls(
            action=action,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            target_type=ContentType.objects.get_for_model(target) if target is not None else None,
            target_id=str(target.pk) if target is not None else "",
            target_repr=str(target)[:200] if target is not None else "",
            data=data or {},
        )


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A user's recovery codes, as a django-otp device beside their authenticator app (TOTP).

    django-otp's own static device keeps its codes in clear text; these are kept as HMAC-SHA256
    digests under the secret key (``crm.mfa.digest``): the codes are random (50 bits each), so a
    keyed hash is enough and checking one is a single indexed lookup. Each code works once.
    """

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    def verify_token(self, token: Any) -> bool:
        from crm.mfa_codes import digest

        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        used = self.codes.filter(digest=digest(str(token))).delete()[0]
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    """One unused recovery code, as its keyed digest (deleted when used)."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.device_id} · …"


class SsoIdentity(models.Model):
    """The identity provider's subject (``sub``) of a user, stored the first time single sign-on
    matched them (by e-mail): later sign-ins match on it, even after the address changes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity", verbose_name=_("user")
    )
    sub = models.CharField(_("subject at the identity provider"), max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.sub}"
