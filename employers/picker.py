"""One employer picker for every page that asks "which employer?" (issue 17): the quick contact
log, the merge page and the follow-up list's filter.

The browser shows a text input with a native ``<datalist>`` (keyboard and screen reader support
come with it) filled from the lookup (``employers:contact-lookup?q=``). It finds an employer by
legal name, trade name, KvK number, place or postcode, typo-tolerant (``search_employers``);
each option's label ends in ``#<id>``, which is what the server reads back. Typed without
choosing, an exact unique legal or trade name, or an exact KvK number, is accepted too."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from employers.filters import search_employers
from employers.models import Employer

_ID_SUFFIX = re.compile(r"#(\d+)\s*$")
_POSTCODE = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{0,2})\s*$")
LOOKUP_LIMIT = 20


def employer_label(employer: Employer) -> str:
    """What the picker shows and reads back: names, postcode and place, KvK, then ``#id``."""
    names = employer.display_name
    if employer.trade_name and employer.legal_name and employer.trade_name != employer.legal_name:
        names = f"{employer.trade_name} ({employer.legal_name})"
    where = " ".join(part for part in (employer.postcode, employer.place) if part)
    kvk = f"KvK {employer.kvk_number}" if employer.kvk_number else ""
    return " · ".join(part for part in (names, where, kvk) if part) + f" #{employer.pk}"


def picked_id(text: str) -> int | None:
    match = _ID_SUFFIX.search(text or "")
    return int(match.group(1)) if match else None


def picker_search(employers: QuerySet[Employer], text: str) -> QuerySet[Employer]:
    """Employers matching ``text`` by name, trade name, KvK number, place or postcode."""
    text = (text or "").strip()
    postcode = _POSTCODE.match(text)
    if postcode and (postcode.group(2) or len(text) == 4):
        digits, letters = postcode.group(1), postcode.group(2).upper()
        return employers.filter(postcode__startswith=f"{digits} {letters}".strip()).order_by("legal_name", "id")
    if not text:
        return employers.order_by("legal_name", "id")
    return search_employers(employers, text)


def resolve_employer(employers: QuerySet[Employer], text: str) -> Employer | None:
    """The employer ``text`` names: a picked option (``#id``), else an exact unique legal or
    trade name, else an exact KvK number; None when it names none or more than one."""
    text = (text or "").strip()
    if not text:
        return None
    pk = picked_id(text)
    if pk is not None:
        return employers.filter(pk=pk).first()
    for condition in (Q(legal_name__iexact=text), Q(trade_name__iexact=text), Q(kvk_number=text.replace(" ", ""))):
        named = list(employers.filter(condition)[:2])
        if named:
            return named[0] if len(named) == 1 else None
    return None
