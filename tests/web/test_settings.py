import subprocess
import sys

import pytest

from market.settings import SECRET_KEY_HELP, ConfigError, Contact, load_settings

KEY = "k" * 40
# What production must name besides its key: how to reach the team, and who controls the data.
CONTACT = {
    "MARKET_CONTACT_EMAIL": "pa-help@shire.example",
    "MARKET_CONTACT_PHONE": "01632 960 456",
    "MARKET_DATA_CONTROLLER": "Shire County Council",
}


def test_without_market_env_the_service_is_production_and_needs_a_key(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings({"MARKET_VAR_DIR": str(tmp_path)})
    assert str(error.value) == SECRET_KEY_HELP
    assert not (tmp_path / "secret_key").exists()  # no key is made up for production
    settings = load_settings({"MARKET_VAR_DIR": str(tmp_path), "MARKET_SECRET_KEY": KEY, **CONTACT})
    assert settings.is_production and not settings.serves_api_docs


def test_development_gives_a_sqlite_file_and_a_kept_secret(tmp_path):
    environ = {"MARKET_VAR_DIR": str(tmp_path), "MARKET_ENV": "development"}
    settings = load_settings(environ)
    assert settings.database_url == f"sqlite:///{tmp_path / 'market.db'}"
    assert settings.env == "development" and not settings.is_postgres and settings.serves_api_docs
    assert len(settings.secret_key) >= 32
    assert load_settings(environ).secret_key == settings.secret_key  # kept across restarts
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_postgres_url_selects_postgres(tmp_path):
    settings = load_settings(
        {
            "MARKET_VAR_DIR": str(tmp_path),
            "MARKET_ENV": "development",
            "MARKET_DATABASE_URL": "postgresql://u@db.example:5432/market",
        }
    )
    assert settings.is_postgres


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MARKET_DATABASE_URL": "mysql://x@y/z"}, "unknown scheme 'mysql'"),
        ({"MARKET_DATABASE_URL": "nonsense"}, "unknown scheme"),
        ({"MARKET_DATABASE_URL": "sqlite://relative.db"}, "malformed"),
        ({"MARKET_DATABASE_URL": "sqlite:///:memory:"}, "in-memory"),
        ({"MARKET_DATABASE_URL": "postgresql://host:notaport/db"}, "malformed"),
        ({"MARKET_DATABASE_URL": "postgresql://host:5432"}, "malformed"),
        ({"MARKET_ENV": "staging"}, "MARKET_ENV must be one of"),
        ({"MARKET_ENV": "production"}, "Set MARKET_SECRET_KEY to 32 or more random characters"),
        ({"MARKET_API_DOCS": "maybe"}, "MARKET_API_DOCS must be true or false"),
        ({"MARKET_SECRET_KEY": "short"}, "at least 32 characters"),
        ({"MARKET_SMTP_PORT": "twenty-five"}, "MARKET_SMTP_PORT must be a whole number"),
        ({"MARKET_BASE_URL": "ftp://x"}, "MARKET_BASE_URL must be an http(s) address"),
        ({"MARKET_GEOCODER": "google"}, "MARKET_GEOCODER must be nominatim or empty"),
        ({"MARKET_GEOCODER": "nominatim"}, "MARKET_GEOCODER_USER_AGENT must name your service"),
    ],
)
def test_bad_settings_stop_with_one_clear_sentence(tmp_path, environ, message):
    with pytest.raises(ConfigError) as error:
        load_settings({"MARKET_VAR_DIR": str(tmp_path), "MARKET_ENV": "development", **environ})
    assert message in str(error.value)
    assert str(error.value).endswith(".") and "\n" not in str(error.value)


def test_production_with_a_key_starts(tmp_path):
    settings = load_settings(
        {"MARKET_VAR_DIR": str(tmp_path), "MARKET_ENV": "production", "MARKET_SECRET_KEY": KEY, **CONTACT}
    )
    assert settings.is_production and not (tmp_path / "secret_key").exists()
    on = load_settings(
        {
            "MARKET_VAR_DIR": str(tmp_path),
            "MARKET_ENV": "production",
            "MARKET_SECRET_KEY": KEY,
            "MARKET_API_DOCS": "on",
            **CONTACT,
        }
    )
    assert on.serves_api_docs  # an operator may publish the API's documentation


