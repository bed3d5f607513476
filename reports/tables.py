"""Figures -> tables (for screen readers and CSV) and charts (SVG), one place for both."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from employers.models import Channel, Stage
from reports.charts import Series, bar_chart, column_chart, progress_bar
from reports.records import EventFigures, IpsFigures, NationalFigures, RegionFigures
from reports.regionmap import region_map


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    summary: str = ""  # one sentence above the table, for the figure people act on


def _month_label(key: str) -> str:
    return key[5:] + "/" + key[2:4]


def region_tables(figures: RegionFigures) -> list[Table]:
    network = figures.network
    return [
        Table(
            "stages",
            _("Employers per network stage"),
            [_("Stage"), _("Employers now"), _("Change this quarter")],
            [[str(Stage(s).label), n, network.quarter_change[s]] for s, n in network.stages.items()],
        ),
        Table(
            "new-open",
            _("New employers open to our candidates, per month"),
            [_("Month"), _("New open employers")],
            [[m.month, m.count] for m in network.new_open_per_month],
        ),
        _contact_table(figures),
        *ips_tables(figures.ips),
        _events_table(figures),
        conversions_table(figures.events),
        _placements_table(figures),
    ]


def _events_rows(events: EventFigures) -> list[list[Any]]:
    return [
        [_("Sessions held"), events.held],
        [_("Invited"), events.invited],
        [_("Answered yes"), events.yes],
        [_("Attended"), events.attended],
        [_("Employers that attended"), events.employers_attended],
        [_("Of those, moved stage within 90 days"), events.moved_within_90_days],
    ]


def _events_table(figures: RegionFigures) -> Table:
    return Table(
        "events", _("Knowledge sessions in the period"), [_("Figure"), _("Number")], _events_rows(figures.events)
    )


def conversions_table(events: EventFigures) -> Table:
    """Per held session: attendances and the one-click wishes from the thank-you mail."""
    return Table(
        "conversions",
        _("Post-event conversions per session"),
        [_("Date"), _("Session"), _("Attended"), _("Asked to be contacted"), _("Asked about a candidate"),
         _("Conversions")],
        [
            [formats.date_format(timezone.localtime(s.starts_at), "SHORT_DATE_FORMAT"), s.title, s.attended,
             s.wish_contact, s.wish_candidate, s.conversions]
            for s in events.sessions
        ],
        summary=_("%(n)s of %(attended)s attendances asked for contact or a candidate after the session.")
        % {"n": events.conversions, "attended": events.attended},
    )  # fmt: skip


def _placements_table(figures: RegionFigures) -> Table:
    p = figures.placements
    return Table(
        "placements",
        _("Durable placements in %(year)s against the target of %(target)s") % {"year": p.year, "target": p.target},
        [_("Figure"), _("Number")],
        summary=_(
            "%(n)s led durably into work this year; on pace it would be %(expected)s by today. "
            "Still %(remaining)s to go: %(per_month)s a month for the rest of the year."
        )
        % {
            "n": p.this_year,
            "expected": p.expected_by_now,
            "remaining": p.remaining,
            "per_month": number_format(p.needed_per_month, 1),
        },
        rows=[
            [_("Durable this year (6-month mark this year, still working)"), p.this_year],
            [_("Unknown: mark passed this year, check not answered (not counted)"), p.unknown_this_year],
            [_("On pace, expected by today"), p.expected_by_now],
            [_("Still to reach this year"), p.remaining],
            [_("Needed per month for the rest of the year"), p.needed_per_month],
            [_("Placements started this year"), p.started_this_year],
            [_("Placements running, before their mark"), p.running],
            [_("Placements started this year that ended before their mark"), p.ended_early],
            [_("Trajectories started this year"), p.trajectories_started],
            [_("Of those, ended in durable work (target %(target)s %%)") % {"target": p.durable_share_target},
             f"{p.trajectories_durable} ({number_format(p.durable_share, 1)} %)"],
            *[[_("%(method)s: durable this year / trajectories started") % {"method": m.label},
               f"{m.durable} / {m.trajectories_started}"] for m in p.by_method],
            [_("Placements started in the period"), p.in_period],
            [_("Still working after 6 months (checked yes / checked / due in period)"),
             f"{p.durable_6m} / {p.checked_6m} / {p.due_6m}"],
            [_("Still working after 12 months (checked yes / checked / due in period)"),
             f"{p.durable_12m} / {p.checked_12m} / {p.due_12m}"],
        ],
    )  # fmt: skip


def _contact_table(figures: RegionFigures) -> Table:
    channels = list(Channel)
    return Table(
        "contacts",
        _("Contacts with employers per month, by channel"),
        [_("Month"), *[str(c.label) for c in channels], _("Total")],
        [
            [m.month, *[m.per_channel[c.value] for c in channels], sum(m.per_channel[c.value] for c in channels)]
            for m in figures.contacts.per_month
        ],
    )


def ips_tables(ips: IpsFigures) -> list[Table]:
    """The IPS tables of the team view (the region dashboard) and of a guide's own view."""
    return [_ips_table(ips), _ips_fidelity_table(ips), ips_contacts_table(ips)]


