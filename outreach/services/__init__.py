"""Every write of the outreach app, by subject; callers import the module they need.

``events`` (a session's life), ``awvn`` (its registration with AWVN), ``audience`` (who an
invitation would reach; reads only), ``invitations`` (invite in the request), ``rounds`` (invite
in the background), ``rsvp`` (answers, seats, the waitlist), ``links`` (what a personal link
does: unsubscribe, preferences, a fresh link), ``attendance`` (check-in, walk-ins), ``merge``
(invitations moved when employers merge) and ``scope`` (who may change a session, whom they
may invite).

Services own their transaction; mail is only ever an ``OutboundEmail`` row created in that
transaction (built by ``outreach.mail``, stored by ``outreach.outbox``, which queues delivery
after commit). Work for the worker goes by task name (``crm.queue``): no service imports
``outreach.tasks``. Views and the API call these and turn ``ValidationError`` (field-keyed)
into form or JSON errors.
"""
