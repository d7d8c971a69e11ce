from tests.support import submit


async def test_start_page_is_public_and_finished(client):
    response = await client.get("/")
    assert response.status_code == 200
    assert "<h1" in response.text and "Find or become a personal assistant" in response.text
    assert "Contains OS data © Crown copyright" in response.text
    for path in ("/privacy", "/accessibility", "/cookies"):
        assert (await client.get(path)).status_code == 200


async def test_healthz_checks_the_database(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_each_role_lands_on_its_own_home_page(client, login_as, make_client):
    headings = {
        "pa": "Your personal assistant home",
        "recipient": "Find a personal assistant",
        "staff": "Recruitment support",
        "trainer": "Training",
        "admin": "Administration",
    }
    for role, heading in headings.items():
        browser = make_client()
        await login_as(role, http=browser)
        home = await browser.get("/home")
        assert home.status_code == 200
        assert heading in home.text
        # A signed-in visitor to the start page goes to their home page.
        assert (await browser.get("/")).headers["location"] == "/home"


async def test_signed_out_visitor_is_sent_to_sign_in_and_back(client, create_user):
    response = await client.get("/home")
    assert response.status_code == 302
    assert response.headers["location"] == "/login?next=%2Fhome"
    user = await create_user("staff")
    page = await client.get("/login?next=%2Fstaff%2Faudit")
    assert 'name="next" value="/staff/audit"' in page.text
    signed_in = await submit(
        client,
        "/login?next=%2Fstaff%2Faudit",
        {"email": user.email, "password": "correct horse battery", "next": "/staff/audit"},
        action="/login",
    )
    assert signed_in.headers["location"] == "/staff/audit"


async def test_unknown_page_is_a_finished_404(client):
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    # One wording: the heading (and the title), never litestar's "Not Found" under it.
    assert response.text.count("Page not found") == 2 and "Not Found" not in response.text
    assert "Not found" not in response.text.replace("Page not found", "")
    api = await client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/problem+json")
    assert api.json()["status"] == 404


async def test_every_step_on_the_staff_home_is_a_link_that_answers(client, login_as):
    import re

    await login_as("staff")
    home = await client.get("/home")
    steps = re.findall(r'<h2 class="govuk-heading-s govuk-!-margin-bottom-1">(.*?)</h2>', home.text)
    assert steps and all("<a " in step for step in steps), steps
    assert '<a class="govuk-link" href="/staff/reports">Run the commissioner&#39;s reports</a>' in home.text
    for href in re.findall(
        r'<h2 class="govuk-heading-s govuk-!-margin-bottom-1"><a class="govuk-link" href="([^"]+)"', home.text
    ):
        assert (await client.get(href)).status_code == 200, href
