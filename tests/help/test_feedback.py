"""Feedback: anyone may send it (errors keep what was typed), staff read it newest first and
mark it dealt with; nobody else can read it."""

import re

import pytest

from market.help import feedback
from market.help.schemas import FeedbackInput
from market.help.tables import Feedback
from tests.support import csrf_token, submit


async def test_someone_signed_out_sends_feedback_from_the_page_they_were_on(client):
    form = await client.get("/feedback?from=/search")
    assert form.status_code == 200 and "Tell us about a problem or give feedback" in form.text
    assert 'name="page" value="/search"' in form.text
    sent = await client.post(
        "/feedback",
        data={
            "doing": "Searching near PE1",
            "problem": "The map would not load",
            "reply_email": " Jo@Example.org ",
            "page": "/search",
            "_csrf_token": csrf_token(form.text),
        },
    )
    assert sent.status_code in (302, 303) and sent.headers["location"] == "/feedback/sent?reply=yes"
    thanks = await client.get(sent.headers["location"])
    assert "Thank you for your feedback" in thanks.text and "will reply to the email address" in thanks.text
    row = await Feedback.select().first()
    assert row["doing"] == "Searching near PE1" and row["problem"] == "The map would not load"
    assert row["reply_email"] == "jo@example.org" and row["page"] == "/search" and row["user_id"] is None
    assert row["dealt_with_at"] is None and row["sender_key"] and "127.0.0.1" not in row["sender_key"]


async def test_a_signed_in_person_s_feedback_names_their_account(client, login_as):
    user = await login_as("recipient")
    sent = await submit(client, "/feedback", {"problem": "Could not save my need"})
    assert sent.headers["location"] == "/feedback/sent"
    row = await Feedback.select().first()
    assert row["user_id"] == user.id and row["reply_email"] == "" and row["doing"] == ""


async def test_mistakes_are_named_by_their_fields_and_the_input_is_kept(client):
    page = await submit(
        client,
        "/feedback",
        {
            "doing": "x" * 1001,
            "problem": "  ",
            "reply_email": "not an address",
            "page": "javascript:alert(1)",
        },
    )
    assert page.status_code == 422
    assert "There is a problem" in page.text
    for field, message in (
        ("doing", "What you were doing must be 1,000 characters or fewer"),
        ("problem", "Enter what went wrong, or your feedback"),
        ("reply-email", "Enter an email address in the correct format"),
    ):
        assert f'href="#{field}"' in page.text  # the summary links to the field
        assert message in page.text
    assert "x" * 1001 in page.text and 'value="not an address"' in page.text
    # Only a path on this site is ever offered back as a link.
    assert "javascript:" not in page.text
    assert await Feedback.count() == 0


async def test_the_feedback_form_needs_its_csrf_token(client):
    refused = await client.post("/feedback", data={"problem": "Spam"})
    assert refused.status_code == 403
    assert await Feedback.count() == 0


async def test_one_sender_is_slowed_after_ten_in_an_hour(client, database):
    data = FeedbackInput(problem="Something broke")
    for _ in range(feedback.PER_HOUR):
        await feedback.submit(database, data, user_id=None, ip="203.0.113.9")
    page = await submit(client, "/feedback", {"problem": "And again"})
    assert page.status_code in (302, 303)  # another address is not slowed
    with pytest.raises(feedback.Invalid) as refused:
        await feedback.submit(database, data, user_id=None, ip="203.0.113.9")
    assert refused.value.errors == {"problem": feedback.TOO_MANY}
    assert await Feedback.count() == feedback.PER_HOUR + 1


async def test_staff_read_feedback_newest_first_and_mark_it_dealt_with(client, login_as, database):
    for number in range(1, 28):
        await feedback.submit(
            database, FeedbackInput(problem=f"Problem number {number}."), user_id=None, ip=str(number)
        )
    staff = await login_as("staff")
    first = await client.get("/staff/feedback")
    assert first.status_code == 200
    numbers = [int(n) for n in re.findall(r"Problem number (\d+)\.", first.text)]
    assert numbers == list(range(27, 2, -1))  # newest first, 25 to a page
    assert "27 of 27 not yet dealt with" in first.text and 'href="/staff/feedback?page=2"' in first.text
    second = await client.get("/staff/feedback?page=2")
    assert [int(n) for n in re.findall(r"Problem number (\d+)\.", second.text)] == [2, 1]

    newest = await Feedback.select().where(Feedback.problem == "Problem number 27.").first()
    marked = await client.post(
        f"/staff/feedback/{newest['id']}",
        data={"dealt_with": "yes", "page": "1", "_csrf_token": csrf_token(first.text)},
    )
    assert marked.status_code in (302, 303)
    assert marked.headers["location"] == f"/staff/feedback?page=1&done=dealt#feedback-{newest['id']}"
    after = await client.get("/staff/feedback?page=1&done=dealt")
    assert "Marked as dealt with." in after.text and "26 of 27 not yet dealt with" in after.text
    assert f"by {staff.email}" in after.text
    row = await Feedback.select().where(Feedback.id == newest["id"]).first()
    assert row["dealt_with_at"] is not None and row["dealt_with_by"] == staff.id
    reopened = await client.post(
        f"/staff/feedback/{newest['id']}",
        data={"dealt_with": "no", "page": "1", "_csrf_token": csrf_token(after.text)},
    )
    assert "done=reopened" in reopened.headers["location"]
    assert (await Feedback.select().where(Feedback.id == newest["id"]).first())["dealt_with_at"] is None
    missing = await client.post(
        "/staff/feedback/999999", data={"dealt_with": "yes", "_csrf_token": csrf_token(after.text)}
    )
    assert missing.status_code == 404


@pytest.mark.parametrize("role", ["pa", "recipient", "trainer"])
async def test_only_staff_read_feedback(client, login_as, database, role):
    await feedback.submit(database, FeedbackInput(problem="Private words"), user_id=None, ip="1")
    await login_as(role)
    page = await client.get("/staff/feedback")
    assert page.status_code == 403 and "Private words" not in page.text
    home = await client.get("/home")
    row = await Feedback.select().first()
    refused = await client.post(
        f"/staff/feedback/{row['id']}", data={"dealt_with": "yes", "_csrf_token": csrf_token(home.text)}
    )
    assert refused.status_code == 403
    assert (await Feedback.select().first())["dealt_with_at"] is None


async def test_signed_out_visitors_are_sent_to_sign_in(client):
    page = await client.get("/staff/feedback")
    assert page.status_code == 302 and page.headers["location"].startswith("/login")
