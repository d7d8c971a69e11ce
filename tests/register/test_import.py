"""Bulk import of PAs from CSV: every problem by line and column, nothing half-way, no duplicates."""

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from market.accounts import services as accounts
from market.accounts.passwords import verify_password
from market.accounts.schemas import CurrentUser, NewUserInput, PasswordResetInput
from market.accounts.tables import User
from market.audit.tables import AuditEvent
from market.errors import Conflict
from market.mail.tables import OutboxEmail
from market.register import importer
from market.register.tables import (
    AvailabilitySlot,
    ClientGroup,
    PAClientGroup,
    PAProfile,
    PASkill,
    Skill,
    StatusChange,
)
from tests.conftest import SECRET
from tests.support import PASSWORD, PRODUCTION_CONTACT, csrf_token

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "register-import-example.csv"
GUIDE = ROOT / "docs" / "register-import.md"

BAD = (
    "email,full_name,home_postcode,travel_miles,skills,min_hourly_rate,availability,available_from\n"
    "good@example.org,Good Person,PE1 1AB,10,personal_care,12.50,Mon 09:00-17:00,2026-03-01\n"
    "bad.postcode@example.org,Bad Postcode,hello,10,,,,\n"
    "unknown.postcode@example.org,Unknown Postcode,AB1 1AA,10,,,,\n"
    "skill@example.org,Skill Problem,PE1 1AB,10,juggling;hoist:lots,,,\n"
    "date@example.org,Date Problem,PE1 1AB,10,,,,31/02/2026\n"
    "dupe@example.org,Dupe One,PE1 1AB,10,,,,\n"
    "DUPE@example.org,Dupe Two,PE1 1AB,10,,,,\n"
    "staff@example.org,Staff Email,PE1 1AB,10,,,,\n"
    "rate@example.org,Rate Problem,PE1 1AB,10,,twelve,,\n"
    "slots@example.org,Slot Problem,PE1 1AB,10,,,Funday 09:00-17:00;Mon 09:00-17:00;Mon 12:00-13:00,\n"
    "many@example.org,,PE1 1AB,500,,,,\n"
    "also.good@example.org,Also Good,PE2 5RL,5,,,Sat 22:00-07:00,\n"
)
BAD_CELLS = [
    (3, "home_postcode"),
    (4, "home_postcode"),
    (5, "skills"),
    (5, "skills"),
    (6, "available_from"),
    (7, "email"),
    (8, "email"),
    (9, "email"),
    (10, "min_hourly_rate"),
    (11, "availability"),
    (11, "availability"),
    (12, "full_name"),
    (12, "travel_miles"),
]


async def staff_actor(email: str = "staff@example.org") -> CurrentUser:
    user = await accounts.create_user(
        NewUserInput(email=email, display_name="Sam Staff", role="staff", password=PASSWORD)
    )
    return CurrentUser(id=user.id, email=user.email, role=user.role, display_name=user.display_name)


def as_json(value):
    return json.loads(value) if isinstance(value, str) else value


async def counts() -> tuple[int, ...]:
    return (
        await User.count(),
        await PAProfile.count(),
        await PASkill.count(),
        await AvailabilitySlot.count(),
        await OutboxEmail.count(),
    )


async def run(settings, content: str | bytes, *, actor=None, mode="all", name="pas.csv"):
    data = content.encode() if isinstance(content, str) else content
    return await importer.import_csv(data, file_name=name, settings=settings, actor=actor, mode=mode)


