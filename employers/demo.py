"""Demo employers (``seed(users)``, called by seed_demo before employers.contacts.demo).

Made-up but believable Dutch employers in Groot Amsterdam (AM18) and Midden-Utrecht (AM13),
and a few in other regions (which the demo users must not see). Written through the services,
so stage history and audit entries look like real use.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from django.db import transaction

from crm.models import Region
from employers.models import Employer, Stage, StageChange
from employers.services import employer_change_stage, employer_create
from employers.services_parts import contact_person_create, opening_create

if TYPE_CHECKING:
    from crm.types import AuthUser

# name, trade name, SBI, size, postcode, place, stage, accommodations
AM18 = [
    ("Bakkerij Vermeulen B.V.", "Brood & Zo", "C", "small", "1012 AB", "Amsterdam", "active", "quiet_workplace buddy"),
    ("Hotel De Gouden Kroon B.V.", "", "I", "medium", "1017 CE", "Amsterdam", "open", "part_time_start buddy"),
    (
        "Zorggroep Amstelland",
        "",
        "Q",
        "large",
        "1181 JK",
        "Amstelveen",
        "ambassador",
        "job_coach_welcome gradual_build_up",
    ),
    (
        "Groenvoorziening Amsterdam-Oost B.V.",
        "Groen Oost",
        "N",
        "small",
        "1097 DN",
        "Amsterdam",
        "active",
        "fixed_schedule adjusted_tasks",
    ),
    ("Logistiek Westpoort B.V.", "", "H", "medium", "1055 KL", "Amsterdam", "interested", "fixed_schedule"),
    (
        "Stichting Buurtwerk Nieuw-West",
        "",
        "S",
        "small",
        "1068 MA",
        "Amsterdam",
        "open",
        "flexible_hours job_coach_welcome",
    ),
    ("Kwekerij Aalsmeer Flora B.V.", "", "A", "small", "1431 BZ", "Aalsmeer", "prospect", ""),
    ("Drukkerij Diemen B.V.", "", "C", "micro", "1111 AE", "Diemen", "paused", "quiet_workplace"),
    (
        "Software Studio Noord B.V.",
        "Studio Noord",
        "J",
        "small",
        "1012 RR",
        "Amsterdam",
        "open",
        "home_working flexible_hours quiet_workplace",
    ),
    ("Gemeentelijk Vervoerbedrijf Services B.V.", "", "H", "large", "1055 AA", "Amsterdam", "interested", ""),
    ("Restaurant De Pijp V.O.F.", "", "I", "micro", "1017 ZA", "Amsterdam", "prospect", "part_time_start"),
    (
        "Schoonmaakbedrijf Helder B.V.",
        "",
        "N",
        "medium",
        "1068 AB",
        "Amsterdam",
        "active",
        "fixed_schedule gradual_build_up trial_placement",
    ),
    (
        "Boekhandel Amstelveen B.V.",
        "",
        "G",
        "micro",
        "1181 AA",
        "Amstelveen",
        "open",
        "quiet_workplace part_time_start",
    ),
    ("Fietsenmakerij Oost", "", "G", "micro", "1097 AA", "Amsterdam", "interested", "adjusted_tasks"),
    ("Museum aan de Amstel", "", "R", "medium", "1017 BB", "Amsterdam", "prospect", ""),
    ("Woningcorporatie Stadgenoot Demo", "", "L", "large", "1012 CD", "Amsterdam", "open", "job_coach_welcome buddy"),
    ("Installatiebedrijf Diemen B.V.", "", "F", "small", "1111 BB", "Diemen", "prospect", ""),
    ("ROC Amsterdam Demo", "", "P", "large", "1068 CC", "Amsterdam", "interested", "buddy trial_placement"),
]
AM13 = [
    (
        "Universitair Facilitair Bedrijf Utrecht",
        "",
        "P",
        "large",
        "3584 CS",
        "Utrecht",
        "active",
        "buddy job_coach_welcome",
    ),
    (
        "Koffiebranderij Domstad B.V.",
        "Domkoffie",
        "C",
        "small",
        "3511 AB",
        "Utrecht",
        "ambassador",
        "part_time_start quiet_workplace trial_placement",
    ),
    ("Zorgboerderij De Kromme Rijn", "", "A", "micro", "3991 AA", "Houten", "open", "fixed_schedule adjusted_tasks"),
    ("Distributiecentrum Nieuwegein B.V.", "", "H", "large", "3431 AB", "Nieuwegein", "interested", "fixed_schedule"),
    ("Lunchroom Het Zonnetje", "", "I", "micro", "3521 AA", "Utrecht", "open", "part_time_start buddy"),
    ("ICT Beheer Zeist B.V.", "", "J", "medium", "3701 AA", "Zeist", "prospect", "home_working"),
    ("Kringloop IJsselstein", "", "G", "small", "3401 AA", "IJsselstein", "active", "gradual_build_up trial_placement"),
    ("Bouwbedrijf Vleuten B.V.", "", "F", "medium", "3451 AA", "Vleuten", "prospect", ""),
    ("Gezondheidscentrum Overvecht", "", "Q", "medium", "3563 AA", "Utrecht", "interested", "flexible_hours"),
    ("Fietsverhuur Centraal", "", "N", "micro", "3511 CE", "Utrecht", "paused", ""),
    ("Bibliotheek Utrecht Demo", "", "R", "medium", "3511 BB", "Utrecht", "open", "quiet_workplace"),
    ("Accountantskantoor Maliebaan B.V.", "", "M", "small", "3581 AA", "Utrecht", "prospect", "home_working"),
    ("Tuincentrum Houten B.V.", "", "G", "small", "3991 CC", "Houten", "open", "adjusted_tasks buddy"),
    ("Schoonmaak Midden B.V.", "", "N", "large", "3431 CC", "Nieuwegein", "interested", "fixed_schedule"),
    ("Theater Zeist", "", "R", "small", "3701 CC", "Zeist", "prospect", ""),
    ("Garage Lombok", "", "G", "micro", "3531 AA", "Utrecht", "open", "job_coach_welcome"),
]
ELSEWHERE = [
    ("AM22", "Havenbedrijf Demo Rotterdam B.V.", "H", "large", "3011 AA", "Rotterdam", "open"),
    ("AM21", "Ministerie Catering Demo", "I", "medium", "2511 AA", "Den Haag", "interested"),
    ("AM01", "Suikerfabriek Demo Groningen", "C", "medium", "9711 AA", "Groningen", "active"),
    ("AM05", "Textiel Twente Demo B.V.", "C", "small", "7511 AA", "Enschede", "prospect"),
]
STREETS = ["Kerkstraat", "Dorpsstraat", "Industrieweg", "Stationsplein", "Havenstraat", "Molenweg"]
FIRST = ["Anouk", "Bram", "Chantal", "Daan", "Esra", "Femke", "Gijs", "Hanneke", "Ilse", "Joost", "Khadija", "Lars"]
LAST = ["de Jong", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters"]
FUNCTIONS = ["HR-adviseur", "Directeur", "Teamleider", "Bedrijfsleider", "Recruiter", "Praktijkopleider"]
OPENINGS = [
    ("Medewerker magazijn", 16, 32, "Orderpicken en inpakken; vaste routine."),
    ("Medewerker bediening", 12, 24, "Gasten ontvangen en bedienen; rustige ochtenddiensten mogelijk."),
    ("Medewerker groenonderhoud", 20, 36, "Buiten werken in een vast team."),
    ("Administratief medewerker", 16, 24, "Post, archief en eenvoudige invoer."),
    ("Medewerker schoonmaak", 12, 20, "Vaste ronde, vroege uren."),
    ("Assistent keuken", 16, 28, "Voorbereiden en afwassen."),
]
PATHS = {
    Stage.PROSPECT: [],
    Stage.INTERESTED: [Stage.INTERESTED],
    Stage.OPEN: [Stage.INTERESTED, Stage.OPEN],
    Stage.ACTIVE: [Stage.INTERESTED, Stage.OPEN, Stage.ACTIVE],
    Stage.AMBASSADOR: [Stage.INTERESTED, Stage.OPEN, Stage.ACTIVE, Stage.AMBASSADOR],
    Stage.PAUSED: [Stage.INTERESTED, Stage.PAUSED],
}


def _email(person: str, employer: str) -> str:
    local = person.lower().replace(" ", ".")
    domain = "".join(ch for ch in employer.lower().split(" b.v.")[0] if ch.isalnum())[:24]
    return f"{local}.{domain}@example.nl"


def _add_people_and_openings(rng: random.Random, employer: Employer, by: AuthUser) -> None:
    for _n in range(rng.randint(1, 3)):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        contact_person_create(
            employer=employer,
            by=by,
            name=name,
            function=rng.choice(FUNCTIONS),
            email=_email(name, employer.legal_name),
            phone=f"06-{rng.randint(10000000, 99999999)}",
            language="en" if rng.random() < 0.1 else "nl",
            lawful_basis="Gerechtvaardigd belang: zakelijk contact over inclusief werkgeverschap.",
        )
    if employer.stage in (Stage.OPEN, Stage.ACTIVE, Stage.AMBASSADOR):
        for title, low, high, asks in rng.sample(OPENINGS, rng.randint(1, 2)):
            opening_create(
                employer=employer,
                by=by,
                title=title,
                hours_min=low,
                hours_max=high,
                requirements=asks,
                trial_possible=rng.random() < 0.5,
                state=rng.choice(["open", "open", "open", "filled"]),
                accommodations=list(employer.accommodations.values_list("code", flat=True))[:2],
            )


def _seed_region(rng: random.Random, rows: list[tuple], region: str, owners: list[Any], kvk: list[int]) -> int:
    made = 0
    for legal, trade, sbi, size, postcode, place, stage, accs in rows:
        owner = owners[made % len(owners)]
        kvk[0] += rng.randint(1, 9999)
        employer = employer_create(
            by=owner,
            legal_name=legal,
            trade_name=trade,
            kvk_number=f"{kvk[0]:08d}",
            sbi_section=sbi,
            size_class=size,
            postcode=postcode,
            place=place,
            region=Region.objects.get(code=region),
            address=f"{rng.choice(STREETS)} {rng.randint(1, 200)}",
            source=rng.choice(["own", "guide", "network", "event", "referral"]),
            owner=owner if rng.random() < 0.8 else None,
            accommodations=accs.split(),
            website=f"https://www.{''.join(c for c in legal.lower() if c.isalnum())[:20]}.example.nl",
        )
        for step in PATHS[Stage(stage)]:
            employer = employer_change_stage(employer=employer, by=owner, stage=step)
        _add_people_and_openings(rng, employer, owner)
        made += 1
    return made


def _seed_elsewhere(kvk: list[int]) -> int:
    for region, legal, sbi, size, postcode, place, stage in ELSEWHERE:
        kvk[0] += 7919
        employer = Employer.objects.create(
            legal_name=legal,
            kvk_number=f"{kvk[0]:08d}",
            sbi_section=sbi,
            size_class=size,
            postcode=postcode,
            place=place,
            region_id=region,
            stage=stage,
        )
        StageChange.objects.create(employer=employer, from_stage="", to_stage=stage)
    return len(ELSEWHERE)


@transaction.atomic
def seed(users: dict[str, Any]) -> str:
    rng = random.Random(3)  # noqa: S311 - demo data, not security
    kvk = [30100000]
    am18 = [users[name] for name in ("adviseur", "adviseur2", "coordinator") if name in users]
    am13 = [users[name] for name in ("adviseur-utrecht",) if name in users]
    made = 0
    if am18:
        made += _seed_region(rng, AM18, "AM18", am18, kvk)
    if am13:
        made += _seed_region(rng, AM13, "AM13", am13, kvk)
    made += _seed_elsewhere(kvk)
    return f"{made} employers"
