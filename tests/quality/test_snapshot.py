"""``nothing_changes`` sees a new row, a changed row and a deleted row, and lets a read pass."""

from __future__ import annotations

import pytest

from tests.factories import EmployerFactory
from tests.quality.snapshot import nothing_changes

pytestmark = pytest.mark.django_db


def test_a_read_changes_nothing():
    EmployerFactory()
    with nothing_changes():
        from employers.models import Employer

        assert Employer.objects.count() == 1


@pytest.mark.parametrize("change", ["insert", "update", "delete"])
def test_any_write_is_seen(change: str):
    employer = EmployerFactory()

    with pytest.raises(AssertionError, match="employers_employer"), nothing_changes():
        if change == "insert":
            EmployerFactory()
        elif change == "update":
            type(employer).objects.filter(pk=employer.pk).update(place="Utrecht")
        else:
            employer.delete()


def test_ignored_tables_may_change():
    with nothing_changes(ignore=["employers_employer"]):
        EmployerFactory()
