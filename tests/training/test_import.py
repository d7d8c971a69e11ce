"""Importing completions from a provider's CSV: every bad row by line, all or nothing,
check-only, idempotent; the upload page and the API."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest

from market.accounts.schemas import CurrentUser
from market.accounts.tables import User
from market.audit.tables import AuditEvent
from market.errors import NotAllowed
from market.training import importer
from market.training.tables import Completion
from tests.register.factories import make_pa
from tests.support import PASSWORD, csrf_token

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "training-import-example.csv"
GUIDE = ROOT / "docs" / "training-import.md"
TODAY = date(2026, 3, 10)

BAD = (
    "email,course,completed_on,provider,evidence\n"
    "jo@example.org,moving_handling,2026-01-15,Fenland,F-1\n"  # 2: fine
    "nobody@example.org,first_aid,2026-01-15,Fenland,\n"  # 3: unknown PA
    "boss@example.org,first_aid,2026-01-15,Fenland,\n"  # 4: a staff account
    "jo@example.org,juggling,2026-01-15,Fenland,\n"  # 5: unknown course
    "jo@example.org,first_aid,31/02/2026,Fenland,\n"  # 6: not a real date
    "jo@example.org,first_aid,2026-03-11,Fenland,\n"  # 7: in the future
    "jo@example.org,first_aid,1949-12-31,Fenland,\n"  # 8: before 1950
    "jo@example.org,Dementia Awareness,01/02/2026,,\n"  # 9: no provider
    "tom@example.org,fire_safety,2025-05-05,Nene,\n"  # 10: duplicate of 11
    "TOM@example.org,Fire safety,05/05/2025,Nene,\n"  # 11: duplicate of 10
    "tom@example.org,first_aid,2025-05-05,Nene,x,extra\n"  # 12: too many cells
)


async def actor(role: str = "trainer", email: str = "") -> CurrentUser:
    from market.accounts import services as accounts
    from market.accounts.schemas import NewUserInput

    user = await accounts.create_user(
        NewUserInput(
            email=email or f"{role}@example.org", display_name=f"A {role}", role=role, password=PASSWORD
        )
    )
    return CurrentUser(id=user.id, email=user.email, role=user.role, display_name=user.display_name)


async def pa_with_email(email: str, **kwargs) -> dict:
    pa = await make_pa(**kwargs)
    await User.update({User.email: email}).where(User.id == pa["user_id"])
    return {**pa, "email": email}


async def run(content: str | bytes, who: CurrentUser, mode: str = "all", name: str = "provider.csv"):
    data = content.encode() if isinstance(content, str) else content
    return await importer.import_csv(data, file_name=name, actor=who, mode=mode, today=TODAY)


async def test_the_example_imports_verified_and_a_second_run_adds_nothing(app):
    trainer = await actor()
    jo = await pa_with_email("joanne.smith@example.org")
    tom = await pa_with_email("tomasz.nowak@example.org")
    report = await run(EXAMPLE.read_bytes(), trainer, name="example.csv")
    assert report.problems == [] and report.imported and (report.rows, report.created) == (4, 4)
    rows = await Completion.select(
        Completion.profile, Completion.course.code, Completion.completed_on, Completion.expires_on,
        Completion.source, Completion.verified_by, Completion.provider, Completion.evidence,
    ).order_by(Completion.id)  # fmt: skip
    assert [(r["profile"], r["course.code"], r["completed_on"], r["expires_on"]) for r in rows] == [
        (jo["id"], "moving_handling", date(2026, 1, 15), date(2027, 1, 15)),
        (jo["id"], "first_aid", date(2026, 1, 15), date(2029, 1, 15)),
        (tom["id"], "safeguarding_adults", date(2025, 11, 3), date(2026, 11, 3)),
        (tom["id"], "diploma_l3", date(2019, 7, 19), None),
    ]
    assert {(r["source"], r["verified_by"]) for r in rows} == {("import", trainer.id)}
    assert rows[0]["provider"] == "Fenland Care Training" and rows[0]["evidence"] == "FCT-11823"
    again = await run(EXAMPLE.read_bytes(), trainer, name="example.csv")
    assert again.ok and again.imported and again.created == 0
    assert [(s.line, s.email, s.course) for s in again.skipped] == [
        (2, "joanne.smith@example.org", "moving_handling"),
        (3, "joanne.smith@example.org", "first_aid"),
        (4, "tomasz.nowak@example.org", "safeguarding_adults"),
        (5, "tomasz.nowak@example.org", "diploma_l3"),
    ]
    assert await Completion.count() == 4
    events = await AuditEvent.select().where(AuditEvent.action == "training.import").order_by(AuditEvent.id)
    details = [json.loads(e["detail"]) if isinstance(e["detail"], str) else e["detail"] for e in events]
    assert [(d["created"], d["skipped"], d["file"]) for d in details] == [
        (4, 0, "example.csv"),
        (0, 4, "example.csv"),
    ]


async def test_every_bad_row_is_reported_by_line_and_nothing_is_imported(app):
    trainer = await actor()
    await actor("staff", "boss@example.org")
    await pa_with_email("jo@example.org")
    await pa_with_email("tom@example.org")
    report = await run(BAD, trainer)
    assert not report.imported and report.created == 0 and await Completion.count() == 0
    assert [(p.line, p.column) for p in report.problems] == [
        (3, "email"),
        (4, "email"),
        (5, "course"),
        (6, "completed_on"),
        (7, "completed_on"),
        (8, "completed_on"),
        (9, "provider"),
        (10, ""),
        (11, ""),
        (12, ""),
    ]
    messages = {p.line: p.message for p in report.problems}
    assert messages[3] == "No PA on the register has the email address nobody@example.org"
    assert messages[4] == "boss@example.org belongs to a staff account, not a PA's"
    assert messages[5] == "Unknown course “juggling”: use a code or exact name from the catalogue"
    assert "“31/02/2026” is not a real date" in messages[6]
    assert "“2026-03-11” is in the future" in messages[7]
    assert "before 1950" in messages[8]
    assert messages[9] == "Enter who provided the training"
    assert messages[10] == "The same PA, course and date are also on line 11"
    assert messages[11] == "The same PA, course and date are also on line 10"
    assert messages[12] == "This row has 6 cells but the heading row has 5"
    assert str(report.problems[0]).startswith("line 3, column email: ")
    assert report.valid == 1  # line 2 alone is right, but nothing is added
    # Today itself is allowed.
    fine = await run(BAD.splitlines()[0] + "\njo@example.org,first_aid,2026-03-10,Fenland,\n", trainer)
    assert fine.created == 1


async def test_check_only_writes_nothing(app):
    trainer = await actor()
    await pa_with_email("joanne.smith@example.org")
    await pa_with_email("tomasz.nowak@example.org")
    report = await run(EXAMPLE.read_bytes(), trainer, mode="check")
    assert report.ok and report.valid == 4 and not report.imported and report.created == 0
    assert await Completion.count() == 0
    event = await AuditEvent.select().where(AuditEvent.action == "training.import").first()
    detail = json.loads(event["detail"]) if isinstance(event["detail"], str) else event["detail"]
    assert (detail["mode"], detail["imported"], detail["rows"]) == ("check", False, 4)


async def test_heading_and_file_problems(app):
    trainer = await actor()
    report = await run(
        "E-mail,Course,when,provider,provider\nx@example.org,first_aid,2026-01-01,P,P\n", trainer
    )
    assert [(p.line, p.column, p.message) for p in report.problems] == [
        (1, "E-mail", "Unknown column “E-mail”: did you mean email?"),
        (1, "when", "Unknown column “when”: the columns are email, course, completed_on, provider, evidence"),
        (1, "provider", "This column appears more than once"),
        (1, "email", "Add the required column email"),
        (1, "completed_on", "Add the required column completed_on"),
        (2, "email", "Enter the PA's account email address"),
        (2, "completed_on", "Enter the date the PA completed the course"),
    ]
    for content, message in [
        (b"", "The file is empty"),
        (b"PK\x03\x04workbook", "This is an Excel workbook"),
        (b"email,course,completed_on,provider\n", "The file has headings but no rows"),
    ]:
        bad = await run(content, trainer)
        assert bad.unreadable and bad.problems[0].message.startswith(message)
    with pytest.raises(NotAllowed):
        await run(EXAMPLE.read_bytes(), CurrentUser(id=1, email="p@example.org", role="pa", display_name="P"))


async def test_a_pa_or_staff_account_cannot_be_given_training_it_has_no_profile_for(app):
    trainer = await actor()
    await actor("pa", "noprofile@example.org")
    report = await run(
        "email,course,completed_on,provider\nnoprofile@example.org,first_aid,2026-01-01,P\n", trainer
    )
    assert [p.message for p in report.problems] == [
        "The PA with the email address noprofile@example.org has no profile yet"
    ]


def test_the_guide_documents_every_column_and_the_example_matches():
    guide = GUIDE.read_text(encoding="utf-8")
    for column in importer.COLUMNS:
        assert re.search(rf"^\| `{column.name}` \|", guide, re.MULTILINE), column.name
    with EXAMPLE.open(encoding="utf-8", newline="") as example:
        assert next(csv.reader(example)) == [c.name for c in importer.COLUMNS]


# The upload page and the API.


async def upload(client, content: bytes, mode: str = "all", name: str = "provider.csv"):
    page = await client.get("/training/import")
    assert page.status_code == 200
    data = {"_csrf_token": csrf_token(page.text), "mode": mode}
    return await client.post("/training/import", data=data, files={"file": (name, content, "text/csv")})


async def test_a_trainer_checks_then_imports_on_the_page(client, login_as):
    await pa_with_email("joanne.smith@example.org")
    await pa_with_email("tomasz.nowak@example.org")
    await login_as("trainer")
    page = await client.get("/training/import")
    assert page.text.count("<h1") == 1 and "<code>moving_handling</code>" in page.text
    example = await client.get("/training/import/example.csv")
    assert example.status_code == 200 and example.content == EXAMPLE.read_bytes()
    checked = await upload(client, EXAMPLE.read_bytes(), mode="check")
    assert checked.status_code == 200 and "4 completions can be added" in checked.text
    assert await Completion.count() == 0
    done = await upload(client, EXAMPLE.read_bytes())
    assert done.status_code == 200 and "4 completions added" in done.text
    again = await upload(client, EXAMPLE.read_bytes())
    assert "0 completions added" in again.text and "Already recorded: skipped" in again.text
    assert await Completion.count() == 4
    bad = await upload(
        client, b"email,course,completed_on,provider\nnobody@example.org,first_aid,2026-01-01,P\n"
    )
    assert bad.status_code == 422 and "1 problem on 1 line: nothing has been added" in bad.text
    unreadable = await upload(client, b"PK\x03\x04workbook")
    assert unreadable.status_code == 422 and "This is an Excel workbook" in unreadable.text


@pytest.mark.parametrize(
    ("role", "status"), [("pa", 403), ("recipient", 403), ("staff", 200), ("admin", 200)]
)
async def test_the_import_page_by_role(client, login_as, role, status):
    await login_as(role)
    assert (await client.get("/training/import")).status_code == status


async def test_the_api_dry_run_then_import(client, login_as):
    await pa_with_email("joanne.smith@example.org")
    await pa_with_email("tomasz.nowak@example.org")
    text = EXAMPLE.read_text(encoding="utf-8")
    await login_as("pa")
    assert (await client.post("/api/v1/training/import", json={"csv": text})).status_code == 403
    await client.post("/logout", data={"_csrf_token": csrf_token((await client.get("/home")).text)})
    await login_as("staff")
    dry = await client.post("/api/v1/training/import", json={"csv": text, "dry_run": True})
    assert dry.status_code == 200, dry.text
    assert (dry.json()["mode"], dry.json()["valid"], dry.json()["imported"]) == ("check", 4, False)
    assert await Completion.count() == 0
    done = (await client.post("/api/v1/training/import", json={"csv": text, "file_name": "jan.csv"})).json()
    assert (done["created"], done["imported"]) == (4, True)
    bad = (
        await client.post(
            "/api/v1/training/import",
            json={"csv": text.replace("first_aid", "First aid") + "x@example.org,nope,2026-01-01,P\n"},
        )
    ).json()
    assert not bad["imported"] and [(p["line"], p["column"]) for p in bad["problems"]] == [
        (6, "email"),
        (6, "course"),
    ]
