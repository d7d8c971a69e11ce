"""Settings: read once from the environment into one immutable Struct.

No other module reads ``os.environ``; everything that needs configuration takes a
``Settings`` (or a value from it) as an argument.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

import msgspec

# Development (and "test", its alias for harnesses) must be chosen: without MARKET_ENV the
# service is production, which needs a secret key and hides the development-only pages.
ENVIRONMENTS = ("development", "production", "test")
DEFAULT_ENV = "production"
SECRET_KEY_HELP = (
    "Set MARKET_SECRET_KEY to 32 or more random characters, for example the output of: "
    "python3 -c 'import secrets; print(secrets.token_urlsafe(48))' "
    "(production is the default; a developer's machine sets MARKET_ENV=development instead)."
)
# The contact details and data controller a live service must name: no default can be true
# for a real council, so production refuses to start without them (development has demo ones).
CONTACT_REQUIRED = ("MARKET_CONTACT_EMAIL", "MARKET_CONTACT_PHONE", "MARKET_DATA_CONTROLLER")
DBS_STUCK_DAYS_DEFAULT = {"requested": 7, "id_verified": 7, "submitted": 42, "issued": 14, "seen": 7}


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one sentence for the operator."""


class Contact(msgspec.Struct, frozen=True, kw_only=True):
    """How people reach the team that runs the service, and who answers for their data.

    Shown on /contact, in every page's footer, at the foot of every email and in the privacy
    notice. The defaults are development's demo details (a reserved example domain and an
    Ofcom drama number); production must set its own (``CONTACT_REQUIRED``).
    """

    email: str = "help@pa-register.example"
    phone: str = "01632 960 123"
    hours: str = "Monday to Friday, 9am to 5pm, except bank holidays"
    # Postal address, its lines separated by commas; "" shows none.
    address: str = "Direct Payment Support Service, County Hall, Market Street, Exampleton, EX1 1AA"
    # The organisation that decides why and how personal data is used (UK GDPR Article 4(7)).
    data_controller: str = "Example County Council"
    # The data protection officer's address; "" sends data protection questions to ``email``.
    dpo_email: str = ""
    # The controller's number on the ICO's register of fee payers; "" leaves it unsaid.
    ico_registration: str = ""

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.split(",") if line.strip()]

    @property
    def data_protection_email(self) -> str:
        return self.dpo_email or self.email


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str
    secret_key: str
    env: str = DEFAULT_ENV
    base_url: str = "http://127.0.0.1:8000"
    service_name: str = "PA register"
    var_dir: str = "var"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "PA register <no-reply@localhost>"
    max_body_bytes: int = 1_048_576
    login_attempts_per_window: int = 5
    login_window_seconds: int = 900
    session_days: int = 14
    # How often each worker sends due email; 0 turns the background sender off.
    mail_poll_seconds: int = 10
    # Whether web workers run the leased background jobs (sweeps, reminders, email ...) in
    # their job loop; off when a separate `market worker` process runs them (README).
    web_jobs: bool = True
    # How long an approval lasts before staff must review the PA again.
    review_months: int = 12
    # Online geocoding of place names (never postcodes): "" (off) or "nominatim".
    geocoder: str = ""
    geocoder_user_agent: str = ""
    geocoder_domain: str = "nominatim.openstreetmap.org"
    geocoder_scheme: str = "https"
    geocoder_timeout_seconds: int = 5
    token_hours: int = 24
    # DBS: a certificate counts as current for this long after issue ...
    dbs_recheck_months: int = 36
    # ... or, for an Update Service subscriber, this long after a status check said current.
    dbs_status_check_months: int = 12
    # Staff's rationale on a decision is deleted this long after the decision.
    dbs_rationale_retention_months: int = 6
    # PAs are emailed this many days before their check stops being current.
    dbs_reminder_days: int = 60
    # An application waiting longer than this many days at a step is on staff's reminder list.
    # PAs are emailed this many days before a course they hold expires.
    training_reminder_days: int = 30
    # How far (miles) from a PA's home a session counts as "near them".
    training_near_miles: int = 20
    dbs_stuck_days: dict[str, int] = msgspec.field(default_factory=lambda: dict(DBS_STUCK_DAYS_DEFAULT))
    # The OpenAPI document and its viewer under /schema; None: on in development, off in production.
    api_docs: bool | None = None
    contact: Contact = msgspec.field(default_factory=Contact)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def serves_api_docs(self) -> bool:
        return (not self.is_production) if self.api_docs is None else self.api_docs

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def sqlite_path(self) -> str:
        """The file path of an ``sqlite:///path`` URL."""
        return self.database_url.removeprefix("sqlite:///")


