"""The two lists behind the figures, for people allowed to see names:

- the register listing (staff): every PA on the register at the period's end, with their
  district, skills, client groups, qualifications and the training current at that end;
- the people supported (admins only, each download audit-logged by the page): name, date of
  birth, gender, disability, ethnic group, postcode and the number of contacts in the period.

A contact is a day in the period on which the service recorded something for the person or
one of their needs in the audit log (a need posted or changed, a referral contact, an
interview booked, ...): the log is the record of the service's work with them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from market.audit.tables import AuditEvent
from market.clock import london_date
from market.matching.needs.schemas import AGE_GROUPS, DISABILITY, ETHNICITY, GENDERS
from market.matching.tables import Need
from market.register.tables import PAClientGroup, PASkill, Qualification
from market.reports.people_figures import CHUNK, people_supported, recipients
from market.reports.periods import Period
from market.reports.register_figures import on_register_cte, raw
from market.training.tables import Completion

Table = tuple[list[str], list[list[Any]]]


async def _chunked(ids: list[int], query: Callable[[list[int]], Any]) -> list[dict[str, Any]]:
    """Run ``query`` for a few thousand ids at a time (a query may carry at most 32,767
    parameters on PostgreSQL, and the register may hold 100,000 PAs)."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(ids), CHUNK):
        found += await query(ids[start : start + CHUNK])
    return found


def _joined(values: list[str]) -> str:
    return "; ".join(values)


async def register_listing(period: Period) -> Table:
    _, after = period.bounds()
    people = await raw(
        on_register_cte() + "SELECT p.id, p.display_name, p.district FROM register_pa_profile p"
        " JOIN on_register o ON o.profile = p.id ORDER BY p.display_name, p.id",
        after,
        after,
    )
    ids = [p["id"] for p in people]
    skills: dict[int, list[str]] = defaultdict(list)
    for row in await _chunked(
        ids,
        lambda chunk: PASkill.select(
            PASkill.profile, PASkill.skill.name.as_alias("name"), PASkill.years
        ).where(PASkill.profile.is_in(chunk)),
    ):
        skills[row["profile"]].append(
            f"{row['name']} ({row['years']} years)" if row["years"] else row["name"]
        )
    groups: dict[int, list[str]] = defaultdict(list)
    for row in await _chunked(
        ids,
        lambda chunk: PAClientGroup.select(
            PAClientGroup.profile, PAClientGroup.group.name.as_alias("name")
        ).where(PAClientGroup.profile.is_in(chunk)),
    ):
        groups[row["profile"]].append(row["name"])
    qualifications: dict[int, list[str]] = defaultdict(list)
    for row in await _chunked(
        ids, lambda chunk: Qualification.select().where(Qualification.profile.is_in(chunk))
    ):
        if row["achieved_on"] is None or row["achieved_on"] <= period.end:
            name = row["title"] or row["kind"].replace("_", " ").capitalize()
            when = f" ({row['achieved_on']:%m/%Y})" if row["achieved_on"] else ""
            qualifications[row["profile"]].append(name + when + (" verified" if row["verified_at"] else ""))
    # Per PA and course, the completion current at the period's end that lasts longest
    # (None: it does not expire).
    training: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in await _chunked(
        ids,
        lambda chunk: Completion.select(
            Completion.profile,
            Completion.course.name.as_alias("name"),
            Completion.completed_on,
            Completion.expires_on,
        ).where(Completion.profile.is_in(chunk), Completion.completed_on <= period.end),
    ):
        until = row["expires_on"]
        if until is not None and until <= period.end:
            continue  # no longer current at the period's end
        held = training[row["profile"]]
        if row["name"] not in held or (
            held[row["name"]] is not None and (until is None or until > held[row["name"]])
        ):
            held[row["name"]] = until
    headings = ["PA id", "Name", "District", "Skills", "Client groups", "Qualifications", "Current training"]
    rows = [
        [
            p["id"],
            p["display_name"],
            p["district"],
            _joined(skills[p["id"]]),
            _joined(groups[p["id"]]),
            _joined(qualifications[p["id"]]),
            _joined(
                [
                    f"{name} (until {until:%d/%m/%Y})" if until else name
                    for name, until in sorted(training[p["id"]].items())
                ]
            ),
        ]
        for p in people
    ]
    return headings, rows


async def people_supported_list(period: Period) -> Table:
    ids = await people_supported(period)
    people = sorted(await recipients(ids), key=lambda p: (p["display_name"], p["id"]))
    supported = set(ids)
    owner = {
        str(n["id"]): n["recipient"]
        for n in await Need.select(Need.id, Need.recipient)
        if n["recipient"] in supported
    }
    first, after = period.bounds()
    days: dict[int, set] = defaultdict(set)
    for event in await AuditEvent.select(AuditEvent.subject_type, AuditEvent.subject_id, AuditEvent.at).where(
        AuditEvent.at >= first,
        AuditEvent.at < after,
        AuditEvent.subject_type.is_in(["recipient", "need"]),
    ):
        person = (
            int(event["subject_id"])
            if event["subject_type"] == "recipient" and str(event["subject_id"]).isdigit()
            else owner.get(str(event["subject_id"]))
        )
        if person is not None:
            days[person].add(london_date(event["at"]))
    headings = [
        "Name",
        "Date of birth",
        "Age group",
        "Gender",
        "Disability",
        "Ethnic group",
        "Postcode",
        "Contacts",
    ]
    rows = [
        [
            p["display_name"],
            p["birth_date"],
            AGE_GROUPS.get(p["age_group"], p["age_group"]),
            GENDERS.get(p["gender"], p["gender"]),
            DISABILITY.get(p["disability"], p["disability"]),
            ETHNICITY.get(p["ethnicity"], p["ethnicity"]),
            p["postcode"],
            len(days[p["id"]]),
        ]
        for p in people
    ]
    return headings, rows