async def test_the_example_file_imports_cleanly(database):
    staff = await staff_actor()
    report = await run(database, EXAMPLE.read_bytes(), actor=staff, name="example.csv")
    assert report.problems == [] and report.imported
    assert (report.rows, report.created, report.approved, report.skipped) == (5, 5, 2, [])

    tom = await User.select().where(User.email == "tomasz.nowak@example.org").first()
    assert tom["role"] == "pa" and tom["verified_at"] is not None and tom["display_name"] == "Tomasz Nowak"
    assert not verify_password(tom["password_hash"], "")  # nobody can sign in until they choose one
    profile = await PAProfile.select().where(PAProfile.user == tom["id"]).first()
    assert (profile["status"], profile["display_name"], profile["home_postcode"], profile["district"]) == (
        "approved",
        "Tom",
        "PE2 5RL",
        "PE2",
    )
    assert (profile["travel_miles"], profile["min_rate_pence"], profile["employment"]) == (
        15,
        1300,
        "employed",
    )
    assert profile["driving_licence"] is True and profile["has_car"] is False
    assert profile["right_to_work_declared"] is True and profile["earliest_start"] == date(2026, 4, 1)
    assert profile["approved_by"] == staff.id and profile["approved_at"] is not None
    due = profile["review_due_on"]
    assert (due - profile["approved_at"].date()).days in range(365, 367)
    assert as_json(profile["languages"]) == ["english", "polish"]
    skills = await PASkill.select(PASkill.skill.code, PASkill.years).where(PASkill.profile == profile["id"])
    assert {s["skill.code"]: s["years"] for s in skills} == {
        "personal_care": 3,
        "sleeping_nights": 2,
        "waking_nights": 1,
    }
    groups = await PAClientGroup.select(PAClientGroup.group.code).where(
        PAClientGroup.profile == profile["id"]
    )
    assert {g["group.code"] for g in groups} == {"learning_disability", "autism"}
    slots = await AvailabilitySlot.select().where(AvailabilitySlot.profile == profile["id"])
    # Saturday 22:00 to Sunday 07:00 is one overnight slot; Sunday night wraps into Monday.
    assert sorted((s["start_minute"], s["end_minute"]) for s in slots) == [
        (5 * 1440 + 22 * 60, 6 * 1440 + 7 * 60),
        (6 * 1440 + 22 * 60, 7 * 60),
    ]
    amina = await PAProfile.select().where(PAProfile.home_postcode == "PE3 6AA").first()
    assert amina["status"] == "draft" and amina["display_name"] == "Amina" and amina["approved_at"] is None
    siobhan = await PAProfile.select().where(PAProfile.home_postcode == "PE4 7BS").first()
    assert siobhan["headline"] == 'Nurse-trained PA: "complex" health needs, PEG feeding and epilepsy'
    assert await StatusChange.count().where(StatusChange.to_status == "approved") == 2

    invites = await OutboxEmail.select().where(OutboxEmail.kind == "register-invite")
    assert sorted(m["to_address"] for m in invites) == sorted(
        row[0] for row in list(csv.reader(EXAMPLE.open(encoding="utf-8")))[1:]
    )
    # The invitation's link lets the PA choose a password and sign in.
    body = next(m["body_text"] for m in invites if m["to_address"] == "tomasz.nowak@example.org")
    token = re.search(r"/password/reset/(\S+)", body).group(1)
    await accounts.reset_password(PasswordResetInput(token=token, password="a brand new password"), database)
    tom = await User.select().where(User.id == tom["id"]).first()
    assert verify_password(tom["password_hash"], "a brand new password")

    event = await AuditEvent.select().where(AuditEvent.action == "register.import").first()
    assert event["actor_id"] == staff.id
    detail = as_json(event["detail"])
    assert (detail["file"], detail["created"], detail["approved"], detail["imported"]) == (
        "example.csv",
        5,
        2,
        True,
    )


async def test_every_problem_is_reported_by_line_and_column_and_nothing_is_created(database):
    staff = await staff_actor()
    before = await counts()
    report = await run(database, BAD, actor=staff)
    assert [(p.line, p.column) for p in report.problems] == BAD_CELLS
    messages = {(p.line, p.column): p.message for p in report.problems}
    assert messages[(3, "home_postcode")] == "“hello” is not a real postcode: write it like PE1 1AB"
    assert messages[(4, "home_postcode")] == "We couldn't find the postcode “AB1 1AA”"
    assert [p.message for p in report.problems if p.line == 5] == [
        "Unknown skill “juggling”: use a code from the import guide",
        "“hoist:lots”: years must be a whole number from 0 to 60",
    ]
    assert "“31/02/2026” is not a real date" in messages[(6, "available_from")]
    assert "also on line 8" in messages[(7, "email")] and "also on line 7" in messages[(8, "email")]
    assert messages[(9, "email")] == "staff@example.org already belongs to a staff account"
    assert "“twelve” is not an amount in pounds and pence" in messages[(10, "min_hourly_rate")]
    assert [p.message for p in report.problems if p.line == 11] == [
        "“Funday 09:00-17:00”: the day must be one of Mon, Tue, Wed, Thu, Fri, Sat, Sun",
        "“Mon 12:00-13:00” overlaps “Mon 09:00-17:00”",
    ]
    assert "from 1 to 100" in messages[(12, "travel_miles")]
    assert (
        str(report.problems[0])
        == "line 3, column home_postcode: “hello” is not a real postcode: write it like PE1 1AB"
    )
    assert not report.imported and report.created == 0 and report.valid == 2
    assert [r.line for r in report.rejected] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert await counts() == before


