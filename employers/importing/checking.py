"""Checking the rows of an upload: normalised values, every error of a row, duplicates."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from crm.fields import clean_text
from crm.models import Region
from employers.importing.columns import (
    CONTACT,
    CREATE,
    EMPLOYER_COLUMNS,
    FILL,
    ONE_LINE,
    SIZE_WORDS,
    SKIP,
    STAGE_WORDS,
    UPDATE,
    _key,
)
from employers.importing.reading import _number
from employers.models import (
    Employer,
    SbiSection,
    SizeClass,
    Stage,
)
from employers.services import normalise_kvk, normalise_postcode
from employers.sharing import join_url

if TYPE_CHECKING:
    pass

# --- Checking --------------------------------------------------------------------------


def _size(value: str) -> str:
    try:
        return _choice(value, SizeClass)
    except ValidationError:
        raise ValidationError(_("Unknown size: use micro, klein, middel or groot.")) from None


def _stage(value: str) -> str:
    """A stage code, a common Dutch or English word for it, its label in either language, or the
    start of one label ("Staat open")."""
    try:
        return _choice(value, Stage)
    except ValidationError:
        raise ValidationError(
            _("Unknown network stage: use prospect, interested, open, active, ambassador or paused.")
        ) from None


SBI_FILE = Path(__file__).resolve().parents[2] / "crm" / "data" / "sbi2008_secties.csv"


@cache
def _divisions() -> dict[str, str]:
    """``{two-digit division: section letter}`` from the SBI 2008 reference data."""
    divisions = {}
    with SBI_FILE.open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            first, _dash, last = record["afdelingen"].partition("-")
            for number in range(int(first), int(last or first) + 1):
                divisions[f"{number:02d}"] = record["sectie"]
    return divisions


def _sbi(value: str) -> tuple[str, str]:
    """``(section, code)`` of an SBI 2008 section letter or a code of 2 to 5 digits, with or
    without dots (1071, 10.71, 56, 5510): the section comes from the code's division."""
    value = value.strip().upper()
    if value in SbiSection.values:
        return value, ""
    digits = value.replace(".", "").replace(" ", "")
    if digits.isdigit() and 2 <= len(digits) <= 5 and digits[:2] in _divisions():
        return _divisions()[digits[:2]], digits
    raise ValidationError(
        _("Unknown SBI code “%(value)s”: use an SBI 2008 code of 2 to 5 digits (1071, 56.10) or a letter from A to U.")
        % {"value": value[:20]}
    )


def _labels(choice: Any) -> set[str]:
    """A choice's label in Dutch and English, whole and without its part in brackets."""
    names = set()
    for language in ("nl", "en"):
        with translation.override(language):
            label = str(choice.label).lower()
        names.update({label, label.split("(")[0].strip()})
    return names


@cache
def _names(choices: Any) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each choice's code with every name it goes by (code, common words, labels), as keys:
    worked out once per process, not once per cell (it translates every label twice)."""
    words: dict[Any, tuple[str, ...]] = SIZE_WORDS if choices is SizeClass else STAGE_WORDS if choices is Stage else {}
    return tuple(
        (
            choice.value,
            frozenset(
                {_key(choice.value)}
                | {_key(word) for word in words.get(choice, ())}
                | {_key(label) for label in _labels(choice)}
            ),
        )
        for choice in choices
    )


def _choice(value: str, choices: Any) -> str:
    """The code of a choice given as its code, a common word, its label in either language, or
    the start of a label that fits one choice only ("Staat open" for the full label)."""
    key = _key(value)
    if not key:
        raise ValidationError("")
    starts = set()
    for code, names in _names(choices):
        if key in names:
            return code
        if len(key) >= 4 and any(name.startswith(key) for name in names):
            starts.add(code)
    if len(starts) == 1:
        return starts.pop()
    raise ValidationError("")


def _first_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return next(iter(error.message_dict.values()))[0]
    return error.messages[0]


def check_row(cells: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Normalised data and every error of one row, keyed by field."""
    data = {column: (value or "").strip() for column, value in cells.items()}
    errors: dict[str, str] = {}
    for field, value in data.items():
        if len(value) > settings.IMPORT_MAX_CELL_CHARS:
            errors[field] = _("Longer than %(limit)s characters.") % {"limit": _number(settings.IMPORT_MAX_CELL_CHARS)}
            data[field] = value[:200]  # enough to recognise the row in the preview
        elif "\x00" in value:
            errors[field] = _("Contains a NUL character: the file is damaged here; correct this cell.")
            data[field] = value.replace("\x00", "")
    for field in ONE_LINE:
        if data.get(field):
            data[field] = clean_text(data[field])  # Alt+Enter in Excel: the name becomes one line

    def rule(field: str, convert: Any) -> None:
        if data.get(field):
            try:
                data[field] = convert(data[field])
            except ValidationError as error:
                errors[field] = _first_message(error)

    if not data.get("legal_name") and "legal_name" not in errors:
        errors["legal_name"] = _("The employer's name is missing.")
    rule("kvk_number", lambda v: normalise_kvk(v.replace(" ", "").replace(".", "")))
    rule("postcode", normalise_postcode)
    for field in ("sbi_code", "sbi_section"):  # a code in either column sets both
        if data.get(field) and field not in errors:
            try:
                section, code = _sbi(data[field])
            except ValidationError as error:
                errors[field] = _first_message(error)
            else:
                data["sbi_section"] = section
                if code or field == "sbi_code":
                    data["sbi_code"] = code
    rule("size_class", _size)
    rule("stage", _stage)
    rule("website", _website)
    rule("contact_email", _email)
    if data.get("contact_email") and not data.get("contact_name") and "contact_email" not in errors:
        errors["contact_name"] = _("An e-mail address needs the contact person's name.")
    for field, limit in (("legal_name", 200), ("trade_name", 200), ("place", 100), ("address", 200)):
        if len(data.get(field, "")) > limit and field not in errors:
            errors[field] = _("Longer than %(limit)s characters.") % {"limit": limit}
    return data, errors


