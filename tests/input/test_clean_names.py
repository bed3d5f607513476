"""Names that end up in mail headers and file names are stored on one line, whatever the path."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from employers.models import ContactPerson, Employer
from tests.factories import ContactPersonFactory, EmployerFactory

pytestmark = pytest.mark.django_db


def test_the_api_stores_a_contact_person_named_with_cr_lf_on_one_line(api: Any, adviser_a: Any) -> None:
    employer = EmployerFactory()
    body = {"employer": employer.pk, "name": "Kees\r\nBcc: iedereen@example.org", "email": "kees@example.org"}

    response = api(adviser_a).post("/api/v1/contact-persons/", body, format="json")

    assert response.status_code == 201, response.content
    assert ContactPerson.objects.get().name == "Kees Bcc: iedereen@example.org"
    assert response.json()["name"] == "Kees Bcc: iedereen@example.org"


def test_every_write_path_cleans_the_employer_name(adviser_a: Any) -> None:
    employer = EmployerFactory(legal_name="Bakkerij\tJansen\u2028B.V.")
    assert Employer.objects.get(pk=employer.pk).legal_name == "Bakkerij Jansen B.V."
    Employer.objects.filter(pk=employer.pk).update(trade_name="De\r\nBakker")
    assert Employer.objects.get(pk=employer.pk).trade_name == "De Bakker"


def test_the_data_migration_cleans_names_stored_before(adviser_a: Any) -> None:
    person = ContactPersonFactory(employer=EmployerFactory())
    with connection.cursor() as cursor:  # around the field, as rows stored before it were
        cursor.execute("UPDATE employers_contactperson SET name = %s WHERE id = %s", ["Kees\r\nJansen", person.pk])

    importlib.import_module("employers.migrations.0009_clean_stored_names").clean_names(apps, None)

    person.refresh_from_db()
    assert person.name == "Kees Jansen"
