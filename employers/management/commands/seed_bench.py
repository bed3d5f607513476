"""Benchmark data: 100,000 employers (``BENCH_SCALE`` or ``--employers``) with 3 contact persons
and 10 contacts each, spread over the 35 regions, 5 % of them shared with one to three other
regions (national employers); then ``VACUUM ANALYZE``.

Employers get real PC4 postcodes of their region (so distances and region filters behave as in
production), a believable name from a word list, stages, SBI sections, accommodations, and one
in five an open opening. Rows go in with ``bulk_create`` in large batches; the contacts (10 per
employer, spread over the last two years, channels and purposes in rotation) with one
``INSERT ... SELECT`` per batch of employers. The command is idempotent per prefix (``--force``
adds another batch). Afterwards the tables are vacuumed and analysed, as production's
autovacuum would have done by then (the test machines run without it).
"""

from __future__ import annotations

import os
import random
import time
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from crm.models import PostcodeArea
from employers.contacts.services import refresh_last_contact
from employers.models import (
    Accommodation,
    Contact,
    ContactPerson,
    Employer,
    EmployerShare,
    Opening,
    SbiSection,
    SizeClass,
    Stage,
)

KVK_BASE = 60_000_000  # bench KvK numbers 60000000..; demo and tests use lower ones
BATCH = 5_000
SHARED_EVERY = 20  # 5 % of the employers are national: shared by two or more regions

WORDS = (
    "Bakkerij",
    "Zorggroep",
    "Techniek",
    "Logistiek",
    "Installatie",
    "Schoonmaak",
    "Groen",
    "Hovenier",
    "Drukkerij",
    "Metaal",
    "Transport",
    "Catering",
    "Horeca",
    "Kinderopvang",
    "Thuiszorg",
    "Bouw",
    "Schilders",
    "Garage",
    "Tuincentrum",
    "Boekhandel",
    "Apotheek",
    "Fietsen",
    "Supermarkt",
    "Hotel",
    "Restaurant",
    "Koffie",
    "Verhuur",
    "Kantoor",
    "Advies",
    "ICT",
    "Software",
    "Energie",
    "Recycling",
    "Zuivel",
    "Kwekerij",
    "Vervoer",
    "Fysiotherapie",
    "Dierenkliniek",
    "Wasserij",
    "Timmerwerk",
)
FAMILY = (
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Kok",
    "Jacobs",
)
FIRST = (
    "Anna",
    "Bram",
    "Carla",
    "Daan",
    "Eva",
    "Femke",
    "Gert",
    "Hanna",
    "Ilse",
    "Joost",
    "Kim",
    "Lars",
    "Marit",
    "Noor",
    "Olaf",
    "Pim",
    "Roos",
    "Sem",
    "Tess",
    "Vera",
)
STAGE_WEIGHTS = [
    (Stage.PROSPECT, 40),
    (Stage.INTERESTED, 20),
    (Stage.OPEN, 20),
    (Stage.ACTIVE, 12),
    (Stage.AMBASSADOR, 4),
    (Stage.PAUSED, 4),
]


