"""Charts as server-rendered SVG: readable at a glance, no JavaScript, no CDN.

Python works out the geometry (every coordinate as the text the SVG carries); one template per
chart kind (``templates/reports/charts/<kind>.html``, inline SVG) draws it, escaping every label. Each chart carries a
<title> and role="img"; the page shows the same numbers as a table for screen readers and CSV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

PALETTE = ["#0b5394", "#e69138", "#38761d", "#a61c00", "#674ea7", "#45818e", "#bf9000", "#666666"]


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]


def _fmt(value: float) -> str:
    """A figure as the tables write it, in the reader's locale ("3,4" in Dutch, "3.4" in English);
    the geometry beside it stays in SVG's own notation (the templates turn localisation off)."""
    # Rounded here: number_format cuts a float's decimals off (0.16 would read "0,1").
    return number_format(round(value, 1), 0 if float(value).is_integer() else 1, use_l10n=True)


def _render(kind: str, **context: Any) -> SafeString:
    return render_to_string(f"reports/charts/{kind}.html", context)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], *, target: float | None = None) -> SafeString:
    """Horizontal bars, one per label, value written at the end of each bar."""
    # Room on the left for the longest label (about 7 px a character at 13 px), within reason.
    row, width = 28, 330
    left = int(min(420, max(120, 7.2 * max((len(label) for label in labels), default=10) + 16)))
    height = row * len(labels) + 16
    top = max([*values, target or 0, 1])
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y, bar = 8 + i * row, width * value / top
        bars.append(
            {
                "label": label,
                "text_y": y + 17,
                "bar_y": y + 4,
                "bar_width": f"{bar:.1f}",
                "value_x": f"{left + bar + 6:.1f}",
                "value": _fmt(value),
            }
        )
    line = None
    if target:
        x = left + width * target / top
        text = _("target %(n)s") % {"n": _fmt(target)}
        # Right of the line when it fits in the drawing, else left of it (never cut off at the edge).
        fits = x + 4 + 7 * len(text) <= left + width + 60
        line = {
            "x": f"{x:.1f}",
            "text_x": f"{x + 4:.1f}" if fits else f"{x - 4:.1f}",
            "anchor": "start" if fits else "end",
            "text_y": height - 2,
            "text": text,
        }
    return _render(
        "bar",
        title=title,
        width=left + width + 60,
        height=height,
        left=left,
        label_x=left - 8,
        bar_height=row - 10,
        fill=PALETTE[0],
        bars=bars,
        target=line,
    )


def column_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], *, target: float | None = None
) -> SafeString:
    """Stacked columns per label (e.g. per month), with a legend and an optional target line."""
    left, bottom, plot_h, col_w, gap, pad = 40, 40, 180, 26, 12, 16
    width = left + len(labels) * (col_w + gap) + 20
    legend_h = 22 * ((len(series) + 3) // 4)
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top = max([*totals, target or 0, 1])
    columns = []
    for i, label in enumerate(labels):
        x, y = left + 6 + i * (col_w + gap), float(plot_h + 10)
        blocks = []
        for s_index, s in enumerate(series):
            h = plot_h * s.values[i] / top
            if h > 0:
                y -= h
                blocks.append(
                    {
                        "y": f"{y:.1f}",
                        "height": f"{h:.1f}",
                        "fill": PALETTE[s_index % len(PALETTE)],
                        "tip": f"{s.label}: {_fmt(s.values[i])}",
                    }
                )
        total = {"y": f"{y - 3:.1f}", "value": _fmt(totals[i])} if totals[i] else None
        columns.append({"x": x, "middle": f"{x + col_w / 2}", "label": label, "blocks": blocks, "total": total})
    legend = [
        {
            "x": left + (s_index % 4) * 120,
            "text_x": left + (s_index % 4) * 120 + 16,
            "y": plot_h + bottom + 4 + 22 * (s_index // 4),
            "text_y": plot_h + bottom + 4 + 22 * (s_index // 4) + 11,
            "fill": PALETTE[s_index % len(PALETTE)],
            "label": s.label,
        }
        for s_index, s in enumerate(series)
    ]
    return _render(
        "column",
        title=title,
        box_width=max(width, 420),
        height=plot_h + bottom + legend_h + 10 + pad,
        pad=pad,
        left=left,
        width=width,
        axis_y=plot_h + 10,
        axis_label_x=left - 6,
        top_value=_fmt(top),
        label_y=plot_h + 26,
        col_width=col_w,
        columns=columns,
        target_y=f"{plot_h + 10 - plot_h * target / top:.1f}" if target else None,
        legend=legend if len(series) > 1 else [],
        empty={"x": f"{(left + width) / 2}", "y": f"{plot_h / 2}"} if not any(totals) else None,
    )


def progress_bar(title: str, value: float, target: float) -> SafeString:
    share = min(value / target, 1.0) if target else 0
    return _render(
        "progress",
        title=title,
        width=f"{400 * share:.1f}",
        fill="#1f6f3f" if value >= target else "#0b5394",
        text_fill="#fff" if share > 0.2 else "#1b1f24",
        value=_fmt(value),
        target=_fmt(target),
    )
