"""Load the reference data shipped in crm/data/ (sources in crm/data/SOURCES.md)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

# Older names still found in WSP lists (crm/data/SOURCES.md, "Notes").
REGION_ALIASES: dict[str, list[str]] = {
    "AM06": ["Stedendriehoek en Noordwest Veluwe"],
    "AM36": ["Zwolle"],
    "AM38": ["Food Valley"],
    "AM15": ["Noord-Holland (Noord)"],
}


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_regions(region_model: Any) -> int:
    regions = [
        region_model(code=row["code"], name=row["naam"], aliases=REGION_ALIASES.get(row["code"], []))
        for row in _rows("arbeidsmarktregios_2025.csv")
    ]
    region_model.objects.bulk_create(regions, ignore_conflicts=True)
    return len(regions)


def load_postcode_areas(area_model: Any) -> int:
    region_of = {row["pc4"]: row["arbeidsmarktregio"] for row in _rows("pc4_arbeidsmarktregio_2025.csv")}
    areas = [
        area_model(
            pc4=row["pc4"],
            place=row["woonplaats"],
            province=row["provincie"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            region_id=region_of[row["pc4"]],
        )
        for row in _rows("pc4_centroids_4pp_2014.csv")
    ]
    area_model.objects.bulk_create(areas, batch_size=1000, ignore_conflicts=True)
    return len(areas)
