"""Charts as server-rendered SVG: readable at a glance, no JavaScript, no CDN.

Each chart carries a <title>/<desc> and role="img"; the page shows the same numbers as a table
for screen readers and for CSV export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

PALETTE = ["#0b5394", "#e69138", "#38761d", "#a61c00", "#674ea7", "#45818e", "#bf9000", "#666666"]


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], *, target: float | None = None) -> SafeString:
    """Horizontal bars, one per label, value written at the end of each bar."""
    # Room on the left for the longest label (about 7 px a character at 13 px), within reason.
    row, width = 28, 330
    left = int(min(420, max(120, 7.2 * max((len(label) for label in labels), default=10) + 16)))
    height = row * len(labels) + 16
    top = max([*values, target or 0, 1])
    parts = [
        # Drawn at its own size (CSS shrinks it on narrow screens): a long list of bars stays
        # at reading size instead of being scaled up to the page width.
        f'<svg class="chart" role="img" viewBox="0 0 {left + width + 60} {height}" '
        f'width="{left + width + 60}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 8 + i * row
        bar = width * value / top
        parts.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" font-size="13" fill="#1b1f24">{escape(label)}</text>'
            f'<rect x="{left}" y="{y + 4}" width="{bar:.1f}" height="{row - 10}" fill="{PALETTE[0]}" rx="2"/>'
            f'<text x="{left + bar + 6:.1f}" y="{y + 17}" font-size="13" fill="#1b1f24">{_fmt(value)}</text>'
        )
    if target:
        x = left + width * target / top
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{height}" stroke="#a1161b" stroke-dasharray="4 3" '
            f'stroke-width="2"/><text x="{x + 4:.1f}" y="{height - 2}" font-size="11" fill="#a1161b">'
            f"{escape(_('target'))} {_fmt(target)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def column_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], *, target: float | None = None
) -> SafeString:
    """Stacked columns per label (e.g. per month), with a legend and an optional target line."""
    left, bottom, plot_h, col_w, gap, pad = 40, 40, 180, 26, 12, 16
    width = left + len(labels) * (col_w + gap) + 20
    legend_h = 22 * ((len(series) + 3) // 4)
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top = max([*totals, target or 0, 1])
    height = plot_h + bottom + legend_h + 10 + pad
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {max(width, 420)} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title><g transform="translate(0 {pad})">',
        f'<line x1="{left}" x2="{width}" y1="{plot_h + 10}" y2="{plot_h + 10}" stroke="#8a939e"/>',
        f'<text x="{left - 6}" y="{20}" text-anchor="end" font-size="11" fill="#4b5563">{_fmt(top)}</text>',
        f'<text x="{left - 6}" y="{plot_h + 10}" text-anchor="end" font-size="11" fill="#4b5563">0</text>',
    ]
    for i, label in enumerate(labels):
        x = left + 6 + i * (col_w + gap)
        y = plot_h + 10
        for s_index, s in enumerate(series):
            h = plot_h * s.values[i] / top
            if h > 0:
                y -= h
                parts.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{col_w}" height="{h:.1f}" '
                    f'fill="{PALETTE[s_index % len(PALETTE)]}">'
                    f"<title>{escape(s.label)}: {_fmt(s.values[i])}</title></rect>"
                )
        parts.append(
            f'<text x="{x + col_w / 2}" y="{plot_h + 26}" text-anchor="middle" font-size="11" '
            f'fill="#1b1f24">{escape(label)}</text>'
        )
        if totals[i]:
            parts.append(
                f'<text x="{x + col_w / 2}" y="{y - 3:.1f}" text-anchor="middle" font-size="11" '
                f'fill="#1b1f24">{_fmt(totals[i])}</text>'
            )
    if target:
        y = plot_h + 10 - plot_h * target / top
        parts.append(
            f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#a1161b" stroke-dasharray="4 3" '
            f'stroke-width="2"/>'
        )
    if len(series) > 1:
        for s_index, s in enumerate(series):
            lx = left + (s_index % 4) * 120
            ly = plot_h + bottom + 4 + 22 * (s_index // 4)
            parts.append(
                f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{PALETTE[s_index % len(PALETTE)]}"/>'
                f'<text x="{lx + 16}" y="{ly + 11}" font-size="12" fill="#1b1f24">{escape(s.label)}</text>'
            )
    if not any(totals):
        parts.append(
            f'<text x="{(left + width) / 2}" y="{plot_h / 2}" text-anchor="middle" font-size="13" '
            f'fill="#4b5563">{escape(_("No data in this period"))}</text>'
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def progress_bar(title: str, value: float, target: float) -> SafeString:
    share = min(value / target, 1.0) if target else 0
    colour = "#1f6f3f" if value >= target else "#0b5394"
    return mark_safe(  # noqa: S308 - the only text is escaped
        f'<svg class="chart" role="img" viewBox="0 0 420 34" width="100%" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
        f'<rect x="0" y="6" width="400" height="22" fill="#e4e9ef" rx="4"/>'
        f'<rect x="0" y="6" width="{400 * share:.1f}" height="22" fill="{colour}" rx="4"/>'
        f'<text x="8" y="22" font-size="13" fill="{"#fff" if share > 0.2 else "#1b1f24"}">'
        f"{_fmt(value)} / {_fmt(target)}</text></svg>"
    )
