"""The employer list as a page (issue 17): the API's FilterSet, shown for people.

The FilterSet stays the API's (its query parameters and their meaning are the schema's); only
the page's widgets change: checkboxes instead of Ctrl-click multi-selects, "All / Yes / No"
instead of "Unknown / Yes / No", "All" instead of "---------", a date picker for "updated since",
the number of employers per stage beside its box, and column headers that sort."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from employers.models import Employer

CHECKBOXES = ("region", "stage", "sbi_section", "size_class", "accommodation", "source", "network")
YES_NO = ("has_open_openings", "do_not_contact", "archived", "awaiting_review")

# (column, ordering key of EmployerFilter.ordering, or "" when the column does not sort)
COLUMNS = (
    (_("Employer"), "name"),
    (_("KvK number"), ""),
    (_("Place"), "place"),
    (_("Region"), ""),
    (_("Stage"), "stage"),
    (_("SBI code"), ""),
    (_("Open openings"), ""),
    (_("Last contact"), "last_contact"),
    (_("Owner"), ""),
)


class YesNoAll(forms.RadioSelect):
    """A NullBooleanField as three radio buttons; the values are the ones the API reads."""

    def __init__(self) -> None:
        super().__init__(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))])

    def format_value(self, value: Any) -> Any:  # a list of strings, as ChoiceWidget's
        mapping = {True: "true", False: "false", "True": "true", "False": "false", None: ""}
        return [mapping.get(value, str(value).lower() if value is not None else "")]


def people_widgets(form: forms.Form, counts: dict[str, int]) -> None:
    """Swap the FilterSet form's widgets for ones a person can use without a manual; each stage
    carries its number of employers (``counts``). The API's forms keep their own widgets."""
    fields: dict[str, Any] = form.fields  # the stubs type each as a plain Field
    for name in CHECKBOXES:
        if name in fields:
            fields[name].widget = forms.CheckboxSelectMultiple(choices=fields[name].widget.choices)
    if "stage" in fields:
        stage = fields["stage"]
        stage.choices = [(value, f"{label} ({counts.get(value, 0)})") for value, label in stage.choices]
    for name in YES_NO:
        if name in fields:
            fields[name].widget = YesNoAll()
    if "owner" in fields:
        fields["owner"].empty_label = _("All")
        fields["owner"].widget.choices = fields["owner"].choices
    if "updated_since" in fields:
        fields["updated_since"].widget = forms.DateInput(attrs={"type": "date"})
    if "ordering" in fields:  # no ordering chosen: the list's own, by name
        fields["ordering"].widget.choices = [("", _("Name")), *list(fields["ordering"].choices)[1:]]


def stage_counts(employers: QuerySet[Employer]) -> dict[str, int]:
    """How many employers of the (archive-scoped) list each stage has, in one query."""
    rows = employers.order_by().values("stage").annotate(n=Count("id"))
    return {row["stage"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Header:
    label: Any
    key: str
    sort: str  # "ascending", "descending" or "" (aria-sort)
    next_ordering: str  # what a click asks for


def headers(current: str) -> list[Header]:
    """The table's headers; a sortable one flips between ascending and descending."""
    result = []
    for label, key in COLUMNS:
        if not key:
            result.append(Header(label, "", "", ""))
            continue
        sort = "ascending" if current == key else "descending" if current == f"-{key}" else ""
        result.append(Header(label, key, sort, f"-{key}" if sort == "ascending" else key))
    return result
