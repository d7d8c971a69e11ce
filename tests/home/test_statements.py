"""The privacy notice and the accessibility statement say what the law asks of them, with the
service's own settings (data controller, contact details, retention periods) in them."""

import httpx
import msgspec

from market.app import create_app
from market.settings import Contact


async def test_the_privacy_notice_names_the_controller_retention_rights_and_the_ico(client, settings):
    page = await client.get("/privacy")
    assert page.status_code == 200
    text = page.text
    assert f"{settings.contact.data_controller} is the data controller" in text
    assert f'href="mailto:{settings.contact.email}"' in text and settings.contact.phone in text
    for heading in (
        "What we keep and why",
        "Who sees it",
        "How long we keep it",
        "Your rights",
        "How to complain",
    ):
        assert f">{heading}</h2>" in text
    # What the tables hold, and the rules that protect it.
    for kept in (
        "DBS check",
        "never what it showed",
        "referees",
        "disability and ethnic group",
        "If you send us feedback",
    ):
        assert kept in text
    # Retention as configured, not as remembered.
    assert f"deleted {settings.dbs_rationale_retention_months} months after the decision" in text
    assert f"A sign-in lasts at most {settings.session_days} days" in text
    assert "Information Commissioner's Office" in text and "0303 123 1113" in text
    assert 'href="https://ico.org.uk/make-a-complaint/"' in text
    assert "Contact the support team" not in text
    # Geocoding is off here, so the notice does not say place names go online.
    assert "Nominatim" not in text


async def test_the_privacy_notice_follows_the_settings(settings):
    told = msgspec.structs.replace(
        settings,
        dbs_rationale_retention_months=3,
        geocoder="nominatim",
        contact=Contact(
            data_controller="Shire County Council", dpo_email="dpo@shire.example", ico_registration="Z1234567"
        ),
    )
    app = create_app(told)
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http,
    ):
        text = (await http.get("/privacy")).text
    assert "Shire County Council is the data controller" in text
    assert "registration number Z1234567" in text
    assert 'our data protection officer at <a class="govuk-link" href="mailto:dpo@shire.example">' in text
    assert "deleted 3 months after the decision" in text
    assert "OpenStreetMap's Nominatim" in text


async def test_the_accessibility_statement_follows_the_model_statement(client, settings):
    page = await client.get("/accessibility")
    assert page.status_code == 200
    text = page.text
    assert "Accessibility statement for the PA register" in text
    assert f"This website is run by {settings.contact.data_controller}" in text
    assert "This website is partially compliant with the" in text and "version 2.2</a> AA standard" in text
    for heading in (
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert f">{heading}</h2>" in text
    # Known gaps named honestly, with the criterion each fails.
    assert "1.4.10 (Reflow)" in text and "/schema" in text
    # Reporting a problem opens the feedback form; the team's details are given.
    assert 'href="/feedback?from=/accessibility">tell us about the problem</a>' in text
    assert f'href="mailto:{settings.contact.email}"' in text and settings.contact.phone in text
    assert "Equality and Human Rights Commission (EHRC)" in text
    assert "Equality Advisory and Support Service" in text
    assert "Equality Commission for Northern Ireland" in text
    assert "(No. 2) Accessibility Regulations 2018" in text
    assert "This statement was prepared on 2 December 2026. It was last reviewed on 2 December 2026." in text
    assert "contact the support team" not in text