def _email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(_("“%(value)s” is not a valid e-mail address.") % {"value": value}) from None
    return value.lower()


def _website(value: str) -> str:
    if "://" not in value:
        value = f"https://{value}"
    try:
        URLValidator()(value)
    except ValidationError:
        raise ValidationError(_("“%(value)s” is not a valid website address.") % {"value": value}) from None
    return value


LOOKUP_CHUNK = 1000  # rows whose keys one look-up query carries


def _existing(rows: list[dict]) -> tuple[dict[str, Employer], dict[tuple[str, str], Employer]]:
    """The employers these rows may repeat, by KvK number and by (name, postcode): two queries
    per chunk of rows, each on an index (the KvK unique index, the postcode index)."""
    by_kvk: dict[str, Employer] = {}
    by_name: dict[tuple[str, str], Employer] = {}
    employers = Employer.objects.select_related("region", "owner")
    for start in range(0, len(rows), LOOKUP_CHUNK):
        chunk = [row["data"] for row in rows[start : start + LOOKUP_CHUNK] if not row["errors"]]
        kvks = {data["kvk_number"] for data in chunk if data.get("kvk_number")}
        named = [data for data in chunk if data.get("legal_name") and data.get("postcode")]
        if kvks:
            by_kvk.update((e.kvk_number, e) for e in employers.filter(kvk_number__in=kvks))
        if named:
            found = employers.annotate(lower_name=Lower("legal_name")).filter(
                postcode__in={data["postcode"] for data in named},
                lower_name__in={data["legal_name"].lower() for data in named},
            )
            by_name.update(((e.legal_name.lower(), e.postcode), e) for e in found)
    return by_kvk, by_name


def _duplicates(rows: list[dict], region: Region) -> None:
    """Mark each row's duplicate: earlier in the file, in this region, or in another region."""
    by_kvk, by_name = _existing(rows)
    seen: dict[Any, int] = {}
    for row in rows:
        row["duplicate"], row["diff"] = None, []
        data = row["data"]
        if row["errors"]:
            continue
        keys: list[tuple[str, ...]] = [("kvk", data["kvk_number"])] if data.get("kvk_number") else []
        if data.get("postcode"):
            keys.append(("name", data["legal_name"].lower(), data["postcode"]))
        earlier = next((seen[k] for k in keys if k in seen), None)
        if earlier is not None:
            row["duplicate"] = {"kind": "file", "line": earlier}
            continue
        for k in keys:
            seen[k] = row["line"]
        existing = by_kvk.get(data.get("kvk_number", "")) if data.get("kvk_number") else None
        if existing is None and data.get("postcode"):
            existing = by_name.get((data["legal_name"].lower(), data["postcode"]))
        if existing is None:
            continue
        if existing.region_id == region.code:
            row["duplicate"] = {"kind": "region", "employer": existing.pk, "name": existing.display_name}
            row["diff"] = field_diff(existing, data)
        else:
            owner = existing.owner.get_full_name() or existing.owner.username if existing.owner else ""
            row["duplicate"] = {"kind": "other_region", "region": existing.region.name, "owner": owner}
            if existing.kvk_number:  # a national employer: the region asks to take part instead
                row["duplicate"]["join"] = join_url(existing.kvk_number, region.code)


def choices_for(row: dict) -> list[str]:
    """What the user may do with a row: errors and duplicates elsewhere can only be skipped."""
    duplicate = row.get("duplicate")
    if not row["errors"] and duplicate and duplicate["kind"] == "file" and row["data"].get("contact_name"):
        return [CONTACT, SKIP]
    if row["errors"] or (duplicate and duplicate["kind"] in ("file", "other_region")):
        return [SKIP]
    if duplicate:
        return [FILL, UPDATE, SKIP]  # the first is the default: nothing curated is overwritten
    return [CREATE, SKIP]


_CHOICE_FIELDS = ("stage", "size_class", "sbi_section")


def _model_field(name: str) -> models.Field:
    """One of the employer's own columns (never a relation, which the importer does not read)."""
    field = Employer._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{name} is not a column of Employer")
    return field


def _shown(field: str, value: str) -> str:
    """A value as the user reads it: a choice's label, otherwise the value itself."""
    choices = dict(_model_field(field).flatchoices) if field in _CHOICE_FIELDS else {}
    return str(choices.get(value, value))


def field_diff(employer: Employer, data: dict[str, str]) -> list[dict[str, Any]]:
    """Each field of the row that differs from the employer: ``{field, label, old, new, fills}``
    (``fills``: the employer's field is empty, so "fill empty fields only" takes it too)."""
    diff = []
    for field in EMPLOYER_COLUMNS:
        new = data.get(field, "")
        old = str(getattr(employer, field) or "")
        if not new or new == old:
            continue
        diff.append(
            {
                "field": field,
                "label": str(_model_field(field).verbose_name),
                "old": _shown(field, old),
                "new": _shown(field, new),
                "fills": not old and field != "stage",
            }
        )
    return diff
