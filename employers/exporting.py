"""Export of a filtered, scoped employer list as CSV (Dutch Excel style) or XLSX.

Rows are read with ``iterator(chunk_size=...)`` so a large list never sits in memory as model
objects; the CSV streams. Dutch Excel opens ``;``-separated UTF-8 with a BOM correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AuditEntry
from employers.models import Employer

if TYPE_CHECKING:
    from crm.types import AuthUser

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000
# A cell starting with one of these is a formula to Excel: keep it text (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

COLUMNS: list[tuple[str, Any]] = [
    ("id", lambda e: e.pk),
    ("legal_name", lambda e: e.legal_name),
    ("trade_name", lambda e: e.trade_name),
    ("kvk_number", lambda e: e.kvk_number),
    ("sbi_section", lambda e: e.sbi_section),
    ("sbi_code", lambda e: e.sbi_code),
    ("size_class", lambda e: e.size_class),
    ("website", lambda e: e.website),
    ("address", lambda e: e.address),
    ("postcode", lambda e: e.postcode),
    ("place", lambda e: e.place),
    ("region", lambda e: e.region_id),
    ("stage", lambda e: e.stage),
    ("accommodations", lambda e: ",".join(a.code for a in e.accommodations.all())),
    ("source", lambda e: e.source),
    ("owner", lambda e: (e.owner.get_full_name() or e.owner.username) if e.owner else ""),
    ("do_not_contact", lambda e: "1" if e.do_not_contact else "0"),
    ("open_openings", lambda e: e.open_openings),
    ("last_contact", lambda e: timezone.localtime(e.last_contact_at).strftime("%Y-%m-%d") if e.last_contact_at else ""),
    ("updated_at", lambda e: timezone.localtime(e.updated_at).strftime("%Y-%m-%d %H:%M")),
]


def filename(kind: str) -> str:
    return f"employers-{timezone.localdate():%Y%m%d}.{kind}"


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def rows(queryset: QuerySet[Employer]) -> Iterator[list[Any]]:
    for employer in queryset.iterator(chunk_size=CHUNK):
        yield [_safe(get(employer)) for _name, get in COLUMNS]


class _Echo:
    def write(self, value: str) -> str:
        return value


def employers_csv(queryset: QuerySet[Employer]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow([name for name, _get in COLUMNS])
    for row in rows(queryset):
        yield writer.writerow(row)


def employers_xlsx(queryset: QuerySet[Employer]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Employers"))
    sheet.append([name for name, _get in COLUMNS])
    for row in rows(queryset):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def audit_export(*, by: AuthUser, queryset: QuerySet[Employer], kind: str, filters: dict[str, list[str]]) -> int:
    """Who exported how many rows with which filters, written before the rows leave."""
    count = queryset.count()
    AuditEntry.record("employers.employer.exported", actor=by, data={"format": kind, "rows": count, "filters": filters})
    return count
