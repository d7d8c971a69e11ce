"""The market command, run as a person would run it, against a real database file."""

import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import SECRET


@pytest.fixture
def run(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "MARKET_ENV": "development",  # `market demo` runs only in development
        "MARKET_VAR_DIR": str(tmp_path),
        "MARKET_SECRET_KEY": SECRET,
        "MARKET_DATABASE_URL": f"sqlite:///{tmp_path / 'market.db'}",
    }

    def market(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "market.cli", *args],
            env={**env, **extra_env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    return market


def test_migrate_demo_users_and_backup(run, tmp_path):
    assert run("migrate").returncode == 0
    first = run("demo", "--if-empty")
    assert first.returncode == 0, first.stderr
    assert "Demo data ready (6 new accounts)" in first.stdout
    assert "Demo register: 345 PAs round Peterborough and Oxfordshire" in first.stdout
    for email in (
        "pa@demo.example",
        "recipient@demo.example",
        "staff@demo.example",
        "support@demo.example",
        "trainer@demo.example",
        "admin@demo.example",
        "near45@pa.demo.example",  # a PA on the register, whose work near you lists needs
    ):
        assert email in first.stdout
    assert "demo-password-2026" in first.stdout
    # Idempotent: a second run adds nothing, and --if-empty leaves a used database alone.
    assert "Demo data ready (0 new accounts)" in run("demo").stdout
    assert "demo data not added" in run("demo", "--if-empty").stdout

    made = run(
        "users",
        "create",
        "--email",
        "Boss@Example.org",
        "--name",
        "Boss",
        "--role",
        "staff",
        "--password",
        "a long staff password",
    )
    assert made.returncode == 0 and "Created staff account boss@example.org" in made.stdout
    again = run(
        "users",
        "create",
        "--email",
        "boss@example.org",
        "--name",
        "Boss",
        "--role",
        "staff",
        "--password",
        "a long staff password",
    )
    assert again.returncode == 1 and "already exists" in again.stderr
    weak = run(
        "users",
        "create",
        "--email",
        "b2@example.org",
        "--name",
        "B",
        "--role",
        "admin",
        "--password",
        "short",
    )
    assert weak.returncode == 1 and "password: Password must be 10 characters or more" in weak.stderr

    backup = tmp_path / "backups" / "copy.db"
    done = run("backup", str(backup))
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(backup) as copy:
        # The six demo sign-ins, the staff account made above, and the 345 demo-register PAs
        # (300 drawn at random, 45 round the demo needs, near45@pa.demo.example the one who signs in).
        assert copy.execute("SELECT count(*) FROM account_user").fetchone()[0] == 352
        assert copy.execute("SELECT count(*) FROM register_pa_profile").fetchone()[0] == 345
    assert run("backup", str(backup)).returncode == 1  # will not overwrite without --force
    assert run("backup", str(backup), "--force").returncode == 0


def test_backup_on_postgres_points_to_pg_dump(run):
    result = run("backup", "x.db", MARKET_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/postgres")
    assert result.returncode == 2 and "pg_dump" in result.stderr


def test_mail_send_without_smtp_says_so(run):
    run("migrate")
    result = run("mail", "send")
    assert result.returncode == 2 and "MARKET_SMTP_HOST is not set" in result.stderr


def test_a_command_before_migrate_says_in_one_line_to_run_it_first(run):
    for command in (
        ("geo", "lookup", "PE1 1AB"),
        ("reports", "return", "--from", "2026-04-01", "--to", "2026-06-30"),
    ):
        result = run(*command)
        assert result.returncode == 2, (command, result.stderr)
        assert (
            result.stderr.strip().splitlines() == [result.stderr.strip().splitlines()[0]]
            and "run `market migrate` first" in result.stderr
        ), (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert run("migrate").returncode == 0
    assert run("geo", "lookup", "PE1 1AB").returncode != 2


def test_serving_on_a_port_in_development_makes_emailed_links_use_it():
    from market.cli import served_base_url

    development = {"MARKET_ENV": "development"}
    assert served_base_url(development, "127.0.0.1", 8206) == "http://127.0.0.1:8206"
    assert served_base_url(development, "0.0.0.0", 9000) == "http://127.0.0.1:9000"
    assert served_base_url(development, "::1", 9000) == "http://[::1]:9000"
    # An address given explicitly wins, and production always names its own.
    assert (
        served_base_url({**development, "MARKET_BASE_URL": "https://pa.example"}, "127.0.0.1", 8206) is None
    )
    assert served_base_url({"MARKET_ENV": "production"}, "127.0.0.1", 8206) is None
    assert served_base_url({}, "127.0.0.1", 8206) is None


def test_market_serve_on_another_port_emails_links_to_that_port(run, tmp_path):
    """The server itself, run as a person would: a sign-in link asked for on port N points
    to port N."""
    import re
    import socket
    import time

    import httpx

    assert run("migrate").returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "PATH": "/usr/bin:/bin",
        "MARKET_ENV": "development",
        "MARKET_VAR_DIR": str(tmp_path),
        "MARKET_SECRET_KEY": SECRET,
        "MARKET_DATABASE_URL": f"sqlite:///{tmp_path / 'market.db'}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "market.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        with httpx.Client(base_url=base) as http:
            assert (
                run(
                    "users",
                    "create",
                    "--email",
                    "ann@example.com",
                    "--name",
                    "Ann",
                    "--role",
                    "staff",
                    "--password",
                    "a-long-password-2026",
                ).returncode
                == 0
            )
            page = http.get("/password/forgot")
            token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
            http.post("/password/forgot", data={"email": "ann@example.com", "_csrf_token": token})
        body = (
            sqlite3.connect(tmp_path / "market.db")
            .execute("SELECT body_text FROM mail_outbox ORDER BY id DESC LIMIT 1")
            .fetchone()
        )
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert body is not None, "no email was queued"
    assert f"{base}/" in body[0]
