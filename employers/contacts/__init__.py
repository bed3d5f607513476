"""The contact log: contacts, follow-ups, the timeline's entries and the IPS figures, with the
same anatomy as an app (api, services, selectors, forms, views, filters, urls, admin, demo).
Uses ``employers.models``; the rest of ``employers`` uses it only for ``forms`` and
``selectors.local_today``."""
