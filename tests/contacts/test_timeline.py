from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from employers.models import StageChange
from employers.timeline import employer_timeline
from tests.contacts.factories import ContactFactory
from tests.factories import EmployerFactory, OpeningFactory

pytestmark = pytest.mark.django_db


def _fill(employer, n, by):
    now = timezone.now()
    for i in range(n):
        ContactFactory(employer=employer, by=by, when=now - timedelta(hours=i))
    StageChange.objects.create(employer=employer, from_stage="interested", to_stage="open", by=by)
    OpeningFactory(employer=employer)


def test_timeline_merges_sources_newest_first(adviser_a):
    employer = EmployerFactory()
    old = ContactFactory(employer=employer, by=adviser_a, when=timezone.now() - timedelta(days=3))
    StageChange.objects.create(employer=employer, from_stage="prospect", to_stage="open", by=adviser_a)
    ContactFactory(by=adviser_a)  # another employer's contact stays out

    page = employer_timeline(employer)

    assert [e.kind for e in page.object_list] == ["stage", "contact"]
    assert page.object_list[1].obj == old


@pytest.mark.parametrize("n", [5, 50])
def test_timeline_takes_the_same_queries_for_5_and_50_contacts(adviser_a, n, django_assert_max_num_queries):
    employer = EmployerFactory()
    _fill(employer, n, adviser_a)
    # count of the union, one page of keys, then contacts (+by, person), stage changes (+by), openings
    with django_assert_max_num_queries(5):
        page = employer_timeline(employer, 1)
        entries = [(e.title, e.by) for e in page.object_list]
    assert len(entries) == min(n + 2, 25)


def test_timeline_pages_hold_older_entries(adviser_a):
    employer = EmployerFactory()
    _fill(employer, 30, adviser_a)
    second = employer_timeline(employer, 2)
    assert second.paginator.count == 32
    assert len(second.object_list) == 7
    assert second.object_list[0].at <= employer_timeline(employer, 1).object_list[-1].at


def test_another_app_plugs_a_source_in_without_employers_knowing_it(adviser_a, monkeypatch):
    """What outreach does from its AppConfig.ready for invitations and attendance."""
    from crm.models import AuditEntry
    from employers import timeline

    employer = EmployerFactory()
    ContactFactory(employer=employer, by=adviser_a, when=timezone.now() - timedelta(days=1))
    AuditEntry.record("outreach.demo", target=employer, actor=adviser_a)

    def keys(e):
        rows = AuditEntry.objects.filter(action="outreach.demo", target_id=str(e.pk))
        return timeline.keys_of(rows, "invitation", "at")

    def load(pks):
        return {
            a.pk: timeline.TimelineEntry(kind="invitation", at=a.at, title="Invited")
            for a in AuditEntry.objects.filter(pk__in=list(pks))
        }

    monkeypatch.setitem(timeline._SOURCES, "invitation", timeline.TimelineSource("invitation", keys, load))
    page = timeline.employer_timeline(employer)
    assert [e.kind for e in page.object_list] == ["invitation", "contact"]