LANGUAGES = (
    "email,full_name,home_postcode,travel_miles,languages\n"
    "one@example.org,One Person,PE1 1AB,10,English;Punjabi;bsl\n"
    "two@example.org,Two Person,PE1 1AB,10,Polski;Klingon\n"
    "three@example.org,Three Person,PE1 1AB,10,Gujerati\n"
    "four@example.org,Four Person,PE1 1AB,10,Elvish;Mandarin;Dothraki\n"
)


async def test_languages_are_taken_by_name_or_alias_and_unknown_ones_reported_by_line(database):
    staff = await staff_actor()
    before = await counts()
    report = await run(database, LANGUAGES, actor=staff)
    assert [(p.line, p.column, p.message) for p in report.problems] == [
        (
            3,
            "languages",
            "We do not recognise ‘Klingon’ as a language. Check the spelling or choose one from the list",
        ),
        (
            5,
            "languages",
            "We do not recognise ‘Elvish’ as a language. Check the spelling or choose one from the list",
        ),
        (
            5,
            "languages",
            "We do not recognise ‘Dothraki’ as a language. Check the spelling or choose one from the list",
        ),
    ]
    assert not report.imported and await counts() == before
    fixed = LANGUAGES.replace("Polski;Klingon", "Polski").replace("Elvish;Mandarin;Dothraki", "Mandarin")
    report = await run(database, fixed, actor=staff)
    assert report.problems == [] and report.imported
    spoken = {
        u["email"]: as_json(p["languages"])
        for u in await User.select(User.id, User.email)
        for p in await PAProfile.select(PAProfile.languages).where(PAProfile.user == u["id"])
    }
    assert spoken == {
        "one@example.org": ["english", "panjabi", "british_sign_language"],
        "two@example.org": ["polish"],
        "three@example.org": ["gujarati"],
        "four@example.org": ["mandarin_chinese"],
    }


async def test_check_only_reports_without_creating(database):
    staff = await staff_actor()
    before = await counts()
    report = await run(database, EXAMPLE.read_bytes(), actor=staff, mode="check")
    assert report.ok and report.valid == 5 and report.approved == 2 and not report.imported
    assert await counts() == before
    event = await AuditEvent.select().where(AuditEvent.action == "register.import").first()
    assert as_json(event["detail"])["mode"] == "check"


async def test_heading_problems_are_on_line_one_and_rows_are_still_checked(database):
    content = (
        "E-mail,Full Name,postcode,travel_miles,travel_miles,,skils\nx@example.org,X,PE1 1AB,10,10,,hoist\n"
    )
    report = await run(database, content, mode="valid_only")
    assert [(p.line, p.column, p.message) for p in report.problems] == [
        (1, "E-mail", "Unknown column “E-mail”: did you mean email?"),
        (1, "postcode", "Unknown column “postcode”: did you mean home_postcode?"),
        (1, "travel_miles", "This column appears more than once"),
        (1, "skils", "Unknown column “skils”: did you mean skills?"),
        (1, "email", "Add the required column email"),
        (1, "home_postcode", "Add the required column home_postcode"),
        (2, "email", "Enter the PA's email address"),
        (2, "home_postcode", "Enter the PA's home postcode"),
    ]
    # A heading problem stops even a valid-only import.
    assert not report.imported and await User.count() == 0


