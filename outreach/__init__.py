"""Knowledge sessions, invitations and RSVP, the outbox and its Celery delivery.
Imports crm and employers, never candidates; imported by candidates (who attended) and reports."""
