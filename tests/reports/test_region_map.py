"""The map of the 35 regions (issue 19): drawn on the server from the shipped TopoJSON, each
region a path with its code, name and link, banded by durable placements against its target,
with a texture per band (never colour alone) and the same numbers in the table."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from crm.models import Region
from reports.regionmap import BANDS, band_of, region_map, shapes

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ElementTree.Element:
    svg = svg[svg.index("<svg") : svg.index("</svg>") + len("</svg>")]
    return ElementTree.fromstring(svg)  # noqa: S314 - our own server's output, in a test


def test_the_topojson_gives_the_35_regions_with_their_codes_and_names() -> None:
    drawn, height = shapes()
    assert [s.code for s in drawn] == sorted(Region.objects.values_list("code", flat=True))
    assert len(drawn) == 35
    names = dict(Region.objects.values_list("code", "name"))
    assert all(s.name == names[s.code] or names[s.code].startswith(s.name[:4]) for s in drawn)
    # The country is taller than wide (about 300 km by 265 km at these latitudes).
    assert 440 < height < 600
    # Groningen lies north-east of Zuid-Limburg: smaller y (up), larger x.
    by_code = {s.code: s for s in drawn}
    groningen, limburg = by_code["AM01"].centre, by_code["AM35"].centre
    assert groningen[1] < limburg[1] and groningen[0] > limburg[0]


def test_the_svg_has_35_linked_paths_banded_by_share() -> None:
    rows = [(s.code, 0, 100, f"#row-{s.code}") for s in shapes()[0]]
    rows[0] = ("AM01", 30, 100, "#row-AM01")  # 30 %: band 1
    rows[1] = ("AM02", 120, 100, "#row-AM02")  # target reached: band 4
    root = _parse(str(region_map(rows, title="Kaart")))
    links = root.findall(f"{SVG}a")
    assert len(links) == 35
    assert [a.get("data-region") for a in links] == [r[0] for r in rows]
    assert all(a.get("href") == f"#row-{a.get('data-region')}" for a in links)
    bands = {a.get("data-region"): a.find(f"{SVG}path").get("data-band") for a in links}
    assert (bands["AM01"], bands["AM02"], bands["AM03"]) == ("1", "4", "0")
    titles = [a.find(f"{SVG}path/{SVG}title").text for a in links]
    assert "30 of 100" in titles[0] or "30 van 100" in titles[0]
    # Every band has a pattern of its own, and a path uses only those.
    patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert patterns == {f"band-{i}" for i in range(len(BANDS))}
    assert all(re.fullmatch(r"M[-0-9.,L MZ]+Z", a.find(f"{SVG}path").get("d")) for a in links)


def test_bands_follow_the_share() -> None:
    assert [band_of(x) for x in (0, 24.9, 25, 50, 74.9, 75, 99.9, 100, 250)] == [0, 0, 1, 2, 2, 3, 3, 4, 4]


def test_a_stored_name_cannot_break_the_map() -> None:
    # Names come from the shipped file, but labels carry numbers and translated text: escaped.
    svg = str(region_map([("AM01", 1, 0, '"><script>x</script>')], title="<b>t</b>"))
    assert "<script>" not in svg and "<b>" not in svg
    _parse(svg)  # still well-formed


def test_the_national_view_shows_the_map_and_offers_it_as_svg(awvn: Any, web: Any) -> None:
    page = web(awvn).get(reverse("reports:national")).content.decode()
    assert page.count('data-region="AM') == 35
    assert 'id="row-AM18"' in page  # each region's link lands on its row
    download = web(awvn).get(reverse("reports:national"), {"map": "svg"})
    assert download["Content-Type"].startswith("image/svg+xml")
    assert "attachment" in download["Content-Disposition"]
    root = ElementTree.fromstring(download.content)  # noqa: S314 - our own server's output, in a test
    assert len(root.findall(f"{SVG}a")) == 35


def test_outsiders_do_not_get_the_map(adviser_a: Any, guide_a: Any, web: Any) -> None:
    for user in (adviser_a, guide_a):
        assert web(user).get(reverse("reports:national"), {"map": "svg"}).status_code == 404


def _luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_neighbouring_bands_differ_by_3_to_1_contrast_or_by_texture_and_paths_use_their_band() -> None:
    rows = [(s.code, 25 * (i % 5), 100, f"#row-{s.code}") for i, s in enumerate(shapes()[0])]
    root = _parse(str(region_map(rows, title="Kaart")))
    textures = {}
    for pattern in root.iter(f"{SVG}pattern"):
        base, *marks = list(pattern)
        assert base.tag == f"{SVG}rect" and base.get("fill") == BANDS[int(pattern.get("id")[5:])][1]
        textures[pattern.get("id")] = tuple((m.tag, sorted(m.attrib.items())) for m in marks) + (
            pattern.get("patternTransform"),
        )
    for low in range(len(BANDS) - 1):
        fills = (BANDS[low][1], BANDS[low + 1][1])
        assert _contrast(*fills) >= 3 or textures[f"band-{low}"] != textures[f"band-{low + 1}"], fills
    names = {s.code: s.name for s in shapes()[0]}
    for link in root.findall(f"{SVG}a"):
        path = link.find(f"{SVG}path")
        assert path.get("fill") == f"url(#band-{path.get('data-band')})"
        assert path.find(f"{SVG}title").text.startswith(names[link.get("data-region")] + ":")
    assert {link.find(f"{SVG}path").get("data-band") for link in root.findall(f"{SVG}a")} == set("01234")