async def test_valid_only_imports_the_good_rows_and_gives_back_the_rest(database):
    staff = await staff_actor()
    report = await run(database, BAD, actor=staff, mode="valid_only")
    assert report.imported and report.created == 2
    assert {r["email"] for r in await User.select(User.email).where(User.role == "pa")} == {
        "good@example.org",
        "also.good@example.org",
    }
    rejects = list(csv.reader(io.StringIO(importer.rejects_csv(report))))
    header = BAD.splitlines()[0].split(",")
    assert rejects[0] == [*header, "line", "problems"]
    assert [row[-2] for row in rejects[1:]] == ["3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]
    assert rejects[1][:4] == ["bad.postcode@example.org", "Bad Postcode", "hello", "10"]
    assert rejects[1][-1] == "home_postcode: “hello” is not a real postcode: write it like PE1 1AB"
    assert rejects[3][-1].count(";") >= 1 and "skills: Unknown skill “juggling”" in rejects[3][-1]
    # The rejects file, fixed, can be imported as it is: its extra columns are ignored.
    fixed = importer.rejects_csv(report).replace(",hello,", ",PE1 1AB,")
    again = await run(database, fixed, actor=staff, mode="check")
    assert not any(p.line == 1 for p in again.problems)
    assert 2 not in {p.line for p in again.problems}  # the fixed postcode row is fine now


async def test_the_rejects_file_is_safe_in_a_spreadsheet_and_imports_as_it_was(database):
    """Cells that a spreadsheet would run as formulas are quoted in the rejects file; the
    import takes the quote off, so the fixed file loads the values as they were typed."""
    staff = await staff_actor()
    names = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)"]
    content = "email,full_name,display_name,home_postcode,travel_miles\n" + "".join(
        f'f{n}@example.org,Formula Person,"{name.replace(chr(34), chr(34) * 2)}",hello,10\n'
        for n, name in enumerate(names)
    )
    report = await run(database, content, actor=staff, mode="check")
    rejects = importer.rejects_csv(report)
    assert [row[2] for row in csv.reader(io.StringIO(rejects))][1:] == ["'" + name for name in names]
    fixed = rejects.replace(",hello,", ",PE1 1AB,")
    again = await run(database, fixed, actor=staff, mode="all")
    assert again.ok and again.created == len(names)
    shown = {r["display_name"] for r in await PAProfile.select(PAProfile.display_name)}
    assert shown == set(names)


async def test_a_second_run_creates_no_duplicates_and_reports_the_skipped_rows(database):
    staff = await staff_actor()
    await run(database, EXAMPLE.read_bytes(), actor=staff)
    after_first = await counts()
    second = await run(database, EXAMPLE.read_bytes(), actor=staff)
    assert second.ok and second.imported and second.created == 0
    assert [(s.line, s.email) for s in second.skipped] == [
        (2, "joanne.smith@example.org"),
        (3, "tomasz.nowak@example.org"),
        (4, "amina.begum@example.org"),
        (5, "siobhan.obrien@example.org"),
        (6, "david.okafor@example.org"),
    ]
    assert await counts() == after_first
    # A file with one new PA beside the old ones adds just that one.
    more = EXAMPLE.read_text(encoding="utf-8") + "new.pa@example.org,New Person,,PE6 0AA,8,,,,,,,,,,,,\r\n"
    third = await run(database, more, actor=staff)
    assert third.created == 1 and len(third.skipped) == 5
    assert await PAProfile.count() == after_first[1] + 1


async def test_excel_files_bom_quoting_blank_lines_and_line_numbers(database):
    content = (
        "\ufeffEmail,Full Name,Home Postcode,Travel Miles,Headline\r\n"
        'a@example.org,"Smith, Ann",PE1 1AB,10,"Says ""hello"",\r\nthen more"\r\n'
        "b@example.org,Bob,PE1 1AB,ten,\r\n"
        ",,,,\r\n"
        "\r\n"
        ",,,,\r\n"
    ).encode()
    report = await run(database, content, mode="check")
    # The quoted cell runs over two lines, so Bob's row is line 4, as a spreadsheet would number it.
    assert [(p.line, p.column) for p in report.problems] == [(4, "travel_miles")]
    assert report.rows == 2 and report.valid == 1
    report = await run(database, content.replace(b",ten,", b",12,"))
    assert report.created == 2
    ann = await User.select().where(User.email == "a@example.org").first()
    assert ann["display_name"] == "Smith, Ann"
    assert (await PAProfile.select().where(PAProfile.user == ann["id"]).first())["headline"] == (
        'Says "hello",\nthen more'
    )


