"""Dashboards, the national view and the stats API: aggregates over every app.
Imports crm, employers, outreach and candidates; imported by no app (the URLconf includes it by name)."""