def _ips_table(ips: IpsFigures) -> Table:
    return Table(
        "ips",
        _("Face-to-face employer contacts per guide per week (target %(target)s)") % {"target": ips.target},
        [_("Guide"), *[f"{_('wk')} {w[5:]}" for w in ips.weeks], _("Weeks on target")],
        [[g.name, *g.per_week, g.weeks_on_target] for g in ips.guides],
    )


def _ips_fidelity_table(ips: IpsFigures) -> Table:
    return Table(
        "ips-fidelity",
        _("IPS fidelity per guide"),
        [
            _("Guide"),
            _("Caseload (norm: at most %(norm)s)") % {"norm": ips.caseload_norm},
            _("Jobs started this quarter"),
            _("Employers placed with"),
            _("Sectors placed with"),
        ],
        [[g.name, g.caseload, g.jobs_this_quarter, g.employers_placed_with, g.sectors_placed_with] for g in ips.guides],
        summary=_(
            "Caseload counts candidates in an open trajectory; IPS asks at most %(norm)s per guide, and diverse "
            "employers and sectors."
        )
        % {"norm": ips.caseload_norm},
    )


def _days(value: float | None) -> str:
    return "–" if value is None else number_format(value, 1)


def ips_contacts_table(ips: IpsFigures) -> Table:
    """Employer contacts per guide in the last 12 weeks, and the first contact per trajectory."""
    norm = ips.first_contact_norm_days
    return Table(
        "ips-contacts",
        _("IPS employer contacts per guide, last 12 weeks"),
        [
            _("Guide"),
            _("Employer contacts (per visit)"),
            _("Face to face (norm: %(target)s a week)") % {"target": ips.target},
            _("For a specific candidate"),
            _("General job development"),
            _("First contact within %(norm)s days (norm)") % {"norm": norm},
            _("First contact later, or none after %(norm)s days") % {"norm": norm},
            _("No contact yet, within %(norm)s days") % {"norm": norm},
            _("Median days to first contact"),
        ],
        [
            [
                g.name,
                g.contacts,
                f"{g.contacts_in_person} ({number_format(g.in_person_share, 1)} %)",
                f"{g.contacts_for_candidate} ({number_format(g.for_candidate_share, 1)} %)",
                g.contacts_general,
                g.first_contact_on_time,
                g.first_contact_late,
                g.first_contact_waiting,
                _days(g.first_contact_median_days),
            ]
            for g in ips.guides
        ],
        summary=_(
            "IPS asks for %(target)s face-to-face employer contacts a week, both for specific candidates and "
            "for general job development, and a first employer contact for each candidate within %(norm)s days "
            "of the trajectory's start (trajectories started in the last 12 months). A contact counts for a "
            "candidate when the guide linked it to the candidate: on the candidate's page, from their own "
            "contacts or through the API."
        )
        % {"target": ips.target, "norm": norm},
    )


