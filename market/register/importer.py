"""Bulk import of PAs from a CSV file, for services moving off spreadsheets.

Two passes. The first reads and checks every row and collects every problem as
(line, column, message); it writes nothing. The second creates the accounts and profiles in
one write transaction: all of them, or none when any row has a problem (unless the caller
asks for the rows without problems only). A row whose email already belongs to a PA is
skipped, so a second run of the same file creates nothing. Each new PA gets an account they
cannot sign in to yet, and an email inviting them to choose a password.

The columns are documented in docs/register-import.md; ``COLUMNS`` is the list the checks,
the pages and the documentation's test all read.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from market import spreadsheets
from market.accounts import directory as account_directory
from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.dates import add_months
from market.db import write_transaction
from market.errors import Conflict, Invalid
from market.geo import services as geo
from market.mail import services as mail
from market.register import changes as change_log
from market.register import languages
from market.register.import_checks import Lookups, Row, check_row
from market.register.import_rows import (  # noqa: F401 - the public names stay importable from here
    BATCH,
    COLUMNS,
    INVITE_LIFETIME,
    MAX_BYTES,
    MAX_ROWS,
    MODES,
    ImportReport,
    Mode,
    Problem,
    Rejected,
    Skipped,
    decode,
    read_header,
    records,
)
from market.register.schemas import WONT_DO
from market.register.tables import (
    AvailabilitySlot,
    ClientGroup,
    PAClientGroup,
    PAProfile,
    PASkill,
    Skill,
    StatusChange,
)
from market.roles import STAFF_ROLES
from market.settings import Settings


def _chunks(items: Sequence, size: int = BATCH) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def known_codes() -> dict[str, list[dict[str, Any]]]:
    """The skill, client group and will-not-do codes a file may use, for the upload page."""
    return {
        "skills": await Skill.select(Skill.code, Skill.name)
        .where(Skill.active.eq(True))
        .order_by(Skill.position),
        "client_groups": await ClientGroup.select(ClientGroup.code, ClientGroup.name).order_by(
            ClientGroup.position
        ),
        "wont_do": [{"code": code, "name": name} for code, name in WONT_DO.items()],
    }


async def _account_roles(emails: list[str]) -> dict[str, str]:
    """The role of each email's existing account."""
    return {email: user.role for email, user in (await account_directory.users_by_email(emails)).items()}


async def _lookups(rows: list[Row]) -> Lookups:
    lines: dict[str, list[int]] = {}
    for row in rows:
        lines.setdefault(row.email, []).append(row.line)
    skills: dict[str, int] = {}
    for s in await Skill.select(Skill.id, Skill.code, Skill.name).where(Skill.active.eq(True)):
        skills[s["name"].lower()] = skills[s["code"]] = s["id"]
    groups: dict[str, int] = {}
    for g in await ClientGroup.select(ClientGroup.id, ClientGroup.code, ClientGroup.name):
        groups[g["name"].lower()] = groups[g["code"]] = g["id"]
    accounts_by_email = await _account_roles([r.email for r in rows if r.email])
    return Lookups(
        lines=lines,
        skills=skills,
        groups=groups,
        accounts=accounts_by_email,
        languages=await languages.load(),
    )


