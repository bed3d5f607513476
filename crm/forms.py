"""What every page with a form shares: a service's ``ValidationError`` shown on the form, the
form rendered with its field descriptions, and a safe ``next`` address. The pages' one error
path, as ``crm.api_errors`` is the API's."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

_Field = TypeVar("_Field", bound=forms.Field)

# The public forms' bot trap (open registration, the colleague form): a field hidden from people
# and screen readers (the templates wrap it in an aria-hidden box), filled in only by bots.
HONEYPOT = "fax"


class HoneypotForm(forms.Form):
    """A public form with the ``HONEYPOT`` field; the view refuses a POST that fills it in
    (``request.POST.get(HONEYPOT)``) and hands the service ``answers()``."""

    fax = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def answers(self) -> dict[str, Any]:
        """The cleaned data without the trap."""
        return {k: v for k, v in self.cleaned_data.items() if k != HONEYPOT}


def form_field(form: forms.BaseForm, name: str, kind: type[_Field]) -> _Field:
    """``form.fields[name]`` as the field class the form declares it with: the stubs type every
    field as a plain ``Field``, and a form that sets a ``queryset`` or ``input_formats`` needs the
    real class. A field of another class is a programming error and says so."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name!r} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def apply_errors(form: Any, error: ValidationError) -> None:
    """A service's errors beside their fields; a field the form lacks, or none, at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def render_form(request: HttpRequest, template: str, form: Any, status: int = 200, **context: Any) -> HttpResponse:
    form.describe_fields()
    return render(request, template, {"form": form, **context}, status=status)


def next_url(request: HttpRequest, default: str) -> str:
    """Where to go after a post: a local ``next`` only, never another site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default
