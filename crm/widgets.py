"""Choice widgets that write their HTML in Python (issue 22): Django renders every option of a
checkbox list, radio list or select through three or four nested templates, and the employer
list's filter form has hundreds of options (regions, stages, SBI sections, owners, networks,
tags, each with its count): half of the page's rendering went there.

The HTML is the same, character for character, as Django's own templates give
(``django/forms/widgets/multiple_input.html``, ``input_option.html``, ``input.html``,
``attrs.html``, ``select.html``, ``select_option.html``), escaping included;
``tests/crm/test_widgets.py`` compares both for every widget here. A project template that
overrides one of Django's widget templates would not be used by these widgets: none does.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    # attrs.html: a False value is left out, a True one is written as a bare name.
    written = []
    for name, value in attrs.items():
        if value is True:
            written.append(f" {conditional_escape(name)}")
        elif value is not False:
            written.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(written)


# The newlines are the ones the template files end with (each include adds its file's last one).


def _input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>\n"
    )


def _input_option(option: dict[str, Any]) -> str:
    """checkbox_option.html / radio_option.html, which include input_option.html."""
    if not option["wrap_label"]:
        return f"{_input(option)}\n\n"
    target = option["attrs"].get("id")
    label_for = f' for="{conditional_escape(target)}"' if target else ""
    return f"<label{label_for}>{_input(option)} {conditional_escape(option['label'])}</label>\n\n"


class _MultipleInput:
    """multiple_input.html, with input_option.html for every option."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        own = widget["attrs"]
        html = [
            "<div",
            f' id="{conditional_escape(own["id"])}"' if own.get("id") else "",
            f' class="{conditional_escape(own["class"])}"' if own.get("class") else "",
            ">",
        ]
        for group, options, _index in widget["optgroups"]:
            if group:
                html.append(f"\n  <div><label>{conditional_escape(group)}</label>")
            html.extend(f"<div>\n    {_input_option(option)}</div>" for option in options)
            if group:
                html.append("\n  </div>")
        html.append("\n</div>")
        return mark_safe("".join(html))  # noqa: S308 - every value above went through conditional_escape


class CheckboxSelectMultiple(_MultipleInput, forms.CheckboxSelectMultiple):
    pass


class RadioSelect(_MultipleInput, forms.RadioSelect):
    pass


class Select(forms.Select):
    """select.html, with select_option.html for every option."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group, options, _index in widget["optgroups"]:
            if group:
                html.append(f'\n  <optgroup label="{conditional_escape(group)}">')
            html.extend(
                f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value above went through conditional_escape
