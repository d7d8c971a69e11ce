"""The team's contact details (Settings.contact) on the contact page, in every page's footer
and at the foot of every email."""

import re

import httpx
import msgspec

from market.app import create_app
from market.mail import services as mail
from market.mail.tables import OutboxEmail
from market.settings import Contact
from tests.mail.test_delivery import smtp_server  # noqa: F401 - the fixture
from tests.support import submit

COUNCIL = Contact(
    email="pa-help@shire.example",
    phone="01632 960 456",
    hours="Monday to Thursday, 10am to 4pm",
    address="PA Support, Shire Hall, Castle Street, Shiretown, SH1 2AB",
    data_controller="Shire County Council",
)


async def test_the_contact_page_gives_phone_email_hours_and_address(client, settings):
    page = await client.get("/contact")
    assert page.status_code == 200
    contact = settings.contact
    assert "<h1" in page.text and "Contact us" in page.text
    assert f'href="tel:{contact.phone.replace(" ", "")}"' in page.text and contact.phone in page.text
    assert f'href="mailto:{contact.email}"' in page.text
    assert contact.hours in page.text
    # The address, one line of it to a line.
    assert "<br>".join(contact.address_lines) in page.text
    assert 'href="/feedback"' in page.text and 'href="/privacy"' in page.text


async def test_every_page_footer_names_the_contact_details_and_the_feedback_form(client, login_as):
    for path in ("/", "/privacy", "/login"):
        page = await client.get(path)
        footer = page.text[page.text.index('<footer class="govuk-footer') :]
        assert 'href="/contact">Contact us</a>' in footer
        assert 'href="/feedback">Tell us about any problem</a>' in footer
        assert "01632 960 123" in footer and "help@pa-register.example" in footer
    await login_as("pa")
    home = await client.get("/home")
    # The phase banner's link opens the feedback form, saying which page it came from.
    assert 'href="/feedback?from=/home">Tell us about any problem</a>' in home.text
    assert 'href="/accessibility">Tell us about any problem' not in home.text


async def test_a_council_s_own_details_replace_the_demo_s_everywhere(settings):
    app = create_app(msgspec.structs.replace(settings, contact=COUNCIL))
    transport = httpx.ASGITransport(app=app)
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        for path in ("/contact", "/privacy", "/accessibility"):
            page = await http.get(path)
            assert "01632 960 456" in page.text and "pa-help@shire.example" in page.text
            assert "01632 960 123" not in page.text and "help@pa-register.example" not in page.text
        privacy = await http.get("/privacy")
        assert "Shire County Council is the data controller" in privacy.text
        assert "Example County Council" not in privacy.text
        assert "Shire County Council" in (await http.get("/accessibility")).text


async def test_every_email_ends_with_how_to_reach_the_team(database, smtp_server):  # noqa: F811
    controller, inbox = smtp_server
    settings = msgspec.structs.replace(
        database, smtp_host="127.0.0.1", smtp_port=controller.port, contact=COUNCIL
    )
    await mail.queue("jo@example.org", "Hello", "Your profile is approved.\n", kind="test")
    assert await mail.deliver_due(settings) == mail.DeliveryReport(sent=1)
    text = inbox.messages[0].content.decode()
    body = text[text.index("Your profile is approved.") :]
    assert re.search(r"Phone: 01632 960 456 \(Monday to Thursday, 10am to 4pm\)\r?\n", body)
    assert "Email: pa-help@shire.example" in body
    assert "Contact us: http://testserver/contact" in body
    # The stored text is what the feature wrote; the foot is added as it goes.
    row = await OutboxEmail.select().first()
    assert row["body_text"] == "Your profile is approved.\n"


async def test_the_outbox_shows_the_foot_the_email_goes_with(client, login_as, settings):
    await mail.queue("jo@example.org", "Hello", "Your profile is approved.\n", kind="test")
    await login_as("staff")
    row = await OutboxEmail.select().first()
    page = await client.get(f"/staff/outbox/{row['id']}")
    assert "Your profile is approved." in page.text
    foot = page.text[page.text.index("app-email-signature") :]
    assert f"Phone: {settings.contact.phone}" in foot
    assert f'Email: <a href="mailto:{settings.contact.email}">' in foot


async def test_error_pages_say_how_to_reach_the_team(client, login_as, settings, monkeypatch):
    await login_as("pa")
    refused = await client.get("/staff/feedback")
    assert refused.status_code == 403 and 'href="/contact">contact us</a>' in refused.text
    assert "support team" not in refused.text

    from market.help import feedback

    async def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    # An unexpected failure (here, the feedback service's) still leaves people a way to reach us.
    monkeypatch.setattr(feedback, "submit", explode)
    failed = await submit(client, "/feedback", {"problem": "It broke"})
    assert failed.status_code == 500 and "secret internals" not in failed.text
    main = failed.text[failed.text.index('id="main-content"') : failed.text.index("</main>")]
    assert (
        f"phone us on {settings.contact.phone}" in main and f'href="mailto:{settings.contact.email}"' in main
    )
