"""The PA's home says what is true for each status of their profile."""

from datetime import date

import pytest

from market.register.tables import PAProfile
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit

SAYS = {
    "draft": ("Your profile is not yet listed", "Fill in these 5 sections"),
    "submitted": ("Waiting for checks", "Our team is checking your details"),
    "changes_requested": ("asked you to change your profile", "Add your DBS number"),
    "approved": ("You are on the register", "review your profile with you by 3 March 2027"),
    "suspended": ("Your profile is suspended", "Add your DBS number"),
    "withdrawn": ("Your profile has been withdrawn", "no longer on the register"),
    "declined": ("We cannot list your profile", "Add your DBS number"),
}
# Only a draft or a profile sent back is waiting on the PA; no other status says so.
BEFORE_LISTING = "before your profile is listed"


@pytest.mark.parametrize("status", list(SAYS))
async def test_the_home_says_what_is_true_for_each_status(client, login_as, status):
    user = await login_as("pa")
    assert (await client.get("/home")).status_code == 200  # makes the draft profile
    await PAProfile.update(
        {
            PAProfile.status: status,
            PAProfile.status_reason: "Add your DBS number",
            PAProfile.review_due_on: date(2027, 3, 3) if status == "approved" else None,
        }
    ).where(PAProfile.user == user.id)
    home = (await client.get("/home")).text
    for words in SAYS[status]:
        assert words in home, (status, words)
    for other, others_words in SAYS.items():
        if other != status:
            assert others_words[0] not in home, (status, other)
    # An incomplete draft is told what to fill in; no other status is told it will be checked.
    assert BEFORE_LISTING not in home
    # The checklist is shown only while the PA still has something to send.
    assert ("Incomplete" in home) == (status in ("draft", "changes_requested"))


async def test_a_complete_draft_is_asked_to_send_it(client):
    profile = await make_pa(status="draft")
    await submit(client, "/login", {"email": profile["email"], "password": PASSWORD})
    home = (await client.get("/home")).text
    assert "Your profile is complete" in home and "It is not yet listed" in home
    assert BEFORE_LISTING in home
    assert "Incomplete" not in home
