"""The steering group's report, per region and national, as PDF and XLSX.

One report object, two renderings: the tables are the dashboard's own (``reports.tables``), so
the PDF, the XLSX, the pages, the CSVs and the stats API cannot disagree. The PDF is HTML
rendered by WeasyPrint (a real layout engine: the map is the page's own SVG, text stays text,
so ``pdftotext`` and screen readers find the figures); the XLSX has one sheet per table.
The map as PNG (for slides and Word) is the same SVG rasterised by CairoSVG, so the bands keep
their textures.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports import tables
from reports.periods import Period
from reports.records import NationalFigures, RegionFigures

SHEET_TITLE_MAX = 31  # Excel's limit on a sheet name
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Report:
    title: str
    period: Period
    tables: list[tables.Table]
    region_map: SafeString | None = None
    summary: list[str] = field(default_factory=list)

    @property
    def filename(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")
        return f"{slug}-{self.period.key}"


def region_report(figures: RegionFigures) -> Report:
    placements = figures.placements
    summary = [
        _("%(durable)s of %(target)s durable placements this year; %(remaining)s to go (%(per_month)s a month).")
        % {
            "durable": placements.this_year,
            "target": placements.target,
            "remaining": placements.remaining,
            "per_month": f"{placements.needed_per_month:g}",
        },
        _("%(held)s knowledge sessions held, %(attended)s attendances from %(employers)s employers.")
        % {
            "held": figures.events.held,
            "attended": figures.events.attended,
            "employers": figures.events.employers_attended,
        },
    ]
    return Report(
        title=_("Steering group report %(region)s") % {"region": figures.region.name},
        period=figures.period,
        tables=tables.region_tables(figures),
        summary=summary,
    )


def national_report(figures: NationalFigures) -> Report:
    table = tables.national_table(figures)
    return Report(
        title=_("Steering group report, all regions"),
        period=figures.period,
        tables=[table],
        region_map=tables.national_map(figures),
        summary=[table.summary],
    )


def as_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only this export needs

    html = render_to_string(
        "reports/steering.html",
        {"report": report, "generated_at": timezone.localtime(), "lang": get_language() or "nl"},
    )
    return HTML(string=html).write_pdf()


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title)[:SHEET_TITLE_MAX].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: SHEET_TITLE_MAX - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def as_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    taken: set[str] = set()
    cover = book.active
    cover.title = _sheet_title(_("Summary"), taken)
    cover.append([report.title])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([report.period.label])
    for line in report.summary:
        cover.append([line])
    for table in report.tables:
        sheet = book.create_sheet(_sheet_title(table.title, taken))
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(table.headers)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def map_png(svg: str, *, scale: float = 2.0) -> bytes:
    import cairosvg  # imported here: it loads Cairo, which only this download needs

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
