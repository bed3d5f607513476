"""API views of this app, registered on the project router (crm/api.py)."""

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    from employers.api_employers import register as register_employers
    from employers.api_networks import register as register_networks
    from employers.api_shares import register as register_shares
    from employers.contacts.api import register as register_contacts

    register_employers(router)
    register_networks(router)
    register_shares(router)
    register_contacts(router)
