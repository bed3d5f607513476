"""Input fields and validators every app shares: datetimes PostgreSQL can store, dates in a sane
range for their meaning, and text cleaned of control characters.

One place for each rule, so that the API, the pages, the exports and the import agree:

- ``IsoDateTimeFilter`` (django-filter), ``DateTimeField`` (forms) and ``ApiDateTimeField``
  (DRF) turn every aware value into UTC before it reaches the database. Python's parser accepts
  ISO offsets up to +-23:59 and RFC 3339 calls them valid, but PostgreSQL's ``timestamptz`` takes
  only +-15:59 (``DataError: time zone displacement out of range``); in UTC any offset is
  storable, so ``...-16:45`` is the instant it names, not a 500 and not a refusal of a value the
  OpenAPI schema calls a ``date-time``. A value with no UTC moment Python can hold
  (``0001-01-01T00:00+01:00``) is a field error on a write and the open end of a filter.
- ``DateRangeValidator`` on model fields (so ``full_clean`` in the services, ModelForms and
  ModelSerializers all check it) and on plain form fields: a placement dated 9999 is a form error,
  not a page that fails from then on. The ranges, by meaning, are the constants below.
- ``clean_text`` / ``CleanCharField`` / ``CleanTextField``: names end up in mail headers and file
  names; CR, LF (Excel's Alt+Enter) and other control characters become one space.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime
from typing import Any, overload

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField as _IsoDateTimeField
from rest_framework import serializers

# --- Datetimes PostgreSQL can store -----------------------------------------------------------


@overload
def storable_datetime(value: datetime) -> datetime: ...
@overload
def storable_datetime(value: None) -> None: ...
def storable_datetime(value: datetime | None) -> datetime | None:
    """``value`` in UTC (any ISO offset), or a ValidationError when it has no UTC moment."""
    if value is None or value.utcoffset() is None:
        return value
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):  # 0001-01-01T00:00+01:00 has no UTC moment Python can hold
        raise ValidationError(_("Enter a valid date and time."), code="overflow") from None


def filter_datetime(value: datetime | None) -> datetime | None:
    """A filter bound in UTC; a bound past what Python can hold is the open end it points to."""
    if value is None or value.utcoffset() is None:
        return value
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        edge = datetime.min if value.year == 1 else datetime.max
        return edge.replace(tzinfo=UTC)


class IsoDateTimeFormField(_IsoDateTimeField):
    """django-filter's ISO 8601 field, UTC out (any offset; an overflow is the open end)."""

    def to_python(self, value: Any) -> datetime | None:
        return filter_datetime(super().to_python(value))


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """The one datetime filter of every FilterSet (API, pages and exports)."""

    field_class = IsoDateTimeFormField


class DateTimeField(forms.DateTimeField):
    """A form datetime that PostgreSQL can store: an aware value goes in as UTC, whatever its offset."""

    def to_python(self, value: Any) -> datetime | None:
        return storable_datetime(super().to_python(value))


# --- Dates in a sane range for their meaning ---------------------------------------------------

# (earliest, years ahead of today). A placement or trajectory older than 1990 predates IPS in the
# Netherlands; contacts, follow-ups and sessions older than 2000 predate the WSPs (and any list an
# adviser could import). Ahead: a placement or trajectory is planned at most years ahead; a
# contact is logged afterwards (a year ahead allows for a planned visit); follow-ups and
# sessions are planned at most a few years ahead.
PLACEMENT_DATES = (date(1990, 1, 1), 10)
TRAJECTORY_DATES = (date(1990, 1, 1), 10)
CONTACT_DATES = (date(2000, 1, 1), 1)
FOLLOW_UP_DATES = (date(2000, 1, 1), 5)
EVENT_DATES = (date(2000, 1, 1), 5)


def years_ahead(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@deconstructible
class DateRangeValidator:
    """A date (or the local date of a datetime) from ``earliest`` to ``years`` ahead of today."""

    def __init__(self, earliest: date, years: int) -> None:
        self.earliest = earliest
        self.years = years

    def bounds(self) -> tuple[date, date]:
        return self.earliest, years_ahead(timezone.localdate(), self.years)

    def __call__(self, value: date | datetime | None) -> None:
        if value is None:
            return
        if isinstance(value, datetime):
            # Django's form field parses an ISO offset whatever its input formats say.
            value = storable_datetime(value)
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        first, last = self.bounds()
        if not first <= value <= last:
            raise ValidationError(
                _("Give a date from %(first)s to %(last)s."),
                code="date_range",
                params={
                    "first": formats.date_format(first, "j F Y"),
                    "last": formats.date_format(last, "j F Y"),
                },
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRangeValidator) and (other.earliest, other.years) == (self.earliest, self.years)


def date_range(rule: tuple[date, int]) -> DateRangeValidator:
    return DateRangeValidator(*rule)


# --- Text without control characters -----------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"[ \t]{2,}")


def clean_text(value: Any) -> Any:
    """One line of text: every control character (CR, LF, TAB, NUL, ...) and the Unicode line and
    paragraph separators become one space, runs of spaces one, ends stripped. ``None`` and
    non-strings pass unchanged. For names and other values that end up in a mail header or a
    file name."""
    if not isinstance(value, str):
        return value
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()


def clean_multiline(value: Any) -> Any:
    """Free text (notes): keeps line breaks (as ``\\n``) and tabs, drops NUL and other controls."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value)


class CleanCharField(models.CharField):
    """A one-line model text field: cleaned of control characters whenever it is assigned, so
    every path (form, serializer, import, service, shell) stores it clean."""

    def to_python(self, value: Any) -> Any:
        return clean_text(super().to_python(value))

    def get_prep_value(self, value: Any) -> Any:
        return super().get_prep_value(clean_text(value))

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = clean_text(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class ApiDateTimeField(serializers.DateTimeField):
    """DRF's datetime with the forms' rule: any ISO offset is the instant it names, a value with
    no UTC moment is a 400 on the field. Every ModelSerializer maps model datetimes to it
    (``crm.apps``)."""

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                parsed = parse_datetime(value.strip())
                if parsed is not None:
                    try:
                        storable_datetime(parsed)
                    except ValidationError as error:
                        raise serializers.ValidationError(error.messages, code=error.code) from None
        return super().to_internal_value(value)
