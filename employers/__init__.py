"""The employer network: employers, contact persons, openings, the contact log and follow-ups.
Imports crm only; imported by outreach, candidates and reports."""
