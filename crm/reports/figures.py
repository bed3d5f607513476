"""The figures behind the dashboards: aggregates only, never a person's data.

``region_figures`` answers for one region and period with a fixed number of queries
(independent of the number of employers or contacts); ``national_figures`` answers the key
figures for all 35 regions with a fixed number of grouped queries. The API returns these
dicts as they are; the pages draw them as charts and tables.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from crm.models import Membership, Region, Role
from crm.reports.periods import AMSTERDAM, Period, current_quarter_start
from employers.models import Channel, Contact, Employer, Stage, StageChange
from employers.selectors_contacts import ips_figures, ips_weeks

STAGES = [s.value for s in Stage]


def _month_key(value: Any) -> str:
    if value is None:
        return ""
    day = value.astimezone(AMSTERDAM).date() if hasattr(value, "astimezone") else value
    return f"{day.year}-{day.month:02d}"


def _per_month(period: Period, rows: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {"month": f"{m.year}-{m.month:02d}", "count": rows.get(f"{m.year}-{m.month:02d}", 0)} for m in period.months
    ]


def network_figures(region_codes: list[str], period: Period) -> dict[str, dict[str, Any]]:
    """Per region: employers per stage now, net change per stage this quarter, new ``open``
    employers per month of the period. Three grouped queries whatever the number of regions."""
    out: dict[str, dict[str, Any]] = {
        code: {"stages": dict.fromkeys(STAGES, 0), "quarter_change": dict.fromkeys(STAGES, 0), "new_open": {}}
        for code in region_codes
    }
    for row in Employer.objects.filter(region_id__in=region_codes).values("region_id", "stage").annotate(n=Count("id")):
        out[row["region_id"]]["stages"][row["stage"]] = row["n"]
    quarter = current_quarter_start()
    changes = (
        StageChange.objects.filter(employer__region_id__in=region_codes, at__gte=quarter)
        .values("employer__region_id", "from_stage", "to_stage")
        .annotate(n=Count("id"))
    )
    for row in changes:
        change = out[row["employer__region_id"]]["quarter_change"]
        change[row["to_stage"]] += row["n"]
        if row["from_stage"]:
            change[row["from_stage"]] -= row["n"]
    new_open = (
        StageChange.objects.filter(
            employer__region_id__in=region_codes, to_stage=Stage.OPEN, at__gte=period.start, at__lt=period.end
        )
        .annotate(month=TruncMonth("at", tzinfo=AMSTERDAM))
        .values("employer__region_id", "month")
        .annotate(n=Count("id"))
    )
    for row in new_open:
        out[row["employer__region_id"]]["new_open"][_month_key(row["month"])] = row["n"]
    for code in region_codes:
        out[code]["new_open_per_month"] = _per_month(period, out[code].pop("new_open"))
        out[code]["employers"] = sum(out[code]["stages"].values())
        out[code]["open_or_further"] = sum(out[code]["stages"][s] for s in (Stage.OPEN, Stage.ACTIVE, Stage.AMBASSADOR))
    return out


def contact_figures(region_codes: list[str], period: Period) -> dict[str, dict[str, Any]]:
    """Per region: contacts with its employers per month and channel (one grouped query)."""
    channels = [c.value for c in Channel]
    counts: dict[str, dict[str, dict[str, int]]] = {code: {} for code in region_codes}
    rows = (
        Contact.objects.filter(employer__region_id__in=region_codes, when__gte=period.start, when__lt=period.end)
        .annotate(month=TruncMonth("when", tzinfo=AMSTERDAM))
        .values("employer__region_id", "month", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        month = counts[row["employer__region_id"]].setdefault(_month_key(row["month"]), dict.fromkeys(channels, 0))
        month[row["channel"]] += row["n"]
    out = {}
    for code in region_codes:
        per_month = [
            {"month": m["month"], **counts[code].get(m["month"], dict.fromkeys(channels, 0))}
            for m in _per_month(period, {})
        ]
        out[code] = {"per_month": per_month, "total": sum(sum(m[c] for c in channels) for m in per_month)}
    return out


def ips_region_figures(region_code: str) -> dict[str, Any]:
    """Face-to-face employer contacts per guide of the region per ISO week, the last 12 weeks."""
    guides = list(
        Membership.objects.filter(region_id=region_code, role=Role.GUIDE)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    figures = ips_figures([m.user_id for m in guides])
    target = settings.IPS_WEEKLY_TARGET
    return {
        "target": target,
        "weeks": [monday.isoformat() for monday in ips_weeks()],
        "guides": [
            {
                "name": m.user.get_full_name() or m.user.username,
                "per_week": figures[m.user_id],
                "weeks_on_target": sum(1 for n in figures[m.user_id] if n >= target),
            }
            for m in guides
        ],
    }


def region_figures(region: Region, period: Period) -> dict[str, Any]:
    return {
        "region": {"code": region.code, "name": region.name},
        "period": {"key": period.key, "label": period.label, "start": period.start, "end": period.end},
        "generated_at": timezone.now(),
        "network": network_figures([region.code], period)[region.code],
        "contacts": contact_figures([region.code], period)[region.code],
        "ips": ips_region_figures(region.code),
    }


def national_figures(period: Period) -> dict[str, Any]:
    regions = list(Region.objects.order_by("code").values_list("code", "name"))
    codes = [code for code, _name in regions]
    network = network_figures(codes, period)
    contacts = contact_figures(codes, period)
    rows = []
    for code, name in regions:
        rows.append(
            {
                "code": code,
                "name": name,
                "employers": network[code]["employers"],
                "open_or_further": network[code]["open_or_further"],
                "new_open": sum(m["count"] for m in network[code]["new_open_per_month"]),
                "contacts": contacts[code]["total"],
            }
        )
    return {
        "period": {"key": period.key, "label": period.label, "start": period.start, "end": period.end},
        "generated_at": timezone.now(),
        "regions": rows,
    }
