"""The product's own settings (IPS norms, retention, import limits, outreach), read from the
environment like the rest of ``crm.settings``, which imports every name of this module.

Split from ``crm/settings.py`` along its seam: that module configures Django and its libraries,
this one the product's rules, so each stays under the 400-line limit (STYLE.md).
"""

from __future__ import annotations

from crm.env import Env as _Env

_env = _Env()  # crm.settings has read .env into the environment before importing this module

# --- Product settings -----------------------------------------------------------------
IPS_WEEKLY_TARGET = 6
# IPS fidelity: a guide's caseload is at most 20 candidates (IPS fidelity scale, item 'caseload size').
IPS_CASELOAD_NORM = 20
IPS_FIRST_CONTACT_DAYS = 30  # IPS: a first employer contact within 30 days of the trajectory's start
# The author may correct a logged contact for this long; after that it is part of the record.
CONTACT_EDIT_WINDOW_HOURS = _env.int("CONTACT_EDIT_WINDOW_HOURS", 24, minimum=0)
# An owned open/active/ambassador employer without a contact for this long shows as going cold.
EMPLOYER_COLD_AFTER_DAYS = _env.int("EMPLOYER_COLD_AFTER_DAYS", 60, minimum=1)
# The default yearly target of durable placements per region (a coordinator may set another).
PLACEMENTS_YEARLY_TARGET = 100
PLACEMENT_DURABLE_MONTHS = _env.int("PLACEMENT_DURABLE_MONTHS", 6, minimum=6)  # 6 (the programme) or 12
# Candidates are anonymised this many months after their trajectory ended (daily beat job).
CANDIDATE_RETENTION_MONTHS = _env.int("CANDIDATE_RETENTION_MONTHS", 24, minimum=1)
# Erase idle opted-out contact persons, clear access needs after the session (PRIVACY.md).
CONTACT_PERSON_RETENTION_MONTHS = _env.int("CONTACT_PERSON_RETENTION_MONTHS", 24, minimum=1)
ACCESS_NEEDS_RETENTION_DAYS = _env.int("ACCESS_NEEDS_RETENTION_DAYS", 30, minimum=0)
# Employer import limits (employers/importing/): the upload, its rows and columns, one cell, and
# an XLSX file unpacked (a zip of a few MB can hold gigabytes of XML).
IMPORT_MAX_BYTES = _env.int("IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
IMPORT_MAX_ROWS = _env.int("IMPORT_MAX_ROWS", 20_000, minimum=1)
IMPORT_MAX_COLUMNS = _env.int("IMPORT_MAX_COLUMNS", 60, minimum=2)
IMPORT_MAX_CELL_CHARS = _env.int("IMPORT_MAX_CELL_CHARS", 5_000, minimum=200)
IMPORT_MAX_XLSX_UNPACKED_BYTES = _env.int("IMPORT_MAX_XLSX_UNPACKED_BYTES", 100 * 1024 * 1024, minimum=1024 * 1024)
# The import's preview posts one choice per row: Django's default of 1,000 fields refused the
# confirmation of any file over 1,000 rows (a 400). The body stays under DATA_UPLOAD_MAX_MEMORY_SIZE.
DATA_UPLOAD_MAX_NUMBER_FIELDS = IMPORT_MAX_ROWS + 100

# --- Outreach (knowledge sessions) -------------------------------------------------------
AGENDA_EMBED_ORIGINS, PRIVACY_CONTROLLERS = _env.list("AGENDA_EMBED_ORIGINS", []), _env.list("PRIVACY_CONTROLLERS", [])
# Local hour (Europe/Amsterdam) at which reminders and follow-ups go out on their day.
OUTREACH_SEND_HOUR = _env.int("OUTREACH_SEND_HOUR", 10, minimum=0)
# Temporary SMTP failures: wait base * 2^(attempt-1) seconds, at most max, give up after n.
OUTREACH_RETRY_BASE_SECONDS = _env.int("OUTREACH_RETRY_BASE_SECONDS", 60, minimum=0)
OUTREACH_RETRY_MAX_SECONDS = _env.int("OUTREACH_RETRY_MAX_SECONDS", 3600, minimum=0)
OUTREACH_MAX_ATTEMPTS = _env.int("OUTREACH_MAX_ATTEMPTS", 10, minimum=1)
# A new outbox row not delivered within this many seconds is handed out again by the sweep.
OUTREACH_SWEEP_GRACE_SECONDS = _env.int("OUTREACH_SWEEP_GRACE_SECONDS", 30, minimum=0)
# A claimed row ("sending") not marked within this many seconds is given back by the sweep and
# flagged "may have gone out twice". It must outlast one message's SMTP conversation (MAIL,
# RCPT, DATA and the final reply, each up to EMAIL_TIMEOUT) and the mark's retries, or a slow
# but living send would be handed out a second time.
OUTREACH_LEASE_SECONDS = _env.int("OUTREACH_LEASE_SECONDS", 180, minimum=1)
# 1: every "sent" mark waits for its WAL flush (no resend even after a database server crash,
# about 3x slower delivery); 0: delivery batches commit asynchronously (see outreach/delivery.py).
OUTREACH_DURABLE_SENT_MARKS = _env.bool("OUTREACH_DURABLE_SENT_MARKS", False)
# Bounces (outreach/bounces/): the VERP Return-Path domain (empty: none), the mailbox read over IMAP.
BOUNCE_DOMAIN = _env.str("BOUNCE_DOMAIN", "")
BOUNCE_IMAP_URL = _env.str("BOUNCE_IMAP_URL", "")
