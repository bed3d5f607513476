"""The columns of an employer list: the headers people write, the words for sizes and stages,
and the row actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from employers.models import (
    SizeClass,
    Stage,
)

if TYPE_CHECKING:
    pass

# FILL: fill the matched employer's empty fields only (the default); UPDATE: overwrite with the file.
# CONTACT: a row repeating an earlier row's employer (an export with one row per contact person)
# adds its contact person to that employer.
CREATE, FILL, UPDATE, SKIP, CONTACT = "create", "fill", "update", "skip", "contact"

# Column headers as people write them, in Dutch or English; compared lower-case without spaces,
# dashes, dots or underscores.
HEADERS: dict[str, tuple[str, ...]] = {
    "legal_name": ("naam", "bedrijfsnaam", "statutairenaam", "werkgever", "organisatie", "legalname", "name"),
    "trade_name": ("handelsnaam", "tradename"),
    "kvk_number": ("kvk", "kvknummer", "kvknr", "kvknumber"),
    "sbi_section": ("sbi", "sbisectie", "sector", "sbisection"),
    "sbi_code": ("sbicode",),
    "size_class": ("grootte", "omvang", "size", "sizeclass"),
    "website": ("website", "site", "url"),
    "address": ("adres", "bezoekadres", "address"),
    "postcode": ("postcode", "postalcode", "zip"),
    "place": ("plaats", "woonplaats", "vestigingsplaats", "place", "city"),
    "stage": ("fase", "netwerkfase", "stage"),
    "notes": ("notities", "opmerkingen", "notes"),
    "contact_name": ("contactpersoon", "contact", "contactperson", "contactname"),
    "contact_function": ("functie", "function"),
    "contact_email": ("email", "emailadres", "mail", "contactemail"),
    "contact_phone": ("telefoon", "telefoonnummer", "tel", "phone"),
}
EMPLOYER_COLUMNS: tuple[str, ...] = (
    *("legal_name", "trade_name", "kvk_number", "sbi_section", "sbi_code", "size_class"),
    *("website", "address", "postcode", "place", "stage", "notes"),
)
SIZE_WORDS = {
    SizeClass.MICRO: ("micro", "1-9", "zzp"),
    SizeClass.SMALL: ("small", "klein", "10-49"),
    SizeClass.MEDIUM: ("medium", "middel", "middelgroot", "50-249"),
    SizeClass.LARGE: ("large", "groot", "250+", "250ofmeer"),
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why, for the person who uploaded it."""


def _key(header: Any) -> str:
    return "".join(ch for ch in str(header or "").lower() if ch.isalnum())


def _column_for(header: Any) -> str | None:
    key = _key(header)
    for column, names in HEADERS.items():
        if key in names:
            return column
    return None


STAGE_WORDS = {
    Stage.PROSPECT: ("prospect", "kandidaat"),
    Stage.INTERESTED: ("interested", "geinteresseerd", "geïnteresseerd"),
    Stage.OPEN: ("open",),
    Stage.ACTIVE: ("active", "actief"),
    Stage.AMBASSADOR: ("ambassador", "ambassadeur"),
    Stage.PAUSED: ("paused", "gepauzeerd", "pauze"),
}


# Values that end up in mail headers and file names: stored on one line (see crm.fields).
ONE_LINE = ("legal_name", "trade_name", "place", "address", "contact_name", "contact_function", "contact_phone")
