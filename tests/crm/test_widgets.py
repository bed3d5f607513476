"""``crm.widgets`` writes the same HTML as Django's widget templates, escaping included."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from crm import widgets

CHOICES = [
    ("", "Alle"),
    ("a&b", 'Bakkerij "De <Korf>" (3)'),
    (7, "Zeven (0)"),
    ("Groep", [("g1", "Eerste"), ("g2", "Tweede & laatste")]),
]
CASES: list[tuple[type[forms.Widget], type[forms.Widget], Any, dict[str, Any] | None]] = [
    (widgets.CheckboxSelectMultiple, forms.CheckboxSelectMultiple, ["a&b", "g2"], {"id": "id_x", "class": "c"}),
    (widgets.CheckboxSelectMultiple, forms.CheckboxSelectMultiple, None, None),
    (widgets.RadioSelect, forms.RadioSelect, "7", {"id": "id_y", "required": True, "data-off": False}),
    (widgets.RadioSelect, forms.RadioSelect, "", {}),
    (widgets.Select, forms.Select, "g1", {"id": "id_z", "aria-label": 'Eigenaar "x"'}),
    (widgets.Select, forms.Select, None, None),
]


@pytest.mark.parametrize(("fast", "django", "value", "attrs"), CASES)
def test_the_html_is_djangos_own(fast: type[forms.Widget], django: type[forms.Widget], value: Any, attrs: Any) -> None:
    mine = fast(choices=CHOICES).render("veld", value, attrs)
    theirs = django(choices=CHOICES).render("veld", value, attrs)
    assert mine == theirs
    assert "&lt;Korf&gt;" in mine and "<Korf>" not in mine
