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
    # The figures as the tables write them (issue 17: "3,4" in Dutch), the label in Dutch.
    assert ">2,5<" in svg and ">1 / 3<" in svg
    assert ">doel 6<" in svg


def test_the_figures_follow_the_language_and_the_target_label_is_never_cut_off():
    with translation.override("en"):
        english = bar_chart("T", ["a"], [3.4], target=100)
    with translation.override("nl"):
        dutch = bar_chart("T", ["a"], [3.4], target=1000000)

    assert ">3.4<" in english and ">3,4<" in dutch
    for svg, text in ((english, "target 100"), (dutch, "doel 1000000")):
        width = float(re.search(r'viewBox="0 0 ([0-9.]+) ', svg)[1])
        label = re.search(rf'<text x="([0-9.]+)" y="[0-9.]+" text-anchor="(start|end)"[^>]*>{text}<', svg)
        assert label, svg
        x, anchor = float(label[1]), label[2]
        # the target is the chart's maximum, its line at the right edge: the label goes left of it
        assert anchor == "end" and 7 * len(text) <= x <= width


def test_an_empty_column_chart_says_so():
    with translation.override("nl"):
        svg = column_chart("C", ["01/26", "02/26"], [Series("A", [0, 0])])

    assert "Geen gegevens in deze periode" in svg
