"""Needs: validation with a message per field, weekly and overnight slots, cover dates, the
DBS requirement that follows from the person, optimistic versioning, who may see what
(another recipient's need is 404, a PA is refused), and the private postcode."""

from __future__ import annotations

from datetime import date, time, timedelta

import msgspec
import pytest

from market.audit.tables import AuditEvent
from market.clock import london_today
from market.errors import Conflict, Invalid, NotFound
from market.matching.needs import lifecycle as needs
from market.matching.needs import recipients, times
from market.matching.needs.pages import (
    add_cover_date_from,
    add_slot_from,
    create_need_from,
    update_need_from,
)
from market.matching.needs.recipient_pages import create_recipient_from
from market.matching.needs.schemas import CoverDateInput, NeedInput, SlotInput
from market.matching.tables import Need, NeedCoverDate, NeedSlot, RecipientAccess
from tests.matching.factories import make_need, make_recipient, make_user, need_form


def date_fields(name: str, day) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


async def owner_and_recipient(**kwargs):
    user = await make_user("recipient")
    return user, await make_recipient(user=user, **kwargs)


async def test_an_empty_need_form_names_every_missing_field(database):
    user, person = await owner_and_recipient()
    with pytest.raises(Invalid) as caught:
        await create_need_from(user, person["id"], {})
    assert caught.value.errors == {
        "title": "Enter a short title for the need, like 'Morning support in Peterborough'",
        "description": "Describe the support needed",
        "kind": "Select whether this is regular support or cover on particular dates",
        "max_distance_miles": "Enter how far a PA may travel to the person, from 1 to 100 miles",
        "year_pattern": "Select when in the year support is needed",
    }
    assert await Need.count() == 0


async def test_bad_need_values_each_get_a_specific_message(database):
    user, person = await owner_and_recipient()
    yesterday = london_today() - timedelta(days=1)
    form = need_form(
        postcode="ZZ",
        hours_per_week="200",
        max_rate="abc",
        max_distance_miles="0",
        gender_required="yes",
        required_personal_care="yes",
        preferred_personal_care="yes",
        shift_teleporting="yes",
        **date_fields("start_date", yesterday),
        title="x" * 121,
    )
    with pytest.raises(Invalid) as caught:
        await create_need_from(user, person["id"], form)
    errors = caught.value.errors
    assert "postcode" in errors
    assert errors["hours_per_week"] == "Hours a week must be between 1 and 168"
    assert errors["max_rate"] == "Enter the hourly rate in pounds and pence, like 13.50"
    assert errors["max_distance_miles"] == "The distance must be between 1 and 100 miles"
    assert errors["gender_required"] == "Select the gender of PA needed, or untick that it is required"
    assert errors["preferred_skills"] == "Personal care is already a required skill: untick it here"
    assert errors["shift_kinds"] == "Not on the list: teleporting"
    assert errors["start_date"] == "The start date must be today or in the future"
    assert errors["title"] == "The title must be 120 characters or fewer"
    with pytest.raises(Invalid) as caught:
        await create_need_from(
            user, person["id"], need_form(max_rate="", rate_firm="yes", max_distance_miles="101")
        )
    assert caught.value.errors == {
        "max_rate": "Enter the most you can pay an hour, or untick that it is firm",
        "max_distance_miles": "The distance must be between 1 and 100 miles",
    }


async def test_a_need_takes_the_persons_postcode_unless_given_and_keeps_its_fields(database):
    user, person = await owner_and_recipient(postcode="PE1 1AB")
    form = need_form(
        required_hoist="yes",
        preferred_dementia="yes",
        group_older_people="yes",
        languages_required_0="english",
        languages_required_1="Polski",
        languages_required_2="polish",
        languages_preferred_0="Polish",
        languages_preferred_1="Cymraeg",
        gender_preference="woman",
        gender_required="yes",
        pets="yes",
        rate_firm="yes",
        all_hours="yes",
    )
    need_id = await create_need_from(user, person["id"], form)
    need = await needs.get_need(user, need_id)
    assert need.postcode == "PE1 1AB" and need.district == "PE1" and need.status == "draft"
    assert need.required_skills == ["hoist"] and need.preferred_skills == ["dementia"]
    assert need.client_groups == ["older_people"] and need.shift_kinds == ["day"]
    assert need.languages_required == ["english", "polish"] and need.languages_preferred == ["welsh"]
    assert need.gender_required and need.pets and need.rate_firm and need.max_rate_pence == 1450
    assert need.all_hours
    assert need.referral is None  # staff only
    other = await create_need_from(user, person["id"], need_form(postcode="cb2 1tn"))
    assert (await needs.get_need(user, other)).postcode == "CB2 1TN"
    assert not (await needs.get_need(user, other)).all_hours  # unticked: PAs free for some hours too


