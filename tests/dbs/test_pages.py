"""The staff DBS pages: the record, its forms with errors in the right place, the lists."""

from market.audit.tables import AuditEvent
from market.dbs import applications
from market.dbs import forms as dbs_forms
from market.dbs.tables import DBSApplication, DBSCheck
from tests.dbs.support import NUMBER, as_current, certificate, days_ago, iso, permit
from tests.register.factories import make_pa
from tests.support import submit


async def test_staff_record_a_certificate_and_every_view_is_audited(client, login_as):
    staff = await login_as("staff")
    pa = await make_pa()
    page = f"/staff/dbs/pa/{pa['id']}"
    shown = await client.get(page)
    assert shown.status_code == 200, shown.text
    assert "No certificates recorded" in shown.text
    issued = days_ago(20)
    sent = await submit(
        client,
        page,
        {
            "certificate_number": "0012 3456 7890",
            "issued_on_day": str(issued.day),
            "issued_on_month": str(issued.month),
            "issued_on_year": str(issued.year),
            "level": "enhanced",
            "barred_lists": "both",
            "workforce": "adult_and_child",
            "certificate_result": "clear",
        },
        action=f"{page}/checks",
    )
    assert sent.status_code == 302, sent.text
    record = await client.get(sent.headers["location"])
    assert "\u2022" * 8 + NUMBER[-4:] in record.text  # in full only with the DBS permission
    assert "Waiting for a decision" in record.text
    views = await AuditEvent.count().where(
        (AuditEvent.action == "dbs.viewed")
        & (AuditEvent.subject_id == str(pa["id"]))
        & (AuditEvent.actor_id == staff.id)
    )
    assert views == 3


async def test_a_bad_certificate_names_every_problem_and_keeps_the_input(client, login_as):
    await login_as("staff")
    pa = await make_pa()
    page = f"/staff/dbs/pa/{pa['id']}"
    future = days_ago(-3)
    sent = await submit(
        client,
        page,
        {
            "certificate_number": "12345ABC",
            "issued_on_day": str(future.day),
            "issued_on_month": str(future.month),
            "issued_on_year": str(future.year),
            "level": "standard",
            "barred_lists": "adults",
            "certificate_result": "clear",
        },
        action=f"{page}/checks",
    )
    assert sent.status_code == 422
    text = sent.text
    assert "The certificate number must contain only digits 0 to 9" in text
    assert "The date of issue must be today or in the past" in text
    assert "Barred lists are only checked on an enhanced certificate" in text
    assert "Select the workforce named on the certificate" in text
    assert 'value="12345ABC"' in text
    assert 'href="#new-check-certificate-number"' in text
    assert await DBSCheck.count() == 0


async def test_a_status_check_without_consent_points_at_the_consent_field(client, login_as):
    user = await login_as("staff")
    staff = await as_current(user)
    await permit(user)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True)
    page = f"/staff/dbs/pa/{pa['id']}"
    sent = await submit(
        client,
        page,
        {"checked_on": days_ago(1).isoformat(), "result": "BLANK_NO_NEW_INFO"},
        action=f"{page}/checks/{check_id}/status",
    )
    assert sent.status_code == 422
    assert "Record the PA&#39;s consent to status checks before you check" in sent.text
    assert f'href="#consent-{check_id}-consent-on"' in sent.text
    assert f'id="consent-{check_id}-consent-on"' in sent.text


async def test_dashboard_and_queue_pages(client, login_as):
    user = await login_as("staff")
    staff = await as_current(user)
    pa = await make_pa()
    await certificate(pa["id"], staff, decision=None)
    dashboard = await client.get("/staff/dbs")
    assert dashboard.status_code == 200, dashboard.text
    assert "Certificates waiting for a decision (1)" in dashboard.text
    assert "Nothing on this list." in dashboard.text and "None." not in dashboard.text
    queue = await client.get("/staff/dbs/applications")
    assert queue.status_code == 200, queue.text
    access = await client.get(f"/staff/dbs/pa/{pa['id']}/access")
    assert access.status_code == 200
    assert "Recorded a certificate" in access.text


async def test_a_second_open_application_is_refused_on_the_page(client, login_as):
    await login_as("staff")
    pa = await make_pa()
    page = f"/staff/dbs/pa/{pa['id']}"
    asked = await submit(client, page, {"route": "service"}, action=f"{page}/applications")
    assert asked.status_code == 200 and "Are you sure you want to start a new DBS application?" in asked.text
    assert 'name="confirm" value="yes"' in asked.text and await DBSApplication.count() == 0
    first = await submit(client, page, {"route": "service", "confirm": "yes"}, action=f"{page}/applications")
    assert first.status_code == 302, first.text
    second = await submit(client, page, {"route": "own", "confirm": "yes"}, action=f"{page}/applications")
    assert second.status_code == 409
    assert "This PA already has an application in progress" in second.text
    assert 'href="#new-application-route"' in second.text  # the summary links to the form


async def test_a_long_dbs_list_shows_its_first_page_and_links_to_the_rest(client, login_as):
    user = await login_as("staff")
    staff = await as_current(user)
    for _ in range(52):
        pa = await make_pa()
        await certificate(pa["id"], staff, decision=None)
    dashboard = await client.get("/staff/dbs")
    assert "Certificates waiting for a decision (52)" in dashboard.text
    assert "Showing 1 to 50 of 52." in dashboard.text
    assert 'href="/staff/dbs/list/pending?page=2"' in dashboard.text
    rest = await client.get("/staff/dbs/list/pending?page=2")
    assert rest.status_code == 200 and "Showing 51 to 52 of 52 PAs" in rest.text
    assert rest.text.count('href="/staff/dbs/pa/') == 2
    assert 'href="/staff/dbs/list/pending"' in rest.text  # back to page 1
    assert (await client.get("/staff/dbs/list/due-30")).status_code == 200
    assert (await client.get("/staff/dbs/list/nothing-like-this")).status_code == 404
    assert (await client.get("/staff/dbs/list/due-99999")).status_code == 404


async def test_the_applications_queue_pages_a_long_step_and_counts_every_step(client, login_as):
    user = await login_as("staff")
    staff = await as_current(user)
    for n in range(52):
        pa = await make_pa()
        fields = {"route": "service", "requested_on": iso(days_ago(n % 20 + 1))}
        await applications.start(pa["id"], dbs_forms.application_input(fields), actor=staff)
    queue = await client.get("/staff/dbs/applications")
    assert queue.status_code == 200, queue.text
    assert "Requested (52)" in queue.text and "Showing 1 to 50 of 52 applications" in queue.text
    assert queue.text.count("#application-") == 50
    assert 'href="/staff/dbs/applications?step=requested"' in queue.text
    assert "See all 52 applications at this step" in queue.text
    second = await client.get("/staff/dbs/applications?step=requested&page=2")
    assert second.status_code == 200
    assert "Showing 51 to 52 of 52 applications" in second.text and second.text.count("#application-") == 2
    assert "Identity documents verified" not in second.text  # that step alone
    assert (await client.get("/staff/dbs/applications?step=nonsense")).status_code == 404
