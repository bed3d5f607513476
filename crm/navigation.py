"""The main navigation: each entry names its URL and the roles that see it.

An app adds its pages here; entries whose URL does not exist yet are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crm.roles import ALL_ROLES, NETWORK_READ, Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    roles: frozenset[str]


NAV_ITEMS: list[NavItem] = [
    NavItem("home", _("Overview"), ALL_ROLES),
    NavItem("employers:list", _("Employers"), NETWORK_READ),
    NavItem("employers:my-work", _("My work"), NETWORK_READ),
    NavItem("outreach:event-list", _("Knowledge sessions"), frozenset({Role.ADVISER, Role.COORDINATOR})),
    NavItem("outreach:agenda", _("National agenda"), frozenset({Role.AWVN, Role.COORDINATOR})),
    NavItem("candidates:list", _("Candidates"), frozenset({Role.GUIDE, Role.COORDINATOR})),
    NavItem("reports:region", _("Reports"), frozenset({Role.COORDINATOR, Role.ADVISER})),
    NavItem("reports:national", _("National figures"), frozenset({Role.AWVN, Role.COORDINATOR})),
]