async def test_weekly_slots_run_overnight_and_may_not_overlap(database):
    user, person = await owner_and_recipient()
    need = await make_need(person, status="draft", slots=())
    await add_slot_from(
        user, need["id"], {"day": "Saturday", "start": "22:00", "end": "07:00", "overnight": "yes"}
    )
    await add_slot_from(
        user, need["id"], {"day": "Sunday", "start": "22:00", "end": "07:00", "overnight": "yes"}
    )
    out = await needs.get_need(user, need["id"])
    assert [s.label for s in out.slots] == [
        "Saturday 22:00 to Sunday 07:00 (overnight)",
        "Sunday 22:00 to Monday 07:00 (overnight)",
    ]
    assert out.slot_hours == 18
    sunday = out.slots[1]
    assert sunday.end_minute < sunday.start_minute  # wraps past Sunday midnight
    with pytest.raises(Invalid) as caught:
        await add_slot_from(user, need["id"], {"day": "Monday", "start": "06:00", "end": "09:00"})
    assert caught.value.errors["start"].startswith("This overlaps Sunday 22:00 to Monday 07:00")
    with pytest.raises(Invalid) as caught:
        await add_slot_from(user, need["id"], {"day": "", "start": "9:75", "end": "09:10"})
    assert caught.value.errors == {
        "day": "Choose a day of the week",
        "start": "Enter the start time as a time of day, like 09:00, 9am, 17:30 or 5pm",
        "end": "Times must be on the quarter hour, like 09:15",
    }
    await times.remove_slot(user, need["id"], sunday.id)
    assert await NeedSlot.count().where(NeedSlot.need == need["id"]) == 1
    assert (await Need.select(Need.version).where(Need.id == need["id"]).first())["version"] == 4


async def test_cover_dates_are_dated_may_cross_midnight_and_not_be_in_the_past(database):
    user, person = await owner_and_recipient()
    need = await make_need(person, kind="cover", status="draft", slots=())
    today = london_today()
    await add_cover_date_from(
        user, need["id"], {**date_fields("date", today), "start": "22:00", "end": "07:00", "overnight": "yes"}
    )
    row = await NeedCoverDate.select().where(NeedCoverDate.need == need["id"]).first()
    assert (row["on_date"], row["start_minute"], row["end_minute"]) == (today, 22 * 60, 31 * 60)
    out = await needs.get_need(user, need["id"])
    assert out.cover_dates[0].label.endswith("22:00 to 07:00 the next day (overnight)")
    assert out.cover_dates[0].hours == 9
    with pytest.raises(Invalid) as caught:
        await add_cover_date_from(
            user,
            need["id"],
            {**date_fields("date", today - timedelta(days=1)), "start": "09:00", "end": "17:00"},
        )
    assert caught.value.errors == {"date": "The date must be today or in the future"}
    with pytest.raises(Invalid) as caught:
        await add_cover_date_from(
            user,
            need["id"],
            {**date_fields("date", today + timedelta(days=1)), "start": "06:00", "end": "08:00"},
        )
    assert caught.value.errors["start"].startswith("This overlaps")
    with pytest.raises(Invalid) as caught:
        await add_slot_from(user, need["id"], {"day": "Monday", "start": "09:00", "end": "10:00"})
    assert caught.value.errors == {"day": "Cover is needed on dates: add dates, not weekly times"}
    on = date(2031, 3, 4)  # a Tuesday: the question names the date and the next
    with pytest.raises(Invalid) as caught:
        await add_cover_date_from(user, need["id"], {**date_fields("date", on), "start": "9am", "end": "5"})
    assert caught.value.errors == {
        "overnight": "Is this an overnight shift from Tuesday 4 March 09:00 to Wednesday 5 March 05:00"
        " (20 hours)? If it is, tick the box and save again; if not, change the times"
    }


