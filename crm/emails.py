"""Build + send one templated message: every mail of every app goes through here.

``render`` turns a template triple (``<base>.subject.txt``, ``.txt``, ``.html``) into a
message in the recipient's language. ``queue_templated`` stores it in the outbox, which
delivers it (claim, commit, send, mark; retries; failures visible) after the caller's
transaction commits, exactly once per ``key``.

The outbox lives in ``outreach`` (``OutboundEmail`` and its delivery), which the other apps
must not import (``employers`` never imports ``outreach``; no import circles). So ``crm``
holds the interface and ``outreach`` plugs its store in from ``AppConfig.ready``, the way it
plugs its invitations into the employer timeline.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class QueuedMessage:
    """One message for the outbox. ``key`` is unique: a second message with it is not stored."""

    key: str
    kind: str
    to_email: str
    to_name: str
    language: str
    subject: str
    text: str
    html: str
    headers: Mapping[str, str] = field(default_factory=dict)


_WHITESPACE = re.compile(r"\s+")


def header_safe(value: str) -> str:
    """A value from data (a name, a title) made fit for a mail header: line breaks, tabs and
    every other control character become one space (a CR/LF in a name would otherwise make
    Django refuse the message, or worse, add a header)."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in value or "")
    return _WHITESPACE.sub(" ", cleaned).strip()


def render(template_base: str, context: dict[str, Any], language: str) -> Rendered:
    """The triple ``<template_base>.subject.txt|.txt|.html`` in ``language`` (subject on one line)."""
    with translation.override(language):
        subject = header_safe(render_to_string(f"{template_base}.subject.txt", context))
        text = render_to_string(f"{template_base}.txt", context)
        html = render_to_string(f"{template_base}.html", {**context, "html": True})
    return Rendered(subject, text, html)


_store: Callable[[QueuedMessage], bool] | None = None


def register_outbox(store: Callable[[QueuedMessage], bool]) -> None:
    """Called once by the app that owns the outbox (``outreach.apps``)."""
    global _store  # one process-wide hook, set at start-up
    _store = store


def queue_templated(
    *,
    key: str,
    kind: str,
    template: str,
    context: dict[str, Any],
    language: str,
    to_email: str,
    to_name: str = "",
    headers: Mapping[str, str] | None = None,
) -> bool:
    """Render ``template`` for one recipient and store it in the outbox (in the caller's
    transaction; delivered after commit). False when a message with ``key`` already exists."""
    if _store is None:
        raise RuntimeError("No outbox is registered (is 'outreach' in INSTALLED_APPS?)")
    rendered = render(template, context, language)
    message = QueuedMessage(
        key=key,
        kind=kind,
        to_email=to_email,
        to_name=header_safe(to_name),
        language=language,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        headers={"Auto-Submitted": "auto-generated", **{k: header_safe(v) for k, v in (headers or {}).items()}},
    )
    return _store(message)