async def test_a_row_with_more_cells_than_headings_is_a_problem(database):
    report = await run(
        database, "email,full_name,home_postcode,travel_miles\na@example.org,A,PE1 1AB,10,surprise\n"
    )
    assert [(p.line, p.column, p.message) for p in report.problems] == [
        (2, "", "This row has 5 cells but the heading row has 4")
    ]
    assert str(report.problems[0]) == "line 2, column -: This row has 5 cells but the heading row has 4"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\r\n\r\n", "The file is empty"),
        (b"email,full_name,home_postcode,travel_miles\r\n,,,\r\n", "The file has headings but no PAs"),
        (b"PK\x03\x04rest of a workbook", "This is an Excel workbook, not a CSV file"),
        (b"email,full_name\nx@example.org,Caf\xe9\n", "Line 2 is not UTF-8 text"),
        (b"x" * (importer.MAX_BYTES + 1), "The file is bigger than 2 MB"),
    ],
)
async def test_a_file_that_cannot_be_read_says_why(database, content, message):
    report = await run(database, content)
    assert report.unreadable and len(report.problems) == 1
    assert report.problems[0].line == 0 and report.problems[0].message.startswith(message)
    assert str(report.problems[0]).startswith("file: ")


async def test_more_than_the_row_limit_is_refused_before_checking(database):
    rows = "".join(f"p{i}@example.org,P,PE1 1AB,10\n" for i in range(importer.MAX_ROWS + 1))
    report = await run(database, "email,full_name,home_postcode,travel_miles\n" + rows)
    assert [p.message for p in report.problems] == ["The file has 5,001 rows: import at most 5,000 at a time"]


async def test_approved_needs_a_staff_member_and_a_complete_profile(database):
    content = "email,full_name,home_postcode,travel_miles,status\na@example.org,A,PE1 1AB,10,approved\n"
    nobody = await run(database, content)
    assert ("status", "Only a staff member can import an approved profile") in [
        (p.column, p.message) for p in nobody.problems
    ]
    staffed = await run(database, content, actor=await staff_actor())
    assert [p.column for p in staffed.problems] == [
        "skills",
        "min_hourly_rate",
        "employment",
        "right_to_work",
        "availability",
    ]
    wrong = await run(
        database, content.replace("approved\n", "submitted\n"), actor=await staff_actor("s2@example.org")
    )
    assert [p.message for p in wrong.problems] == ["“submitted” is not draft or approved"]
    assert await PAProfile.count() == 0


async def test_codes_names_yes_no_and_employment_spellings(database):
    content = (
        "email,full_name,home_postcode,travel_miles,skills,client_groups,driving_licence,employment\n"
        "a@example.org,A,PE1 1AB,10,Moving and handling with a hoist:4; PEG feeding,Older people,Y,Self-employed\n"
        "b@example.org,B,PE1 1AB,10,,,maybe,freelance\n"
    )
    report = await run(database, content, mode="check")
    assert [(p.line, p.column) for p in report.problems] == [(3, "driving_licence"), (3, "employment")]
    assert (await Skill.count(), await ClientGroup.count()) == (25, 8)


async def test_a_race_with_a_new_account_imports_nothing(database, monkeypatch):
    """An email that gets an account between the check and the write stops the whole import."""
    original = importer.check_file

    async def check_then_sign_up(*args, **kwargs):
        result = await original(*args, **kwargs)
        await accounts.create_user(
            NewUserInput(
                email="amina.begum@example.org", display_name="A", role="recipient", password=PASSWORD
            )
        )
        return result

    monkeypatch.setattr(importer, "check_file", check_then_sign_up)
    before = await PAProfile.count()
    with pytest.raises(Conflict):
        await run(database, EXAMPLE.read_bytes(), actor=await staff_actor())
    assert await PAProfile.count() == before and await User.count() == 2


def test_the_guide_documents_every_column_and_code():
    guide = GUIDE.read_text(encoding="utf-8")
    for column in importer.COLUMNS:
        assert re.search(rf"^\| `{column.name}` \|", guide, re.MULTILINE), column.name
    from market.register.piccolo_migrations.register_2026_11_25t10_19_00_000000 import CLIENT_GROUPS, SKILLS

    for code, _ in SKILLS + CLIENT_GROUPS:
        assert f"`{code}`" in guide, code
    with EXAMPLE.open(encoding="utf-8", newline="") as example:
        assert next(csv.reader(example)) == [c.name for c in importer.COLUMNS]


