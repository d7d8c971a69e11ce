from market.accounts.tables import User
from tests.support import PASSWORD


async def test_security_headers_on_pages(client):
    response = await client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert "script-src 'self' 'nonce-" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.text  # the one inline script carries it
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers  # only in production
    assert (
        response.headers["content-security-policy"]
        != (await client.get("/login")).headers["content-security-policy"]
    )  # a fresh nonce each time


async def test_hsts_and_secure_cookies_in_production(settings, create_user):
    import httpx
    import msgspec

    from market.app import create_app
    from tests.support import csrf_token

    app = create_app(msgspec.structs.replace(settings, env="production"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as http:
        page = await http.get("/login")
        assert "max-age=31536000" in page.headers["strict-transport-security"]
        assert "secure" in page.headers["set-cookie"].lower()  # the CSRF cookie
        user = await create_user("pa")
        response = await http.post(
            "/login", data={"email": user.email, "password": PASSWORD, "_csrf_token": csrf_token(page.text)}
        )
        assert response.status_code == 302
        assert "secure" in response.headers["set-cookie"].lower()
        # The outbox (which shows reset links) does not exist in production.
        assert (await http.get("/staff/outbox")).status_code == 404


async def test_a_form_without_its_csrf_token_changes_nothing(client):
    await client.get("/signup")  # the CSRF cookie is set, but the form field is missing
    response = await client.post(
        "/signup", data={"role": "pa", "display_name": "X", "email": "x@example.org", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "Your form had expired" in response.text
    assert await User.count() == 0


async def test_a_wrong_csrf_token_is_refused(client):
    await client.get("/signup")
    response = await client.post("/signup", data={"_csrf_token": "forged", "email": "x@example.org"})
    assert response.status_code == 403
    assert await User.count() == 0


async def test_errors_never_show_a_stack_trace(client, monkeypatch):
    from market.accounts import services

    async def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "signup", explode)
    from tests.support import PASSWORD, submit

    # A complete sign-up: the form and the typed body are read before the service is called.
    form = {"role": "pa", "display_name": "Jo Bloggs", "email": "jo@example.org", "password": PASSWORD}
    response = await submit(client, "/signup", form)
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert "Sorry, there is a problem with the service" in response.text
    api = await client.post("/api/v1/auth/signup", json=form)
    assert api.status_code == 500 and "secret internals" not in api.text