def _database_url(value: str) -> str:
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme == "sqlite":
        if not value.startswith("sqlite:///") or value == "sqlite:///":
            raise ConfigError(f"MARKET_DATABASE_URL {value!r} is malformed: write sqlite:///path/to/file.db.")
        if value.removeprefix("sqlite:///") in (":memory:", ""):
            raise ConfigError("MARKET_DATABASE_URL cannot be an in-memory SQLite database; give a file.")
        return value
    if scheme in ("postgresql", "postgres"):
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as error:
            raise ConfigError(f"MARKET_DATABASE_URL is malformed: {error}.") from None
        if not parts.hostname or not parts.path.strip("/"):
            raise ConfigError("MARKET_DATABASE_URL is malformed: write postgresql://user@host:5432/database.")
        return value
    raise ConfigError(
        f"MARKET_DATABASE_URL has an unknown scheme {scheme or value!r}: "
        "use sqlite:///path/to/file.db or postgresql://user@host:5432/database."
    )


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}.")


def _secret_key(environ: Mapping[str, str], env: str, var_dir: Path) -> str:
    key = environ.get("MARKET_SECRET_KEY", "").strip()
    if key:
        if len(key) < 32:
            raise ConfigError("MARKET_SECRET_KEY must be at least 32 characters long.")
        return key
    if env == "production":
        raise ConfigError(SECRET_KEY_HELP)
    # Development: keep one generated key so that sessions survive a restart.
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from environment variables; raise ConfigError on bad values."""
    environ = os.environ if environ is None else environ
    env = environ.get("MARKET_ENV", "").strip().lower() or DEFAULT_ENV
    if env not in ENVIRONMENTS:
        raise ConfigError(f"MARKET_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    var_dir = Path(environ.get("MARKET_VAR_DIR", "var"))
    database_url = _database_url(
        environ.get("MARKET_DATABASE_URL", "").strip() or f"sqlite:///{var_dir / 'market.db'}"
    )
    base_url = environ.get("MARKET_BASE_URL", "").strip() or "http://127.0.0.1:8000"
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise ConfigError(f"MARKET_BASE_URL must be an http(s) address, not {base_url!r}.")
    return Settings(
        database_url=database_url,
        secret_key=_secret_key(environ, env, var_dir),
        env=env,
        base_url=base_url.rstrip("/"),
        service_name=environ.get("MARKET_SERVICE_NAME", "").strip() or "PA register",
        var_dir=str(var_dir),
        smtp_host=environ.get("MARKET_SMTP_HOST", "").strip(),
        smtp_port=_int(environ, "MARKET_SMTP_PORT", 25),
        smtp_username=environ.get("MARKET_SMTP_USERNAME", ""),
        smtp_password=environ.get("MARKET_SMTP_PASSWORD", ""),
        smtp_starttls=_bool(environ, "MARKET_SMTP_STARTTLS", False),
        mail_from=environ.get("MARKET_MAIL_FROM", "").strip() or "PA register <no-reply@localhost>",
        max_body_bytes=_int(environ, "MARKET_MAX_BODY_BYTES", 1_048_576),
        mail_poll_seconds=_int(environ, "MARKET_MAIL_POLL_SECONDS", 10),
        web_jobs=_bool(environ, "MARKET_WEB_JOBS", True),
        review_months=_int(environ, "MARKET_REVIEW_MONTHS", 12),
        dbs_recheck_months=_int(environ, "MARKET_DBS_RECHECK_MONTHS", 36),
        dbs_status_check_months=_int(environ, "MARKET_DBS_STATUS_CHECK_MONTHS", 12),
        dbs_rationale_retention_months=_int(environ, "MARKET_DBS_RATIONALE_RETENTION_MONTHS", 6),
        dbs_reminder_days=_int(environ, "MARKET_DBS_REMINDER_DAYS", 60),
        dbs_stuck_days=_stuck_days(environ.get("MARKET_DBS_STUCK_DAYS", "")),
        training_reminder_days=_int(environ, "MARKET_TRAINING_REMINDER_DAYS", 30),
        training_near_miles=_int(environ, "MARKET_TRAINING_NEAR_MILES", 20),
        api_docs=_bool(environ, "MARKET_API_DOCS", env != "production"),
        contact=_contact(environ, env),
        **_geocoder(environ),
    )


def _contact(environ: Mapping[str, str], env: str) -> Contact:
    """The MARKET_CONTACT_* settings: production names its own, development keeps the demo's."""
    values = {name: environ.get(name, "").strip() for name in CONTACT_REQUIRED}
    missing = [name for name, value in values.items() if not value]
    if env == "production" and missing:
        raise ConfigError(
            f"Set {' and '.join(missing)}: a live service must tell people how to reach its team "
            "and who controls their data (a developer's machine sets MARKET_ENV=development instead)."
        )
    for name in ("MARKET_CONTACT_EMAIL", "MARKET_DPO_EMAIL"):
        address = environ.get(name, "").strip()
        local, at, domain = address.partition("@")
        if address and not (at and local and "." in domain and " " not in address and "@" not in domain):
            raise ConfigError(f"{name} must be an email address, not {address!r}.")
    demo = Contact()
    given = {
        "email": values["MARKET_CONTACT_EMAIL"],
        "phone": values["MARKET_CONTACT_PHONE"],
        "data_controller": values["MARKET_DATA_CONTROLLER"],
        "hours": environ.get("MARKET_CONTACT_HOURS", "").strip(),
        "address": environ.get("MARKET_CONTACT_ADDRESS", "").strip(),
        "dpo_email": environ.get("MARKET_DPO_EMAIL", "").strip(),
        "ico_registration": environ.get("MARKET_ICO_REGISTRATION", "").strip(),
    }
    if env == "production":
        # Nothing of the demo's may show on a live service: unset optional details show nothing.
        return Contact(**given)
    return Contact(**{key: value or getattr(demo, key) for key, value in given.items()})


