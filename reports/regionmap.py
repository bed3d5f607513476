"""The map of the 35 arbeidsmarktregio's, drawn as SVG on the server from the shipped TopoJSON
(``crm/data/arbeidsmarktregio_2025.topojson``, CBS/PDOK, see crm/data/SOURCES.md).

Decoding follows the TopoJSON specification (quantized, delta-encoded arcs; a negative arc
index is arc ``~i`` reversed). The projection is equirectangular with the longitude scaled by
cos(52.2°), the latitude of the country's middle: over the Netherlands' 3.3° of latitude the
scale error stays under 3 %, plenty for a choropleth (the Dutch RD projection would need
pyproj and its grids for no visible gain).

Each region is coloured by its durable placements against its target in five bands of a
sequential palette, and each band also carries its own texture, so the bands never rest on
colour alone; every region has a <title>, a link and the same numbers in the table beside it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

TOPOJSON = Path(__file__).resolve().parent.parent / "crm" / "data" / "arbeidsmarktregio_2025.topojson"
WIDTH = 440.0  # px; the height follows from the country's shape
LAT0 = 52.2
# Blues, ColorBrewer 5-class sequential (colorbrewer2.org); text colour per band for contrast.
BANDS: tuple[tuple[int, str, str], ...] = (
    (0, "#eff3ff", "#08306b"),
    (25, "#bdd7e7", "#08306b"),
    (50, "#6baed6", "#08306b"),
    (75, "#3182bd", "#ffffff"),
    (100, "#08519c", "#ffffff"),
)


@dataclass(frozen=True, slots=True)
class Shape:
    code: str
    name: str
    path: str  # SVG path data in the map's pixel space
    centre: tuple[float, float]


@dataclass(frozen=True, slots=True)
class MapRegion:
    shape: Shape
    durable: int
    target: int
    share: float
    band: int
    href: str
    label: str


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(indexes: Sequence[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])  # consecutive arcs share their end point
    return points


@cache
def shapes() -> tuple[tuple[Shape, ...], float]:
    """The 35 regions in pixel space, and the map's height. Read and projected once."""
    topology = json.loads(TOPOJSON.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    (collection,) = topology["objects"].values()
    k = math.cos(math.radians(LAT0))
    polygons: list[tuple[str, str, list[list[list[tuple[float, float]]]]]] = []
    for geometry in collection["geometries"]:
        parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [[[(lon * k, -lat) for lon, lat in _ring(ring, arcs)] for ring in polygon] for polygon in parts]
        props = geometry["properties"]
        polygons.append((props["statcode"], props["statnaam"], rings))
    xs = [x for _c, _n, rings in polygons for polygon in rings for ring in polygon for x, _y in ring]
    ys = [y for _c, _n, rings in polygons for polygon in rings for ring in polygon for _x, y in ring]
    scale = WIDTH / (max(xs) - min(xs))
    x0, y0 = min(xs), min(ys)

    def px(point: tuple[float, float]) -> tuple[float, float]:
        return round((point[0] - x0) * scale, 1), round((point[1] - y0) * scale, 1)

    result = []
    for code, name, rings in polygons:
        path, total, cx, cy = [], 0, 0.0, 0.0
        for polygon in rings:
            for ring in polygon:
                pts = [px(p) for p in ring]
                path.append("M" + "L".join(f"{x:g},{y:g}" for x, y in pts) + "Z")
                total += len(pts)
                cx += sum(x for x, _y in pts)
                cy += sum(y for _x, y in pts)
        result.append(Shape(code, name, "".join(path), (round(cx / total, 1), round(cy / total, 1))))
    return tuple(sorted(result, key=lambda s: s.code)), round((max(ys) - y0) * scale, 1)


def band_of(share: float) -> int:
    """0..4: under 25 %, 25-50, 50-75, 75-100, the target reached."""
    return max(i for i, (floor, _fill, _ink) in enumerate(BANDS) if share >= floor)


def legend() -> list[dict[str, object]]:
    labels = [_("under 25 %"), _("25 to 50 %"), _("50 to 75 %"), _("75 to 100 %"), _("target reached")]
    return [
        {"band": i, "fill": fill, "label": label, "y": 30 + 17 * i, "box_y": 20 + 17 * i}
        for i, ((_f, fill, _i), label) in enumerate(zip(BANDS, labels, strict=True))
    ]


def region_map(rows: Sequence[tuple[str, int, int, str]], *, title: str) -> SafeString:
    """``rows``: (region code, durable placements, target, link) per region."""
    by_code = {code: (durable, target, href) for code, durable, target, href in rows}
    drawn, height = shapes()
    regions = []
    for shape in drawn:
        durable, target, href = by_code.get(shape.code, (0, 0, ""))
        share = round(100 * durable / target, 1) if target else 0.0
        label = _("%(name)s: %(durable)s of %(target)s durable placements (%(share)s %%)") % {
            "name": shape.name,
            "durable": durable,
            "target": target,
            "share": f"{share:g}",
        }
        regions.append(MapRegion(shape, durable, target, share, band_of(share), href, label))
    return render_to_string(  # the template escapes every label
        "reports/charts/map.html",
        {"title": title, "regions": regions, "width": WIDTH, "height": height, "bands": BANDS, "legend": legend()},
    )
