"""Knowledge sessions, invitations and RSVP, the outbox and its Celery delivery.
Imports crm and employers, never candidates; imported by candidates (who attended) and reports.
Inside: views/api -> selectors_staff, services -> mail, outbox -> delivery -> delivery_steps -> models; schedule ->
mail, outbox; tasks -> services, schedule, outbox, delivery; nothing imports tasks (work is
queued by task name through ``crm.queue``)."""