def _stuck_days(raw: str) -> dict[str, int]:
    """``requested=7,submitted=42``: days an application may wait at each step; the rest default."""
    days = dict(DBS_STUCK_DAYS_DEFAULT)
    for part in filter(None, (p.strip() for p in raw.split(","))):
        step, _, number = part.partition("=")
        step = step.strip()
        if step not in days or not number.strip().isdigit():
            raise ConfigError(
                f"MARKET_DBS_STUCK_DAYS must look like requested=7,submitted=42 using the steps "
                f"{', '.join(days)}; {part!r} is not understood."
            )
        days[step] = int(number)
    return days


class _Geocoder(TypedDict):
    geocoder: str
    geocoder_user_agent: str
    geocoder_domain: str
    geocoder_scheme: str
    geocoder_timeout_seconds: int


def _geocoder(environ: Mapping[str, str]) -> _Geocoder:
    name = environ.get("MARKET_GEOCODER", "").strip().lower()
    if name not in ("", "nominatim"):
        raise ConfigError(f"MARKET_GEOCODER must be nominatim or empty (off), not {name!r}.")
    user_agent = environ.get("MARKET_GEOCODER_USER_AGENT", "").strip()
    if name and not user_agent:
        raise ConfigError(
            "MARKET_GEOCODER_USER_AGENT must name your service and a contact (Nominatim's usage policy)."
        )
    return {
        "geocoder": name,
        "geocoder_user_agent": user_agent,
        "geocoder_domain": environ.get("MARKET_GEOCODER_DOMAIN", "").strip() or "nominatim.openstreetmap.org",
        "geocoder_scheme": environ.get("MARKET_GEOCODER_SCHEME", "").strip() or "https",
        "geocoder_timeout_seconds": _int(environ, "MARKET_GEOCODER_TIMEOUT_SECONDS", 5),
    }
