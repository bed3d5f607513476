"""Bounces as mail servers send them, to the VERP address ``{verp}`` about mail to ``{to}``:
RFC 3464 delivery status notifications (Postfix's hard one, a "delayed" warning), and the
common non-standard kinds (Exim's X-Failed-Recipients, qmail's text), and an ARF complaint
(RFC 5965) as the big mailbox providers' feedback loops send it."""

from __future__ import annotations

POSTFIX_HARD = """\
Return-Path: <>
Delivered-To: {verp}
Received: by mail.wsp.example (Postfix) id 4F2C81C0A3; Fri,  4 Dec 2026 10:00:05 +0100 (CET)
Date: Fri,  4 Dec 2026 10:00:05 +0100 (CET)
From: MAILER-DAEMON@mail.wsp.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {verp}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4F2C81C0A3.1733302805/mail.wsp.example"
Message-Id: <20261204090005.4F2C81C0A3@mail.wsp.example>

This is a MIME-encapsulated message.

--4F2C81C0A3.1733302805/mail.wsp.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.wsp.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{to}>: host mx.werkgever.example[192.0.2.25] said: 550 5.1.1
    <{to}>: Recipient address rejected: User unknown in virtual mailbox
    table (in reply to RCPT TO command)

--4F2C81C0A3.1733302805/mail.wsp.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.wsp.example
X-Postfix-Queue-ID: 4F2C81C0A3
X-Postfix-Sender: rfc822; {verp}
Arrival-Date: Fri,  4 Dec 2026 10:00:04 +0100 (CET)

Final-Recipient: rfc822; {to}
Original-Recipient: rfc822;{to}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.werkgever.example
Diagnostic-Code: smtp; 550 5.1.1 <{to}>: Recipient address rejected: User
    unknown in virtual mailbox table

--4F2C81C0A3.1733302805/mail.wsp.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <{verp}>
From: WSP CRM <noreply@wsp.example>
To: {to}
Subject: Uitnodiging: Kennissessie

--4F2C81C0A3.1733302805/mail.wsp.example--
"""

DELAYED_SOFT = """\
Return-Path: <>
From: MAILER-DAEMON@mail.wsp.example (Mail Delivery System)
Subject: Delayed Mail (still being retried)
To: {verp}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B-delay"
Message-Id: <20261204110000.AA11@mail.wsp.example>

--B-delay
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.wsp.example.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

<{to}>: host mx.werkgever.example[192.0.2.25] said: 452 4.2.2 Mailbox full

--B-delay
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.wsp.example

Final-Recipient: rfc822; {to}
Action: delayed
Status: 4.2.2
Diagnostic-Code: smtp; 452 4.2.2 Mailbox full
Will-Retry-Until: Tue,  8 Dec 2026 10:00:04 +0100 (CET)

--B-delay--
"""

EXIM_HARD = """\
Return-path: <>
Envelope-to: {verp}
From: Mail Delivery System <Mailer-Daemon@smtp.gemeente.example>
To: {verp}
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1tR2xY-0001aB-7Q@smtp.gemeente.example>
X-Failed-Recipients: {to}
Auto-Submitted: auto-replied
Date: Fri, 04 Dec 2026 10:01:00 +0100

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {to}
    host mx.werkgever.example [192.0.2.25]
    SMTP error from remote mail server after RCPT TO:<{to}>:
    550 5.1.1 User unknown

------ This is a copy of the message, including all the headers. ------

Return-path: <{verp}>
Subject: Uitnodiging: Kennissessie
"""

QMAIL_HARD = """\
Return-Path: <>
From: MAILER-DAEMON@mx.werkgever.example
To: {verp}
Subject: failure notice
Date: 4 Dec 2026 09:02:00 -0000
Message-ID: <20261204090200.12345.qmail@mx.werkgever.example>

Hi. This is the qmail-send program at mx.werkgever.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<{to}>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <{verp}>
Subject: Uitnodiging: Kennissessie
"""

ARF_COMPLAINT = """\
From: <staff@hotmail.example>
Date: Fri, 04 Dec 2026 12:00:00 +0100
Subject: complaint about message from 192.0.2.10
To: {verp}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="part1_13d.2e68ed54_boundary"
Message-ID: <arf-1@hotmail.example>

--part1_13d.2e68ed54_boundary
Content-Type: text/plain; charset="US-ASCII"

This is an email abuse report for an email message received from IP 192.0.2.10 on
Fri, 04 Dec 2026 11:50:00 +0100.

--part1_13d.2e68ed54_boundary
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <{verp}>
Original-Rcpt-To: <{to}>
Arrival-Date: Fri, 04 Dec 2026 11:50:00 +0100
Source-IP: 192.0.2.10

--part1_13d.2e68ed54_boundary
Content-Type: text/rfc822-headers

Return-Path: <{verp}>
From: WSP CRM <noreply@wsp.example>
To: {to}
Subject: Uitnodiging: Kennissessie

--part1_13d.2e68ed54_boundary--
"""

OUT_OF_OFFICE = """\
From: {to}
To: {verp}
Subject: Automatisch antwoord: Uitnodiging: Kennissessie
Auto-Submitted: auto-replied

Ik ben afwezig tot 14 december.
"""


def message(template: str, *, verp: str, to: str) -> bytes:
    return template.format(verp=verp, to=to).replace("\n", "\r\n").encode()
