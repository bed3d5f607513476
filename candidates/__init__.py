"""Candidates (pseudonymised, guide-only), matching and placements.
Imports crm, employers and outreach; imported by reports only (employers and outreach never import it)."""
