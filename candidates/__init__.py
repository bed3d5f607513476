"""Candidates (pseudonymised, guide-only), matching and placements.
Imports crm, employers and outreach; imported by reports only (employers and outreach never import it).
Inside: views/api -> services -> matching_data -> matching; tasks -> services; nothing imports tasks
(services enqueue by task name through ``crm.queue``)."""