def region_charts(figures: RegionFigures) -> dict[str, SafeString]:
    network = figures.network
    contacts = figures.contacts.per_month
    ips = figures.ips
    return {
        "contacts": column_chart(
            _("Contacts with employers per month, by channel"),
            [_month_label(m.month) for m in contacts],
            [Series(str(c.label), [m.per_channel[c.value] for m in contacts]) for c in Channel],
        ),
        "ips": bar_chart(
            _("Average face-to-face employer contacts per week, last 12 weeks, per guide"),
            [g.name for g in ips.guides],
            [g.average for g in ips.guides],
            target=ips.target,
        ),
        "stages": bar_chart(
            _("Employers per network stage"),
            [str(Stage(s).label) for s in network.stages],
            list(network.stages.values()),
        ),
        "events": bar_chart(
            _("Knowledge sessions in the period: from invitation to a stage moved"),
            [str(row[0]) for row in _events_rows(figures.events)],
            [row[1] for row in _events_rows(figures.events)],
        ),
        "placements": progress_bar(
            _("Placements this year: %(n)s of %(target)s")
            % {"n": figures.placements.this_year, "target": figures.placements.target},
            figures.placements.this_year,
            figures.placements.target,
        ),
        "new-open": column_chart(
            _("New employers open to our candidates, per month"),
            [_month_label(m.month) for m in network.new_open_per_month],
            [Series(_("New open employers"), [m.count for m in network.new_open_per_month])],
        ),
    }


NATIONAL_COLUMNS = [
    ("code", lambda: _("Region code")),
    ("name", lambda: _("Region")),
    ("employers", lambda: _("Employers")),
    ("open_or_further", lambda: _("Open, active or ambassador")),
    ("new_open", lambda: _("New open in period")),
    ("contacts", lambda: _("Contacts in period")),
    ("events_held", lambda: _("Sessions held in period")),
    ("event_attendances", lambda: _("Session attendances in period")),
    ("event_conversions", lambda: _("Post-event conversions in period")),
    ("placements_this_year", lambda: _("Durable placements this year")),
    ("placements_target", lambda: _("Target this year")),
    ("placements_in_period", lambda: _("Placements in period")),
    ("durable_6m", lambda: _("Still working after 6 months")),
    ("trajectories_started", lambda: _("Trajectories started this year")),
    ("trajectories_durable", lambda: _("Trajectories ended durable")),
]


def national_table(figures: NationalFigures, *, sort: str = "code") -> Table:
    keys = [key for key, _label in NATIONAL_COLUMNS]
    descending = sort.startswith("-")
    sort_key = sort.lstrip("-") if sort.lstrip("-") in keys else "code"
    rows = sorted(figures.regions, key=lambda r: getattr(r, sort_key), reverse=descending)
    return Table(
        "national",
        _("Key figures per region"),
        [label() for _key, label in NATIONAL_COLUMNS],
        [[getattr(row, key) for key in keys] for row in rows],
        summary=_(
            "Nationally %(durable)s led durably into work this year; %(started)s trajectories started "
            "(covenant: %(target)s), %(share)s %% of them ended durable (covenant: %(share_target)s %%)."
        )
        % {
            "durable": figures.durable_this_year,
            "started": figures.trajectories_started,
            "target": number_format(figures.trajectories_target, 0, force_grouping=True),
            "share": number_format(figures.durable_share, 1),
            "share_target": figures.durable_share_target,
        },
    )


def national_chart(figures: NationalFigures) -> SafeString:
    rows = figures.regions
    return bar_chart(
        _("Durable placements this year per region against the target of %(target)s")
        % {"target": figures.placements_target},
        [row.name for row in rows],
        [row.placements_this_year for row in rows],
        target=figures.placements_target,
    )


def national_map(figures: NationalFigures) -> SafeString:
    """The 35 regions coloured by durable placements this year against each region's target;
    each region links to its row in the table beside the map."""
    return region_map(
        [(row.code, row.placements_this_year, row.placements_target, f"#row-{row.code}") for row in figures.regions],
        title=_("Map: durable placements this year against each region's target"),
    )
