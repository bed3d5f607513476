"""The employer list as a page (issue 17): the API's FilterSet, shown for people.

The FilterSet stays the API's (its query parameters and their meaning are the schema's); only
the page's widgets change: checkboxes instead of Ctrl-click multi-selects, "All / Yes / No"
instead of "Unknown / Yes / No", "All" instead of "---------", a date picker for "updated since",
the number of employers beside every option, and column headers that sort. The choice widgets
write their HTML in Python (``crm.widgets``, the same HTML as Django's templates): hundreds of
options went through three nested templates each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm import widgets
from employers.list_counts import Counts

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


class YesNoAll(widgets.RadioSelect):
    """A NullBooleanField as three radio buttons; the values are the ones the API reads, each
    with its number of employers when ``counts`` (``{"true": n, "false": m}``) is given."""

    def __init__(self, counts: dict[str, int] | None = None) -> None:
        def label(text: Any, key: str) -> Any:
            return text if counts is None else f"{text} ({counts.get(key, 0)})"

        super().__init__(
            choices=[("", _("All")), ("true", label(_("Yes"), "true")), ("false", label(_("No"), "false"))]
        )

    def format_value(self, value: Any) -> Any:  # a list of strings, as ChoiceWidget's
        mapping = {True: "true", False: "false", "True": "true", "False": "false", None: ""}
        return [mapping.get(value, str(value).lower() if value is not None else "")]


# The most used tags offered as options; a tag typed in the address is kept as its own option.
TAG_OPTIONS = 30


def _count_labels(field: Any, counts: dict[str, int]) -> None:
    """Each option's label followed by its number of employers."""
    if hasattr(field, "queryset"):  # a model choice: labels come from the instances, keyed by id
        plain = field.label_from_instance
        field.label_from_instance = lambda obj: f"{plain(obj)} ({counts.get(str(obj.pk), 0)})"
    else:
        field.choices = [(value, f"{label} ({counts.get(value, 0)})") for value, label in field.choices]


def _tag_widget(form: forms.Form, counts: dict[str, int]) -> widgets.RadioSelect:
    chosen = " ".join(str(form.data.get("tag", "") if form.data else "").split()).lower()
    common = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TAG_OPTIONS]
    tags = dict(common)
    if chosen and chosen not in tags:
        tags[chosen] = counts.get(chosen, 0)
    return widgets.RadioSelect(choices=[("", _("All")), *((tag, f"{tag} ({n})") for tag, n in tags.items())])


def people_widgets(form: forms.Form, counts: Counts) -> None:
    """Swap the FilterSet form's widgets for ones a person can use without a manual; every
    option carries its number of employers (``counts``: ``employers.list_counts``). The API's
    forms keep their own widgets."""
    fields: dict[str, Any] = form.fields  # the stubs type each as a plain Field
    for name in CHECKBOXES:
        if name in fields:
            _count_labels(fields[name], counts.get(name, {}))
            fields[name].widget = widgets.CheckboxSelectMultiple(choices=fields[name].widget.choices)
    for name in YES_NO:
        if name in fields:
            fields[name].widget = YesNoAll(None if name == "archived" else counts.get(name, {}))
    if "owner" in fields:
        _count_labels(fields["owner"], counts.get("owner", {}))
        fields["owner"].empty_label = _("All")
        fields["owner"].widget = widgets.Select(attrs=fields["owner"].widget.attrs, choices=fields["owner"].choices)
    if "tag" in fields:
        fields["tag"].widget = _tag_widget(form, counts.get("tag", {}))
    if "updated_since" in fields:
        fields["updated_since"].widget = forms.DateInput(attrs={"type": "date"})
    if "ordering" in fields:  # no ordering chosen: the list's own, by name
        fields["ordering"].widget.choices = [("", _("Name")), *list(fields["ordering"].choices)[1:]]


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
