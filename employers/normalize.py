"""Field rules shared by the forms, the API, the services and the import: one place for each
rule and its exact message, so a bad KvK number reads the same wherever it is typed."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from employers.models import SbiSection, Stage

POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*$")

MESSAGES = {
    "kvk": _("A KvK number has exactly 8 digits."),
    "postcode": _("Enter a Dutch postcode like 1234 AB."),
    "email": _("Enter a valid e-mail address."),
    "name": _("The employer's name is required."),
    "sbi": _("Unknown SBI section: use one letter from A to U."),
    "stage": _("Unknown network stage."),
}


def normalise_kvk(value: str) -> str:
    """``'1234 5678'`` and ``'12.34.56.78'`` become ``'12345678'``; empty stays empty."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    if digits and not re.fullmatch(r"[0-9]{8}", digits):
        raise ValidationError(MESSAGES["kvk"], code="kvk")
    return digits


def normalise_postcode(value: str) -> str:
    """``'1234ab'`` becomes ``'1234 AB'``; empty stays empty."""
    if not (value or "").strip():
        return ""
    match = POSTCODE_RE.match(value)
    if not match:
        raise ValidationError(MESSAGES["postcode"], code="postcode")
    return f"{match.group(1)} {match.group(2).upper()}"


def normalise_email(value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(MESSAGES["email"], code="email") from None
    return value.lower()


def normalise_sbi_section(value: str) -> str:
    """A letter A..U, or an SBI code whose section cannot be told from digits alone: letters only."""
    value = (value or "").strip().upper()
    if value and value not in SbiSection.values:
        raise ValidationError(MESSAGES["sbi"], code="sbi")
    return value


def normalise_stage(value: str) -> str:
    """A stage code or its label in either language (``'Open'``, ``'ambassadeur'``)."""
    value = (value or "").strip()
    if not value:
        return ""
    lowered = value.lower()
    for stage in Stage:
        names = {stage.value}
        for language in ("nl", "en"):
            with translation.override(language):
                names.add(str(stage.label).lower())
        if lowered in names:
            return stage.value
    raise ValidationError(MESSAGES["stage"], code="stage")