# The staff page.


async def upload(client, content: bytes, mode: str | None = "all", name: str = "pas.csv"):
    page = await client.get("/staff/register/import")
    assert page.status_code == 200
    data = {"_csrf_token": csrf_token(page.text)}
    if mode:
        data["mode"] = mode
    files = {"file": (name, content, "text/csv")} if content is not None else {"file": ("", b"", "")}
    return await client.post("/staff/register/import", data=data, files=files)


async def test_staff_check_a_file_then_import_it(client, login_as):
    await login_as("staff")
    page = await client.get("/staff/register/import")
    assert page.text.count("<h1") == 1 and 'enctype="multipart/form-data"' in page.text
    assert 'href="/staff/register/import/example.csv"' in page.text and "govuk-file-upload" in page.text
    assert "<code>peg_feeding</code>" in page.text and "<code>older_people</code>" in page.text
    assert "At most 5,000 rows and 2 MB" in page.text
    example = await client.get("/staff/register/import/example.csv")
    assert example.status_code == 200 and example.headers["content-type"].startswith("text/csv")
    assert "attachment" in example.headers["content-disposition"]
    assert example.content == EXAMPLE.read_bytes()

    checked = await upload(client, EXAMPLE.read_bytes(), mode="check")
    assert checked.status_code == 200, checked.text
    assert "No problems found" in checked.text and "5 PAs can be added" in checked.text
    assert await PAProfile.count() == 0 and await OutboxEmail.count() == 0

    done = await upload(client, EXAMPLE.read_bytes(), mode="all")
    assert done.status_code == 200
    assert "govuk-panel" in done.text and "5 PAs added to the register" in done.text
    assert done.text.count("<h1") == 1
    assert await PAProfile.count() == 5

    again = await upload(client, EXAMPLE.read_bytes(), mode="all")
    assert "0 PAs added to the register" in again.text and "Already on the register: skipped" in again.text
    assert "tomasz.nowak@example.org" in again.text and await PAProfile.count() == 5


async def test_the_page_lists_every_problem_and_adds_nothing(client, login_as, create_user):
    await login_as("staff")
    await create_user("staff", email="staff@example.org")
    before = await counts()
    response = await upload(client, BAD.encode(), mode="all")
    assert response.status_code == 422
    assert "govuk-error-summary" in response.text and 'href="#problems"' in response.text
    assert "13 problems in 10 rows: nothing has been added" in response.text
    assert response.text.count("<h1") == 1 and "<title>Error:" in response.text
    cells = re.findall(
        r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>\s*'
        r'<td class="govuk-table__cell"><code>(\w+)</code></td>',
        response.text,
    )
    assert [(int(line), column) for line, column in cells] == BAD_CELLS
    assert "We couldn&#39;t find the postcode “AB1 1AA”" in response.text
    assert await counts() == before
    # Checking only gives the same table, and still adds nothing.
    checked = await upload(client, BAD.encode(), mode="check")
    assert checked.status_code == 422 and "13 problems" in checked.text
    assert await counts() == before


async def test_the_form_says_what_is_missing(client, login_as):
    await login_as("staff")
    nothing = await upload(client, None, mode=None)
    assert nothing.status_code == 422
    assert (
        "Select a CSV file" in nothing.text
        and "Select whether to check the file or import it" in nothing.text
    )
    assert 'href="#file"' in nothing.text and 'id="file-error"' in nothing.text
    workbook = await upload(client, b"PK\x03\x04 an xlsx", name="pas.xlsx")
    assert workbook.status_code == 422 and "This is an Excel workbook, not a CSV file" in workbook.text
    big = await upload(client, b"x" * (importer.MAX_BYTES + 10))
    assert big.status_code == 422 and "The file is bigger than 2 MB" in big.text


@pytest.mark.parametrize("role", ["pa", "recipient", "trainer"])
async def test_only_staff_can_import(client, login_as, role):
    await login_as(role)
    assert (await client.get("/staff/register/import")).status_code == 403
    assert (await client.get("/staff/register/import/example.csv")).status_code == 403


async def test_an_admin_can_import(client, login_as):
    await login_as("admin")
    assert (await upload(client, EXAMPLE.read_bytes())).status_code == 200


