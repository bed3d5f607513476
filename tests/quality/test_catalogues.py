"""Dutch once and consistently (issue 17): every Dutch catalogue (``locale/`` and ``<app>/locale/``)
translates every msgid, none is left fuzzy, and no msgstr speaks to the reader with the je-form
("je", "jij", "jou", "jouw", "jullie"): the app addresses employers and colleagues as "u"/"uw", as
Dutch public bodies do. Templates and mail texts carry no hard-coded je-form either.

The .po files are read with a small parser (no polib in the lock); it knows msgctxt, plurals,
continuation lines and the fuzzy flag, which is all makemessages writes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("crm", "employers", "outreach", "candidates", "reports")

# Word-boundary match, case-insensitive. "jeugd", "jezus", "Jeroen" do not match; a diminutive
# after an apostrophe ("sms'je", "cv'tje") is not the pronoun, so an apostrophe before it is excluded.
JE_FORM = re.compile(r"(?<!['’])\b(je|jij|jou|jouw|jouwe|jullie|jezelf|jouzelf)\b", re.IGNORECASE)


@dataclass
class Entry:
    msgid: str = ""
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False
    line: int = 0


def _unquote(text: str) -> str:
    body = text.strip()
    assert body.startswith('"') and body.endswith('"'), body
    return body[1:-1].encode("raw_unicode_escape").decode("unicode_escape")


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file, header (msgid "") included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: str | None = None  # "msgid", "msgid_plural", "msgctxt" or "msgstr"
    flags_fuzzy = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags_fuzzy = flags_fuzzy or "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            assert current is not None and target is not None, f"line {number}: stray string"
            if target == "msgid":
                current.msgid += _unquote(line)
            elif target == "msgstr":
                current.msgstrs[-1] += _unquote(line)
            continue
        if keyword in ("msgctxt", "msgid") and (current is None or target == "msgstr"):
            current = Entry(fuzzy=flags_fuzzy, line=number)
            entries.append(current)
            flags_fuzzy = False
        assert current is not None, f"line {number}: {line!r}"
        if keyword == "msgid":
            current.msgid, target = _unquote(rest), "msgid"
        elif keyword in ("msgid_plural", "msgctxt"):
            target = keyword
        elif keyword.startswith("msgstr"):
            current.msgstrs.append(_unquote(rest))
            target = "msgstr"
        else:
            raise AssertionError(f"line {number}: unknown keyword {keyword!r}")
    return entries


def dutch_catalogues() -> list[Path]:
    paths = [ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"]
    paths += [ROOT / app / "locale" / "nl" / "LC_MESSAGES" / "django.po" for app in APPS]
    return [path for path in paths if path.exists()]


def je_forms(entries: list[Entry]) -> list[str]:
    found = []
    for entry in entries:
        for msgstr in entry.msgstrs:
            if JE_FORM.search(msgstr):
                found.append(f"line {entry.line}: {msgstr}")
    return found


def untranslated(entries: list[Entry]) -> list[str]:
    return [
        f"line {entry.line}: {entry.msgid}" + (" (fuzzy)" if entry.fuzzy else "")
        for entry in entries
        if entry.msgid and (entry.fuzzy or not all(entry.msgstrs))
    ]


def test_the_catalogues_are_found_and_parsed():
    paths = {path.relative_to(ROOT).as_posix() for path in dutch_catalogues()}
    assert {
        "locale/nl/LC_MESSAGES/django.po",
        "employers/locale/nl/LC_MESSAGES/django.po",
        "outreach/locale/nl/LC_MESSAGES/django.po",
        "candidates/locale/nl/LC_MESSAGES/django.po",
    } <= paths
    for path in dutch_catalogues():
        assert len(parse_po(path.read_text(encoding="utf-8"))) > 100, path


def test_every_msgid_is_translated_in_dutch():
    problems = {
        path.relative_to(ROOT).as_posix(): found
        for path in dutch_catalogues()
        if (found := untranslated(parse_po(path.read_text(encoding="utf-8"))))
    }
    assert not problems, problems


def test_no_dutch_msgstr_uses_the_je_form():
    problems = {
        path.relative_to(ROOT).as_posix(): found
        for path in dutch_catalogues()
        if (found := je_forms(parse_po(path.read_text(encoding="utf-8"))))
    }
    assert not problems, "write the u-form (u, uw):\n" + repr(problems)


def test_no_template_hard_codes_the_je_form():
    templates = [p for p in (ROOT / "templates").rglob("*") if p.suffix in (".html", ".txt")]
    assert len(templates) > 20
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if JE_FORM.search(line)
    ]
    assert not found, found


def test_the_checks_catch_what_they_are_for():
    sample = (
        '#, fuzzy\nmsgid "Old"\nmsgstr "Oud"\n\n'
        'msgid "Your list"\nmsgstr ""\n"Jouw lijst"\n\n'
        'msgid "Youth"\nmsgstr "Jeugd en Jeroen stuurden een sms\'je"\n\n'
        'msgid "Missing"\nmsgstr ""\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "een"\nmsgstr[1] ""\n\n'
        'msgctxt "x"\nmsgid "Can you"\nmsgstr "Kun je dat"\n'
    )
    entries = parse_po(sample)
    assert [e.msgid for e in entries] == ["Old", "Your list", "Youth", "Missing", "one", "Can you"]
    assert je_forms(entries) == ["line 5: Jouw lijst", "line 20: Kun je dat"]
    assert untranslated(entries) == ["line 2: Old (fuzzy)", "line 12: Missing", "line 15: one"]