async def check_file(
    content: bytes, *, file_name: str, mode: Mode, actor: CurrentUser | None = None
) -> tuple[ImportReport, list[Row]]:
    """Read and check every row; write nothing. Returns the report and the rows to create."""
    report = ImportReport(file_name=file_name, mode=mode)
    text = decode(content, report)
    found = records(text, report) if text is not None else None
    if not found:
        return report, []
    (header_line, header), data = found[0], found[1:]
    report.header = header
    if not data:
        report.problems.append(Problem(0, "", "The file has headings but no PAs: add one row for each PA"))
        return report, []
    where = read_header(header_line, header, data, report)
    rows = []
    for line, cells in data:
        values = {
            name: cells[i].strip().replace("\r\n", "\n") if i < len(cells) else ""
            for name, i in where.items()
        }
        row = Row(line, cells, values, email=accounts.normalise_email(values.get("email", "")))
        extra = [c for c in cells[len(header) :] if c.strip()]
        if extra:
            row.problem("", f"This row has {len(cells)} cells but the heading row has {len(header)}")
        rows.append(row)
    report.rows = len(rows)
    lookups = await _lookups(rows)
    to_check = []
    for row in rows:
        if lookups.accounts.get(row.email) == "pa":
            report.skipped.append(Skipped(row.line, row.email))
        else:
            to_check.append(row)
    points = await geo.locate_many([r.values.get("home_postcode", "") for r in to_check])
    for row, point in zip(to_check, points, strict=True):
        check_row(row, point, lookups, actor)
        report.problems.extend(row.problems)
        if row.problems:
            report.rejected.append(
                Rejected(row.line, row.cells, [f"{p.column}: {p.message}" for p in row.problems])
            )
    report.problems.sort(key=lambda p: p.line)  # stable: each row keeps its column order
    valid = [row for row in to_check if not row.problems]
    report.valid = len(valid)
    report.approved = sum(row.parsed["status"] == "approved" for row in valid)
    return report, valid


def _profile(
    row: Row, user_id: int, actor: CurrentUser | None, now: datetime, review_months: int
) -> PAProfile:
    p = row.parsed
    point: geo.GeoPoint = p["point"]
    approved = p["status"] == "approved"
    # The checks let only a staff member import an approved profile.
    assert actor is not None or not approved
    return PAProfile(
        user=user_id,
        status=p["status"],
        display_name=p["display_name"],
        headline=p["headline"],
        home_postcode=point.postcode,
        sector=point.sector,
        district=point.district,
        lat=point.lat,
        lon=point.lon,
        travel_miles=p["travel_miles"],
        driving_licence=p["driving_licence"],
        has_car=p["has_car"],
        car_insurance=p["car_insurance"] if p["has_car"] else None,
        min_rate_pence=p["min_rate_pence"],
        employment=p["employment"],
        right_to_work_declared=p["right_to_work"],
        earliest_start=p["earliest_start"],
        languages=p["languages"],
        wont_do=p["wont_do"],
        year_pattern=p["year_pattern"],
        approved_at=now if approved else None,
        approved_by=actor.id if actor is not None and approved else None,
        review_due_on=add_months(now.date(), review_months) if approved else None,
    )


async def _invite(settings: Settings, user_id: int, email: str, name: str) -> None:
    # An invitation link: the reset page sets the first password with it. Its own purpose, so
    # that a reset request (which revokes older reset links) leaves the invitation working.
    token = await accounts.issue_token(user_id, accounts.INVITE, INVITE_LIFETIME)
    await mail.queue(
        email,
        f"You have been added to the {settings.service_name}",
        f"Hello {name},\n\n"
        f"Our team has added you to the {settings.service_name}, where people looking for a "
        "personal assistant can find you. Choose a password to sign in and check your profile:\n\n"
        f"{settings.base_url}/password/reset/{token}\n\n"
        f"The link works once and expires in {INVITE_LIFETIME.days} days. After that, use "
        f"'Forgot your password?' at {settings.base_url}/password/forgot.\n"
        "If you did not expect this email, please tell us.\n",
        kind="register-invite",
    )


def _audit_detail(report: ImportReport) -> dict[str, Any]:
    return {
        "file": report.file_name[:200],
        "mode": report.mode,
        "imported": report.imported,
        "rows": report.rows,
        "created": report.created,
        "approved": report.approved,
        "skipped": len(report.skipped),
        "rejected": len(report.rejected),
        "problems": len(report.problems),
    }