# The command line.


@pytest.fixture
def market(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "MARKET_VAR_DIR": str(tmp_path),
        "MARKET_SECRET_KEY": SECRET,
        **PRODUCTION_CONTACT,
        "MARKET_DATABASE_URL": f"sqlite:///{tmp_path / 'market.db'}",
    }

    def run_market(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "market.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )

    assert run_market("migrate").returncode == 0
    made = run_market(
        "users",
        "create",
        "--email",
        "boss@example.org",
        "--name",
        "Boss",
        "--role",
        "staff",
        "--password",
        PASSWORD,
    )
    assert made.returncode == 0, made.stderr

    def count(table: str) -> int:
        with sqlite3.connect(tmp_path / "market.db") as connection:
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    run_market.count = count
    return run_market


def test_cli_imports_the_example_then_skips_it(market):
    first = market("register", "import", str(EXAMPLE), "--by", "boss@example.org")
    assert first.returncode == 0, first.stderr
    assert "Imported 5 PAs (2 approved) from 5 rows" in first.stdout and first.stderr == ""
    assert market.count("register_pa_profile") == 5 and market.count("mail_outbox") == 5
    second = market("register", "import", str(EXAMPLE), "--by", "boss@example.org")
    assert second.returncode == 0
    assert "line 2: joanne.smith@example.org is already on the register: skipped" in second.stdout
    assert "Imported 0 PAs (0 approved) from 5 rows: 5 already on the register" in second.stdout
    assert market.count("register_pa_profile") == 5 and market.count("account_user") == 6


def test_cli_names_who_imports_approved_profiles(market):
    result = market("register", "import", str(EXAMPLE))
    assert result.returncode == 1
    assert "line 2, column status: Only a staff member can import an approved profile" in result.stderr
    assert "--by EMAIL" in result.stderr and market.count("register_pa_profile") == 0
    wrong = market("register", "import", str(EXAMPLE), "--by", "nobody@example.org")
    assert (
        wrong.returncode == 1 and "nobody@example.org is not an active staff or admin account" in wrong.stderr
    )


def test_cli_reports_every_problem_and_imports_nothing(market, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD.replace("staff@example.org", "boss@example.org"), encoding="utf-8")
    checked = market("register", "import", str(bad), "--dry-run")
    assert checked.returncode == 1
    result = market("register", "import", str(bad))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    problems = [line for line in lines if line.startswith("line ")]
    assert [tuple(re.match(r"line (\d+), column (\w+):", p).groups()) for p in problems] == [
        (str(line), column) for line, column in BAD_CELLS
    ]
    assert "line 9, column email: boss@example.org already belongs to a staff account" in lines
    assert lines[-1] == "Nothing was imported: 13 problems in bad.csv."
    assert market.count("account_user") == 1 and market.count("register_pa_profile") == 0
    assert checked.stderr.splitlines()[:13] == problems


def test_cli_valid_only_writes_the_rejects(market, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD.replace("staff@example.org", "boss@example.org"), encoding="utf-8")
    out = tmp_path / "rejects.csv"
    assert market("register", "import", str(bad), "--valid-only").returncode == 2
    result = market("register", "import", str(bad), "--valid-only", "--rejects", str(out))
    assert result.returncode == 1  # some rows were left out
    assert "Imported 2 PAs (0 approved) from 12 rows" in result.stdout
    assert f"Wrote 10 rejected rows to {out}." in result.stdout
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # so that Excel reads it as UTF-8
    with out.open(encoding="utf-8-sig", newline="") as file:
        rejects = list(csv.DictReader(file))
    assert [r["line"] for r in rejects] == ["3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]
    assert rejects[0]["email"] == "bad.postcode@example.org" and rejects[0]["home_postcode"] == "hello"
    assert rejects[0]["problems"].startswith("home_postcode: ")
    assert market.count("register_pa_profile") == 2


def test_cli_dry_run_and_a_missing_file(market, tmp_path):
    dry = market("register", "import", str(EXAMPLE), "--dry-run", "--by", "boss@example.org")
    assert dry.returncode == 0
    assert "Checked 5 rows: 0 already on the register, 5 can be added, 0 with problems." in dry.stdout
    assert market.count("register_pa_profile") == 0
    missing = market("register", "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