def test_production_must_name_its_contact_details_and_data_controller(tmp_path):
    environ = {"MARKET_VAR_DIR": str(tmp_path), "MARKET_ENV": "production", "MARKET_SECRET_KEY": KEY}
    with pytest.raises(ConfigError) as error:
        load_settings(environ)
    message = str(error.value)
    assert message.startswith(
        "Set MARKET_CONTACT_EMAIL and MARKET_CONTACT_PHONE and MARKET_DATA_CONTROLLER: a live service"
    )
    assert message.endswith(".") and "\n" not in message
    with pytest.raises(ConfigError, match=r"^Set MARKET_CONTACT_PHONE: "):
        load_settings({**environ, **CONTACT, "MARKET_CONTACT_PHONE": " "})
    settings = load_settings(
        {**environ, **CONTACT, "MARKET_CONTACT_ADDRESS": "Shire Hall, Shiretown, SH1 2AB"}
    )
    assert settings.contact == Contact(
        email="pa-help@shire.example",
        phone="01632 960 456",
        data_controller="Shire County Council",
        address="Shire Hall, Shiretown, SH1 2AB",
        hours="",  # nothing of the demo's shows on a live service
        dpo_email="",
        ico_registration="",
    )
    assert settings.contact.address_lines == ["Shire Hall", "Shiretown", "SH1 2AB"]
    assert settings.contact.data_protection_email == "pa-help@shire.example"


def test_development_has_the_demo_s_contact_details_unless_told(tmp_path):
    environ = {"MARKET_VAR_DIR": str(tmp_path), "MARKET_ENV": "development"}
    assert load_settings(environ).contact == Contact()
    told = load_settings(
        {**environ, "MARKET_CONTACT_PHONE": "0300 123 4567", "MARKET_DPO_EMAIL": "dpo@shire.example"}
    )
    assert told.contact.phone == "0300 123 4567" and told.contact.email == Contact().email
    assert told.contact.data_protection_email == "dpo@shire.example"


@pytest.mark.parametrize("name", ["MARKET_CONTACT_EMAIL", "MARKET_DPO_EMAIL"])
@pytest.mark.parametrize(
    "value", ["help", "help@", "@shire.example", "a b@shire.example", "a@b@shire.example"]
)
def test_a_contact_address_must_be_an_email_address(tmp_path, name, value):
    with pytest.raises(ConfigError, match=f"^{name} must be an email address"):
        load_settings({"MARKET_VAR_DIR": str(tmp_path), "MARKET_ENV": "development", name: value})


def test_the_command_line_prints_the_sentence_not_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "market.cli", "migrate"],
        env={
            "MARKET_VAR_DIR": str(tmp_path),
            "MARKET_ENV": "development",
            "MARKET_DATABASE_URL": "mysql://x@y/z",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("market: MARKET_DATABASE_URL has an unknown scheme 'mysql'")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def _market(args: list[str], tmp_path, **environ: str) -> subprocess.CompletedProcess[str]:
    """The ``market`` command with only the environment given (no MARKET_ENV unless named)."""
    return subprocess.run(
        [sys.executable, "-m", "market.cli", *args],
        env={"MARKET_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_without_market_env_or_a_key_refuses_with_one_sentence(tmp_path):
    result = _market(["serve", "--port", "1"], tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"market: {SECRET_KEY_HELP}\n"
    assert "Traceback" not in result.stderr
    assert "secrets.token_urlsafe(48)" in result.stderr


def test_the_demo_refuses_to_run_in_production(tmp_path):
    result = _market(["demo"], tmp_path, MARKET_SECRET_KEY=KEY, **CONTACT)
    assert result.returncode == 2
    assert "runs only with MARKET_ENV=development" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "market.db").exists()  # nothing was created
