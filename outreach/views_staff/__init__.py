"""Staff pages of knowledge sessions, one module per page group: ``events`` (list, create/edit,
detail, publish/cancel/held), ``invite`` (the audience picker), ``checkin`` (the day itself) and
``agenda`` (the national agenda for AWVN), on the shared ``base``.

Views are thin: the scoped queryset finds the session (outsiders 404), a service writes.
"""
