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
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import AuditEntry
from employers.models import Employer

if TYPE_CHECKING:
    from crm.types import AuthUser

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000
# A cell starting with one of these is a formula to Excel: keep it text (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _label(employer: Employer, field: str) -> str:
    return str(getattr(employer, f"get_{field}_display")()) if getattr(employer, field) else ""


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


# (header, value): headers and choice labels in the user's language (Dutch, or English), read
# back unchanged by the import (employers.importing.columns knows these headers, checking
# knows the labels); the id and the columns the import does not take come along for reading.
COLUMNS: list[tuple[Any, Any]] = [
    (gettext_lazy("ID"), lambda e: e.pk),
    (gettext_lazy("Name"), lambda e: e.legal_name),
    (gettext_lazy("Trade name"), lambda e: e.trade_name),
    (gettext_lazy("KvK number"), lambda e: e.kvk_number),
    (gettext_lazy("SBI section"), lambda e: e.sbi_section),
    (gettext_lazy("SBI code"), lambda e: e.sbi_code),
    (gettext_lazy("Size"), lambda e: _label(e, "size_class")),
    (gettext_lazy("Website"), lambda e: e.website),
    (gettext_lazy("Address"), lambda e: e.address),
    (gettext_lazy("Postcode"), lambda e: e.postcode),
    (gettext_lazy("Place"), lambda e: e.place),
    (gettext_lazy("Region"), lambda e: e.region_id),
    (gettext_lazy("Stage"), lambda e: _label(e, "stage")),
    (gettext_lazy("Accommodations"), lambda e: ", ".join(str(a) for a in e.accommodations.all())),
    (gettext_lazy("Source"), lambda e: _label(e, "source")),
    (gettext_lazy("Networks"), lambda e: ", ".join(n.name for n in e.networks.all())),
    (gettext_lazy("Tags"), lambda e: ", ".join(e.tags)),
    (gettext_lazy("Owner"), lambda e: (e.owner.get_full_name() or e.owner.username) if e.owner else ""),
    (gettext_lazy("Do not contact"), lambda e: _yes_no(e.do_not_contact)),
    (gettext_lazy("Open openings"), lambda e: e.open_openings),
    (
        gettext_lazy("Last contact"),
        lambda e: timezone.localtime(e.last_contact_at).strftime("%Y-%m-%d") if e.last_contact_at else "",
    ),
    (gettext_lazy("Updated at"), lambda e: timezone.localtime(e.updated_at).strftime("%Y-%m-%d %H:%M")),
]
# With ``per_contact``: one row per contact person (an employer without one still has its row).
CONTACT_COLUMNS: list[tuple[Any, Any]] = [
    (gettext_lazy("Contact person"), lambda p: p.name),
    (gettext_lazy("Function"), lambda p: p.function),
    (gettext_lazy("E-mail"), lambda p: p.email),
    (gettext_lazy("Phone"), lambda p: p.phone),
]


def headers(per_contact: bool = False) -> list[str]:
    return [str(name) for name, _get in COLUMNS + (CONTACT_COLUMNS if per_contact else [])]


def filename(kind: str) -> str:
    return f"employers-{timezone.localdate():%Y%m%d}.{kind}"


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def rows(queryset: QuerySet[Employer], per_contact: bool = False) -> Iterator[list[Any]]:
    if per_contact:
        queryset = queryset.prefetch_related("contact_persons")
    for employer in queryset.iterator(chunk_size=CHUNK):
        row = [_safe(get(employer)) for _name, get in COLUMNS]
        if not per_contact:
            yield row
            continue
        people = sorted(employer.contact_persons.all(), key=lambda p: p.pk)
        for person in people or [None]:
            yield row + [_safe(get(person)) if person else "" for _name, get in CONTACT_COLUMNS]


class _Echo:
    def write(self, value: str) -> str:
        return value


def employers_csv(queryset: QuerySet[Employer], per_contact: bool = False) -> Iterator[str]:
    """The CSV as it streams, in the language active now (the rows are written after the view
    has returned, when the request's language may no longer be active)."""
    return _csv(queryset, per_contact, translation.get_language())


def _csv(queryset: QuerySet[Employer], per_contact: bool, language: str | None) -> Iterator[str]:
    with translation.override(language):
        yield from _csv_lines(queryset, per_contact)


def _csv_lines(queryset: QuerySet[Employer], per_contact: bool) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(headers(per_contact))
    for row in rows(queryset, per_contact):
        yield writer.writerow(row)


def employers_xlsx(queryset: QuerySet[Employer], per_contact: bool = False) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Employers"))
    sheet.append(headers(per_contact))
    for row in rows(queryset, per_contact):
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