async def test_a_need_opens_only_once_it_says_when(database):
    user, person = await owner_and_recipient()
    regular = await make_need(person, status="draft", slots=())
    with pytest.raises(Invalid) as caught:
        await needs.change_status(user, regular["id"], "open", regular["version"])
    assert caught.value.errors == {
        "times": "Add at least one weekly time when support is needed before opening the need"
    }
    await add_slot_from(user, regular["id"], {"day": "Monday", "start": "09:00", "end": "12:00"})
    assert await needs.change_status(user, regular["id"], "open", None) == "open"
    cover = await make_need(
        person, kind="cover", status="draft", cover=((london_today() - timedelta(days=3), 540, 600),)
    )
    with pytest.raises(Invalid) as caught:
        await needs.change_status(user, cover["id"], "open", None)
    assert "times" in caught.value.errors
    await needs.change_status(user, regular["id"], "pause", None)
    await needs.change_status(user, regular["id"], "fill", None)
    with pytest.raises(Invalid) as caught:
        await needs.change_status(user, regular["id"], "pause", None)
    assert caught.value.errors == {"action": "A filled need cannot be moved to paused"}
    await needs.change_status(user, regular["id"], "close", None)
    with pytest.raises(Invalid):
        await update_need_from(user, regular["id"], need_form())
    events = await AuditEvent.select(AuditEvent.action).where(
        AuditEvent.subject_type == "need", AuditEvent.subject_id == str(regular["id"])
    )
    assert [e["action"] for e in events] == [
        "need.slot_added",
        "need.opened",
        "need.paused",
        "need.filled",
        "need.closed",
    ]


@pytest.mark.parametrize(
    ("age_group", "personal_care", "expected"),
    [
        ("child", False, ("enhanced", False, True, "Enhanced DBS with the children's barred list")),
        ("child", True, ("enhanced", False, True, "Enhanced DBS with the children's barred list")),
        ("adult", True, ("enhanced", True, False, "Enhanced DBS with the adults' barred list")),
        ("older_adult", True, ("enhanced", True, False, "Enhanced DBS with the adults' barred list")),
        ("adult", False, ("basic", False, False, "Basic DBS")),
    ],
)
async def test_the_dbs_requirement_follows_from_the_person(database, age_group, personal_care, expected):
    user, person = await owner_and_recipient(age_group=age_group)
    form = need_form(personal_care="yes" if personal_care else "", dbs_level="basic")  # ignored: not staff
    need = await needs.get_need(user, await create_need_from(user, person["id"], form))
    assert (
        need.dbs_level,
        need.dbs_adults_barred,
        need.dbs_children_barred,
        need.dbs_description,
    ) == expected
    assert need.age_group == age_group and not need.dbs_raised


async def test_staff_may_raise_the_dbs_requirement_but_never_below_the_persons(database):
    user, person = await owner_and_recipient(age_group="adult")
    staff = await make_user("staff")
    need_id = await create_need_from(user, person["id"], need_form(personal_care="yes"))
    version = (await needs.get_need(staff, need_id)).version
    with pytest.raises(Invalid) as caught:
        await update_need_from(
            staff, need_id, need_form(personal_care="yes", dbs_level="standard", version=str(version))
        )
    assert caught.value.errors == {
        "dbs_level": "The DBS check cannot be lower than the person's needs call for: "
        "Enhanced DBS with the adults' barred list"
    }
    with pytest.raises(Invalid) as caught:
        await update_need_from(staff, need_id, need_form(dbs_level="standard", dbs_children_barred="yes"))
    assert caught.value.errors == {"dbs_level": "Barred lists are only checked on an enhanced certificate"}
    raised = need_form(
        personal_care="yes", dbs_level="enhanced", dbs_adults_barred="yes", dbs_children_barred="yes"
    )
    await update_need_from(staff, need_id, {**raised, "version": str(version)})
    need = await needs.get_need(staff, need_id)
    assert (
        need.dbs_raised
        and need.dbs_description == "Enhanced DBS with the adults' and children's barred lists"
    )
    # The recipient's own edit (even dropping personal care) keeps what staff raised.
    await update_need_from(user, need_id, need_form(personal_care="", version=str(need.version)))
    need = await needs.get_need(user, need_id)
    assert (need.dbs_level, need.dbs_adults_barred, need.dbs_children_barred) == ("enhanced", True, True)


async def test_a_change_made_against_an_old_version_is_refused_with_a_clear_message(database):
    user, person = await owner_and_recipient()
    staff = await make_user("staff")
    need_id = await create_need_from(user, person["id"], need_form())
    await update_need_from(staff, need_id, need_form(title="Staff's title", version="1"))
    with pytest.raises(Conflict) as caught:
        await update_need_from(user, need_id, need_form(title="My title", version="1"))
    assert caught.value.detail.startswith("This need was changed by someone else")
    with pytest.raises(Conflict):
        await needs.change_status(user, need_id, "close", 1)
    need = await needs.get_need(user, need_id)
    assert need.title == "Staff's title" and need.version == 2 and need.status == "draft"


