"""Demo users shared by every app's demo data (``manage.py seed_demo``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from crm.models import Membership, Role

DEMO_PASSWORD = "demo-wsp-2026"  # noqa: S105 - printed by make run and in the README on purpose
REGION_A = "AM18"  # Groot Amsterdam
REGION_B = "AM13"  # Midden-Utrecht


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    region: str | None
    is_staff: bool = False


DEMO_USERS = [
    DemoUser("adviseur", "Anna", "de Vries", Role.ADVISER, REGION_A),
    DemoUser("adviseur2", "Mehmet", "Yilmaz", Role.ADVISER, REGION_A),
    DemoUser("coordinator", "Karin", "Bos", Role.COORDINATOR, REGION_A),
    DemoUser("begeleider", "Sam", "Jansen", Role.GUIDE, REGION_A),
    DemoUser("adviseur-utrecht", "Pieter", "Smit", Role.ADVISER, REGION_B),
    DemoUser("begeleider-utrecht", "Fatima", "El Amrani", Role.GUIDE, REGION_B),
    DemoUser("awvn", "Eva", "Mulder", Role.AWVN, None),
]
ADMIN_USERNAME = "admin"


@transaction.atomic
def seed_users() -> dict[str, object]:
    User = get_user_model()
    users: dict[str, object] = {}
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@wsp-demo.nl",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, role=demo.role, region_id=demo.region)
        users[demo.username] = user
    admin, created = User.objects.get_or_create(
        username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True, "email": "admin@wsp-demo.nl"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    users[ADMIN_USERNAME] = admin
    return users
