"""What a message in the bounce mailbox says: which row, and hard, soft or a complaint."""

from __future__ import annotations

import email
import logging
from email.message import Message

from flufl.bounce import all_failures

from outreach.bounces import verp
from outreach.models import Bounce

logger = logging.getLogger(__name__)
logging.getLogger("flufl.bounce").setLevel(logging.WARNING)  # it logs every detector it runs


def is_complaint(message: Message) -> bool:
    """An Abuse Reporting Format report (RFC 5965): the recipient pressed "this is spam"."""
    if message.get_content_type() == "multipart/report" and message.get_param("report-type") == "feedback-report":
        return True
    return any(part.get_content_type() == "message/feedback-report" for part in message.walk())


def kind_of(message: Message) -> str | None:
    """``Bounce.HARD`` (a permanent failure), ``SOFT`` (temporary), ``COMPLAINT``, or None for
    a message that is none of these (an auto-reply, say)."""
    if is_complaint(message):
        return Bounce.COMPLAINT
    try:
        temporary, permanent = all_failures(message)
    except Exception:
        logger.warning("bounce parser failed on a message", exc_info=True)
        return None
    if permanent:
        return Bounce.HARD
    return Bounce.SOFT if temporary else None


def read(raw: bytes) -> tuple[int | None, str | None]:
    """(outbox row id or None, kind or None) of one raw message."""
    return verp.row_in(raw), kind_of(email.message_from_bytes(raw))