async def test_two_changes_at_once_from_the_same_version_let_exactly_one_through(database):
    import asyncio

    user, person = await owner_and_recipient()
    need_id = await create_need_from(user, person["id"], need_form())
    results = await asyncio.gather(
        update_need_from(user, need_id, need_form(title="First", version="1")),
        update_need_from(user, need_id, need_form(title="Second", version="1")),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "int"]
    assert (await needs.get_need(user, need_id)).version == 2


async def test_another_recipients_need_is_not_found_and_a_pa_sees_no_needs(database):
    user, person = await owner_and_recipient()
    stranger = await make_user("recipient")
    pa = await make_user("pa")
    need = await make_need(person)
    for who in (stranger, pa):
        with pytest.raises(NotFound):
            await needs.get_need(who, need["id"])
        with pytest.raises(NotFound):
            await update_need_from(who, need["id"], need_form())
        with pytest.raises(NotFound):
            await create_need_from(who, person["id"], need_form())
        assert await needs.list_needs(who) == []
    assert [n.id for n in await needs.list_needs(user)] == [need["id"]]
    assert [n.id for n in await needs.list_needs(await make_user("staff"), status="open")] == [need["id"]]


async def test_the_postcode_stays_out_of_the_audit_trail(database):
    user, person = await owner_and_recipient(postcode="CB2 1TN")
    need_id = await create_need_from(user, person["id"], need_form(postcode="PE1 1AB"))
    rows = await AuditEvent.select(AuditEvent.detail).where(
        AuditEvent.subject_type.is_in(["need", "recipient"])
    )
    text = " ".join(str(r["detail"]) for r in rows)
    assert rows and "PE1 1AB" not in text and "PE1" in text
    assert need_id


async def test_a_recipient_account_first_describes_the_person_it_finds_support_for(database):
    user = await make_user("recipient")
    assert await recipients.list_recipients(user) == []
    with pytest.raises(Invalid) as caught:
        await create_recipient_from(user, {})
    assert caught.value.errors == {
        "display_name": "Enter the name of the person who needs support",
        "age_group": "Select the person's age group, or enter their date of birth",
        "postcode": "Enter the postcode where the person lives",
    }
    born = london_today().replace(year=london_today().year - 10)
    recipient_id = await create_recipient_from(
        user, {"display_name": "Jo", "postcode": "pe1 1ab", **date_fields("birth_date", born)}
    )
    [person] = await recipients.list_recipients(user)
    assert (person.id, person.age_group, person.relationship) == (recipient_id, "child", "self")
    access = await RecipientAccess.select().where(RecipientAccess.user == user.id)
    assert len(access) == 1
    need_id = await create_need_from(user, recipient_id, need_form())
    assert (await needs.get_need(user, need_id)).dbs_children_barred


async def test_the_api_input_checks_times_with_the_fields_all_at_once(database):
    user, person = await owner_and_recipient()
    data = msgspec.convert(
        {
            "title": "",
            "slots": [
                {"day": "Monday", "start": "09:00:00", "end": "12:00:00"},
                {"day": "Monday", "start": "09:10:00", "end": "09:00:00"},
            ],
            "max_distance_miles": 5,
        },
        type=NeedInput,
    )
    with pytest.raises(Invalid) as caught:
        await needs.create_need(user, person["id"], data)
    errors = caught.value.errors
    assert errors["title"] and errors["slots[1].start"] == "Times must be on the quarter hour, like 09:15"
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"slots": [{"day": "Funday", "start": "09:00", "end": "10:00"}]}, type=NeedInput)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"max_distance_miles": "5"}, type=NeedInput)
    cover = [CoverDateInput(date=london_today() + timedelta(days=2), start=time(20), end=time(8))]
    data = NeedInput(
        title="Cover",
        description="Help while the usual PA is away.",
        kind="cover",
        max_distance_miles=10,
        slots=[SlotInput(day="Tuesday", start=time(9), end=time(10))],
        cover_dates=cover,
    )
    need_id = await needs.create_need(user, person["id"], data)
    need = await needs.get_need(user, need_id)
    assert need.cover_dates[0].end_minute == 32 * 60 and len(need.slots) == 1
