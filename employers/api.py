"""API views of this app, registered on the project router (crm/api.py)."""

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    from employers.api_contacts import register as register_contacts

    register_contacts(router)
