"""``{{ value|short_date }}`` ("3 dec.", "3 Dec") and ``{{ value|short_date:"Y, H:i" }}``: the
pages' short dates in the reader's language (``crm.dates.short_date``)."""

from __future__ import annotations

from typing import Any

from django import template

from crm import dates

register = template.Library()


@register.filter
def short_date(value: Any, rest: str = "") -> str:
    return dates.short_date(value, rest)
