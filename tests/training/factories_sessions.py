"""Training sessions for tests: scheduled through the same service trainers use, and moved
to "now" when a test needs one that has started."""

from __future__ import annotations

from datetime import timedelta

from market.accounts.schemas import CurrentUser
from market.clock import london_today, utcnow
from market.training import forms, scheduling
from market.training.tables import Course, TrainingSession
from tests.support import PASSWORD, submit


def current(user) -> CurrentUser:
    """A created account (UserOut) as the services' actor."""
    return CurrentUser(id=user.id, email=user.email, role=user.role, display_name=user.display_name)


def pa_user(pa: dict) -> CurrentUser:
    """A make_pa profile's account as the services' actor."""
    return CurrentUser(id=pa["user_id"], email=pa["email"], role="pa", display_name="PA")


async def course_id(code: str = "moving_handling") -> int:
    row = await Course.select(Course.id).where(Course.code == code).first()
    assert row, f"no course {code}"
    return row["id"]


async def session_form(**changes: str) -> dict[str, str]:
    day = london_today() + timedelta(days=7)
    form = {
        "course": str(await course_id()),
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "start_time": "09:30",
        "end_time": "12:30",
        "delivery": "venue",
        "venue": "Peterborough Community Hall",
        "postcode": "PE1 1AB",
        "online_link": "",
        "capacity": "10",
        "notes": "",
    }
    form.update(changes)
    return form


async def make_session(actor: CurrentUser, /, **changes: str) -> int:
    return await scheduling.create(forms.session_input(await session_form(**changes)), actor)


async def start_now(session_id: int) -> None:
    """Move a session so that it started an hour ago (attendance can be recorded)."""
    now = utcnow()
    await TrainingSession.update(
        {
            TrainingSession.starts_at: now - timedelta(hours=1),
            TrainingSession.ends_at: now + timedelta(hours=2),
        }
    ).where(TrainingSession.id == session_id)


async def sign_in(client, email: str) -> None:
    response = await submit(client, "/login", {"email": email, "password": PASSWORD})
    assert response.status_code in (302, 303), response.text