async def _create(
    rows: list[Row], settings: Settings, actor: CurrentUser | None, report: ImportReport
) -> None:
    now = utcnow()
    async with write_transaction():
        if taken := await _account_roles([r.email for r in rows]):
            raise Conflict(
                f"{len(taken)} of these email addresses got an account while the file was being "
                "checked: nothing was imported. Run the import again."
            )
        for chunk in _chunks(rows):
            user_ids = await accounts.create_invited_accounts(
                [(r.email, r.parsed["full_name"]) for r in chunk], role="pa", verified_at=now
            )
            profiles = await PAProfile.insert(
                *[_profile(r, user_ids[r.email], actor, now, settings.review_months) for r in chunk]
            ).returning(PAProfile.id, PAProfile.user)
            profile_ids = {p["user"]: p["id"] for p in profiles}
            await change_log.touch(*profile_ids.values())
            skills, groups, slots, changes = [], [], [], []
            for r in chunk:
                pid = profile_ids[user_ids[r.email]]
                skills += [PASkill(profile=pid, skill=s, years=y) for s, y in r.parsed["skills"].items()]
                groups += [PAClientGroup(profile=pid, group=g) for g in r.parsed["client_groups"]]
                slots += [
                    AvailabilitySlot(profile=pid, start_minute=s.start, end_minute=s.end)
                    for s in r.parsed["slots"]
                ]
                if r.parsed["status"] == "approved":
                    assert actor is not None  # the checks let only staff import approved profiles
                    changes.append(
                        StatusChange(
                            profile=pid,
                            from_status="draft",
                            to_status="approved",
                            reason=f"Imported as approved from {report.file_name[:200]}",
                            changed_by=actor.id,
                        )
                    )
            for table, new in ((PASkill, skills), (PAClientGroup, groups), (AvailabilitySlot, slots)):
                for part in _chunks(new, 500):
                    await table.insert(*part)
            if changes:
                await StatusChange.insert(*changes)
            for r in chunk:
                await _invite(settings, user_ids[r.email], r.email, r.parsed["full_name"])
        report.created = len(rows)
        report.approved = sum(r.parsed["status"] == "approved" for r in rows)
        await audit.record("register.import", actor=actor, detail=_audit_detail(report))


async def import_csv(
    content: bytes,
    *,
    file_name: str,
    settings: Settings,
    actor: CurrentUser | None = None,
    mode: Mode = "all",
) -> ImportReport:
    """Check every row; then, unless only checking, import all (or only the valid) rows at once.

    Modes: "check" writes nothing; "all" imports nothing unless every row is right;
    "valid_only" imports the rows without problems. A problem with the file or its heading
    row stops every mode. ``actor`` (a staff account) is needed to import approved profiles.
    Every run is audit-logged, with its counts and the file's name.
    """
    if mode not in MODES:
        raise Invalid({"mode": "Select whether to check the file or import it"})
    report, valid = await check_file(content, file_name=file_name, mode=mode, actor=actor)
    report.imported = (
        mode != "check" and not report.file_problems and (mode == "valid_only" or not report.problems)
    )
    if not (report.imported and valid):
        async with write_transaction():
            await audit.record("register.import", actor=actor, detail=_audit_detail(report))
        return report
    try:
        await _create(valid, settings, actor, report)
    except (asyncpg.UniqueViolationError, sqlite3.IntegrityError):
        raise Conflict(
            "Someone else added one of these PAs at the same moment: nothing was imported. Run it again."
        ) from None
    return report


def rejects_csv(report: ImportReport) -> str:
    """The rejected rows as they were, with their line number and problems: fix and import it.

    Write it with a byte-order mark (encoding "utf-8-sig") so that Excel reads it as UTF-8.
    Cells a spreadsheet would run as formulas are quoted (market.spreadsheets); the import
    takes the quote off again, so the fixed file loads the values as they were."""
    out = io.StringIO()
    writer = spreadsheets.csv_writer(out, lineterminator="\r\n")
    writer.writerow([*report.header, "line", "problems"])
    width = len(report.header)
    for rejected in report.rejected:
        cells = (rejected.cells + [""] * width)[:width]
        writer.writerow([*cells, rejected.line, "; ".join(rejected.problems)])
    return out.getvalue()


async def staff_actor(email: str) -> CurrentUser:
    """The staff account named on the command line as doing the import."""
    user = await account_directory.user_by_email(email)
    if user and user.is_active and user.role in STAFF_ROLES:
        return CurrentUser(id=user.id, email=user.email, role=user.role, display_name=user.display_name)
    raise Invalid({"by": f"{email} is not an active staff or admin account"})