class Command(BaseCommand):
    help = "Generate benchmark data: 100,000 employers with 3 contact persons each (bulk inserts)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--employers", type=int, default=int(os.environ.get("BENCH_SCALE") or 100_000))
        parser.add_argument("--persons", type=int, default=3, help="contact persons per employer")
        parser.add_argument("--contacts", type=int, default=10, help="contacts per employer, over two years")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="add data even if bench employers exist")

    def handle(
        self, *args: Any, employers: int, persons: int, contacts: int, seed: int, force: bool, **options: Any
    ) -> None:
        existing = Employer.objects.filter(kvk_number__gte=f"{KVK_BASE:08d}").count()
        if existing >= employers and not force:
            self.stdout.write(f"Bench employers are already there ({existing}).")
        else:
            self.make_employers(existing, employers, persons, seed)
        if self.contacts(contacts):
            self.vacuum()

    def contacts(self, per_employer: int) -> int:
        """``per_employer`` contacts for each bench employer that has none, in one statement
        per 20,000 employers; then each employer's ``last_contact_at``, as contact_log keeps it."""
        by, _ = get_user_model().objects.get_or_create(username="bench-seed", defaults={"first_name": "Bench"})
        bench = Employer.objects.filter(kvk_number__gte=f"{KVK_BASE:08d}")
        todo = list(bench.filter(contacts__isnull=True).order_by("pk").values_list("pk", flat=True))
        if not todo or per_employer <= 0:
            self.stdout.write(f"Bench contacts are there ({Contact.objects.count()}).")
            return 0
        started = time.monotonic()
        for start in range(0, len(todo), 20_000):
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO employers_contact (employer_id, region_id, by_id, "when", channel, purpose,
                                                   in_person, summary, outcome, created_at, updated_at)
                    SELECT e, emp.region_id, %s, now() - ((e * 7919 + k * 104729) %% 730) * interval '1 day'
                                        - ((e + k) %% 10) * interval '1 hour',
                           (ARRAY['visit','phone','video','email','event','other'])[1 + (e + k) %% 6],
                           (ARRAY['acquisition','relationship','job_development','placement_support','event'])
                               [1 + (e * 3 + k) %% 5],
                           ((e + k) %% 6) IN (0, 4), 'bench contact', '', now(), now()
                    FROM unnest(%s::bigint[]) AS u(e) JOIN employers_employer emp ON emp.id = u.e,
                         generate_series(1, %s) AS k
                    """,
                    [by.pk, todo[start : start + 20_000], per_employer],
                )
            self.stdout.write(f"  contacts for {min(start + 20_000, len(todo))} employers", ending="\r")
            self.stdout.flush()
        refresh_last_contact(employer_ids=None)
        made = len(todo) * per_employer
        self.stdout.write(self.style.SUCCESS(f"Created {made} contacts in {time.monotonic() - started:.0f} s."))
        return made

    def vacuum(self) -> None:
        """What autovacuum would have done by now: no dead rows, fresh statistics."""
        started = time.monotonic()
        tables = [
            m._meta.db_table
            for m in (Employer, Employer.accommodations.through, ContactPerson, Opening, Contact, EmployerShare)
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'VACUUM ANALYZE "{table}"')
        self.stdout.write(f"VACUUM ANALYZE {', '.join(tables)}: {time.monotonic() - started:.0f} s")

    def shares(self, created: list[Employer], regions: list[str], rng: random.Random) -> list[EmployerShare]:
        """National employers: one in twenty (``SHARED_EVERY``) is shared with one to three other
        regions (accepted), each of which keeps a contact person of its own there."""
        now = timezone.now()
        rows = []
        for employer in created:
            if employer.pk % SHARED_EVERY:
                continue
            others = [r for r in regions if r != employer.region_id]
            for region in rng.sample(others, rng.randint(1, 3)):
                rows.append(EmployerShare(employer_id=employer.pk, region_id=region, state="accepted", decided_at=now))
        return rows

    def make_employers(self, existing: int, employers: int, persons: int, seed: int) -> None:
        started = time.monotonic()
        rng = random.Random(seed + existing)  # noqa: S311 - reproducible data, not secrets
        by_region: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for pc4, place, region in PostcodeArea.objects.values_list("pc4", "place", "region_id"):
            by_region[region].append((pc4, place))
        regions = sorted(by_region)
        accommodations = list(Accommodation.objects.values_list("code", flat=True))
        stages, weights = zip(*STAGE_WEIGHTS, strict=True)
        sections = [s.value for s in SbiSection]
        sizes = [s.value for s in SizeClass]
        through = Employer.accommodations.through
        made = 0
        for start in range(existing, existing + employers, BATCH):
            count = min(BATCH, existing + employers - start)
            rows, offered = [], []
            for n in range(start, start + count):
                region = regions[n % len(regions)]
                pc4, place = rng.choice(by_region[region])
                letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTVWXZ") for _ in range(2))
                name = f"{rng.choice(WORDS)} {rng.choice(FAMILY)} {n}"
                offered.append(rng.sample(accommodations, rng.randint(0, 4)))
                rows.append(
                    Employer(
                        legal_name=f"{name} B.V.",
                        trade_name=name if n % 3 == 0 else "",
                        kvk_number=f"{KVK_BASE + n:08d}",
                        sbi_section=rng.choice(sections),
                        size_class=rng.choice(sizes),
                        postcode=f"{pc4} {letters}",
                        place=place,
                        region_id=region,
                        stage=rng.choices(stages, weights)[0],
                        source="import",
                        accommodation_codes=sorted(offered[-1]),
                    )
                )
            with transaction.atomic():
                created = Employer.objects.bulk_create(rows, batch_size=BATCH)
                links, people, openings = [], [], []
                for employer, codes in zip(created, offered, strict=True):
                    for code in codes:
                        links.append(through(employer_id=employer.pk, accommodation_id=code))
                    for p in range(persons):
                        first, family = rng.choice(FIRST), rng.choice(FAMILY)
                        people.append(
                            ContactPerson(
                                employer_id=employer.pk,
                                name=f"{first} {family}",
                                function=("HR-adviseur", "Directeur", "Teamleider")[p % 3],
                                email=f"{first.lower()}.{employer.kvk_number}.{p}@bench.example",
                                language="nl" if p % 5 else "en",
                            )
                        )
                    if employer.pk % 5 == 0:
                        low = rng.choice((8, 12, 16, 20, 24))
                        openings.append(
                            Opening(
                                employer_id=employer.pk,
                                title=f"Medewerker {rng.choice(WORDS).lower()}",
                                hours_min=low,
                                hours_max=low + rng.choice((4, 8, 12, 16)),
                                postcode=employer.postcode,
                            )
                        )
                shared = self.shares(created, regions, rng)
                people += [
                    ContactPerson(employer_id=s.employer_id, region_id=s.region_id, name="Landelijk") for s in shared
                ]
                through.objects.bulk_create(links, batch_size=BATCH)
                EmployerShare.objects.bulk_create(shared, batch_size=BATCH)
                ContactPerson.objects.bulk_create(people, batch_size=BATCH)
                Opening.objects.bulk_create(openings, batch_size=BATCH)
                # What the opening services keep: one open opening each.
                Employer.objects.filter(pk__in=[o.employer_id for o in openings]).update(open_openings=1)
            made += count
            self.stdout.write(f"  {made} employers", ending="\r")
            self.stdout.flush()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {made} employers with {persons} contact persons each in {time.monotonic() - started:.0f} s."
            )
        )
        self.vacuum()
