"""The chart templates: labels escaped, coordinates never localised, the same numbers as given."""

from __future__ import annotations

import re

from django.utils import translation

from reports.charts import Series, bar_chart, column_chart, progress_bar


def test_chart_labels_are_escaped_by_the_template():
    svg = bar_chart("<T>", ['<script>alert("x")</script>'], [1]) + column_chart("C", ["<m>"], [Series("<s>", [2])])

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&lt;T&gt;" in svg
    assert "<m>" not in svg and "<s>" not in svg


def test_coordinates_keep_a_decimal_point_in_dutch():
    with translation.override("nl"):
        svg = bar_chart("T", ["a", "b"], [1, 2.5], target=6) + progress_bar("P", 1, 3)

    coordinates = re.findall(r'(?:x|y|width|height|x1|x2)="([^"]*)"', svg)
    assert coordinates
    assert all("," not in value for value in coordinates)
    assert ">2.5<" in svg  # the value written at the end of the bar
    assert "norm 6" in svg  # the target line's label, translated


def test_an_empty_column_chart_says_so():
    with translation.override("nl"):
        svg = column_chart("C", ["01/26", "02/26"], [Series("A", [0, 0])])

    assert "Geen gegevens in deze periode" in svg
