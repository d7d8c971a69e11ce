"""The ``market`` command: serve, migrate, demo, users, backup, geo, register, dbs, training,
matching, mail, jobs, worker, export, import."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from market.roles import ROLES
from market.settings import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from market.geo.services import GeoPoint
    from market.register.import_rows import Mode

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        print(f"market: {error}", file=sys.stderr)
        raise SystemExit(2) from None


async def _with_db(settings: Settings, work: Callable[[], Awaitable[T]], *, migrated: bool = True) -> T:
    """Run ``work`` against the database; unless this is the migration itself, first make sure
    the database is up to date, or say in one line what to do (not a traceback from a missing
    table halfway through)."""
    from market import db

    engine = db.activate(db.create_engine(settings))
    await db.open_pool(engine, max_size=2)
    try:
        if migrated and (pending := await db.pending_migrations()):
            print(
                f"market: the database is not up to date ({pending} migration{'s' if pending != 1 else ''}"
                " not yet run): run `market migrate` first.",
                file=sys.stderr,
            )
            raise SystemExit(2)
        return await work()
    finally:
        await db.close_pool(engine)


def cmd_migrate(args: argparse.Namespace) -> int:
    from market import db

    settings = _settings()
    asyncio.run(_with_db(settings, db.migrate, migrated=False))
    print(f"Database is up to date ({'PostgreSQL' if settings.is_postgres else settings.sqlite_path}).")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from market import demo

    settings = _settings()
    if settings.is_production:
        # The demo accounts share one published password: never on a live service.
        print(
            "market: the demo accounts have a published password, so `market demo` runs only "
            "with MARKET_ENV=development.",
            file=sys.stderr,
        )
        return 2
    created = asyncio.run(_with_db(settings, lambda: demo.seed(settings, only_if_empty=args.if_empty)))
    if created is None:
        print("The database already has accounts: demo data not added.")
    else:
        print(f"Demo data ready ({created} new accounts).")
        from market.register.demo import summary

        if line := asyncio.run(_with_db(settings, summary)):
            print(line)
    demo.print_logins()
    return 0


def cmd_users_create(args: argparse.Namespace) -> int:
    from market.accounts import services
    from market.accounts.schemas import NewUserInput
    from market.errors import Invalid

    settings = _settings()
    password = args.password or getpass.getpass("Password for the new account: ")
    data = NewUserInput(email=args.email, display_name=args.name, role=args.role, password=password)
    try:
        user = asyncio.run(_with_db(settings, lambda: services.create_user(data)))
    except Invalid as invalid:
        for field, message in invalid.errors.items():
            print(f"market: {field}: {message}", file=sys.stderr)
        return 1
    print(f"Created {user.role} account {user.email} (id {user.id}).")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    settings = _settings()
    if settings.is_postgres:
        print(
            "market: this database is PostgreSQL: back it up with pg_dump, for example\n"
            '  pg_dump --format=custom --file=market.dump "$MARKET_DATABASE_URL"',
            file=sys.stderr,
        )
        return 2
    target = Path(args.file)
    if target.exists() and not args.force:
        print(f"market: {target} exists; choose another name or add --force.", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    # The online backup API copies a consistent snapshot while the site keeps running.
    with sqlite3.connect(settings.sqlite_path) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
    print(f"Backed up {settings.sqlite_path} to {target} ({target.stat().st_size:,} bytes).")
    return 0


def cmd_mail_send(args: argparse.Namespace) -> int:
    from market.mail import services as mail

    settings = _settings()
    if not settings.smtp_host:
        print("market: MARKET_SMTP_HOST is not set: nothing to send through.", file=sys.stderr)
        return 2
    report = asyncio.run(_with_db(settings, lambda: mail.deliver_due(settings)))
    print(f"Sent {report.sent}, will retry {report.retrying}, gave up on {report.failed}.")
    return 0


# `market jobs run` when another process holds the job's lease (EX_TEMPFAIL: try again later).
EXIT_BUSY = 75


def _run_job(name: str) -> int:
    """Run one leased job now, taking its lease: 0 done, 1 it failed, 75 another process holds
    the lease (it is running there: nothing is run here, and cron's next turn tries again)."""
    from market import jobs

    job = jobs.find(name)
    if job is None:
        names = ", ".join(j.slug for j in jobs.LEASED_JOBS)
        print(f"market jobs run: no job called {name!r} (one of: {names})", file=sys.stderr)
        return 2
    if not job.leased:
        print(
            f"market jobs run: {job.name!r} keeps each web worker's own memory fresh; it runs in "
            "every web worker, not from here.",
            file=sys.stderr,
        )
        return 2
    settings = _settings()

    async def work() -> tuple[jobs.Outcome | None, str]:
        from market.worker import leases

        outcome = await jobs.Runner(settings).run_one(job, force=True)
        if outcome is not None:
            return outcome, ""
        record = (await leases.records()).get(job.name)
        return None, f"{record.holder} until {record.lease_until:%Y-%m-%d %H:%M:%S} UTC" if record else "?"

    outcome, held_by = asyncio.run(_with_db(settings, work))
    if outcome is None:
        print(f"market jobs run: {job.name} is running in another process ({held_by}).", file=sys.stderr)
        return EXIT_BUSY
    if outcome.outcome != "ok":
        print(f"market jobs run: {job.name} {outcome.outcome}: {outcome.error}", file=sys.stderr)
        return 1
    print(outcome.message or f"{job.name}: done", f"({outcome.seconds:.1f} s)")
    return 0


def cmd_jobs_run(args: argparse.Namespace) -> int:
    return _run_job(args.name)


def _ago(now: Any, moment: Any) -> str:
    if moment is None:
        return "never"
    seconds = int((now - moment).total_seconds())
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago" if seconds < 172800 else f"{seconds // 86400} days ago"


def _every(seconds: int) -> str:
    if seconds == 0:
        return "every turn"
    return f"every {seconds // 3600} h" if seconds % 3600 == 0 else f"every {seconds} s"


def cmd_jobs_list(args: argparse.Namespace) -> int:
    from market import jobs
    from market.clock import utcnow
    from market.worker import leases

    settings = _settings()
    known = asyncio.run(_with_db(settings, leases.records))
    now = utcnow()
    for job in jobs.JOBS:
        if not job.leased:
            print(f"{job.slug}: {_every(job.every_seconds)}, in each web worker (not leased)")
            continue
        record = known.get(job.name) or leases.JobRecord(name=job.name)
        line = f"{job.slug}: {_every(job.every_seconds)}; last run {_ago(now, record.last_started_at)}"
        if record.last_outcome:
            line += f", {record.last_outcome} in {record.last_seconds or 0:.1f} s by {record.last_holder}"
        if record.held(now):
            line += f"; RUNNING in {record.holder} (lease until {record.lease_until:%H:%M:%S} UTC)"
        print(line)
        if record.last_message:
            print(f"    {record.last_message}")
        if record.last_error:
            print(f"    error: {record.last_error}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run every leased job in a loop. SIGTERM or SIGINT: stop after the running job (a second
    one stops it now; its batches are idempotent, and the lease is given back)."""
    import signal

    from market import jobs

    settings = _settings()

    async def work() -> None:
        stop = asyncio.Event()
        loop_task = asyncio.create_task(jobs.run_forever(settings, local=False, stop=stop))

        def on_signal() -> None:
            if stop.is_set():
                loop_task.cancel()
            else:
                print("market worker: stopping after the running job (again to stop now)", flush=True)
                stop.set()

        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, on_signal)
        with contextlib.suppress(asyncio.CancelledError):
            await loop_task

    print(
        f"market worker: running the background jobs every {settings.mail_poll_seconds or 10} s "
        "(SIGTERM or Ctrl+C stops it)",
        flush=True,
    )
    asyncio.run(_with_db(settings, work))
    print("market worker: stopped", flush=True)
    return 0


def cmd_dbs_sweep(args: argparse.Namespace) -> int:
    return _run_job("DBS sweep")


def cmd_training_remind(args: argparse.Namespace) -> int:
    return _run_job("training reminders")


def cmd_matching_train(args: argparse.Namespace) -> int:
    from market.matching.pipeline import learning_store as learning

    settings = _settings()
    least = learning.MIN_OUTCOMES if args.min_outcomes is None else args.min_outcomes
    report = asyncio.run(_with_db(settings, lambda: learning.train(min_outcomes=least)))
    print(report.summary())
    return 0


def cmd_reports_return(args: argparse.Namespace) -> int:
    import json

    from market.clock import london_today
    from market.dates import DateProblem, parse_date_text
    from market.reports import exports, periods, returns

    try:
        period = periods.custom(
            parse_date_text(args.date_from, "The start date"), parse_date_text(args.date_to, "The end date")
        )
        # A period that has not ended is read to today, and labelled "so far".
        period = periods.so_far(period, london_today())
    except (DateProblem, periods.PeriodError) as problem:
        print(f"market reports return: {problem}", file=sys.stderr)
        return 2
    if args.format == "xlsx" and not args.output:
        print("market reports return: --format xlsx needs --output FILE", file=sys.stderr)
        return 2
    settings = _settings()
    sections = asyncio.run(_with_db(settings, lambda: returns.monitoring_return(period, london_today())))
    if args.format == "json":
        print(json.dumps(returns.as_json(sections, period), indent=2))
    else:
        Path(args.output).write_bytes(exports.workbook(sections, period, for_staff=args.staff_copy))
        copy = "staff-only copy (every number)" if args.staff_copy else "commissioner's copy"
        print(f"Wrote the {copy} of the {period.label} return to {args.output}")
    return 0


def _geo_points(settings: Settings, texts: list[str]) -> list[GeoPoint]:
    from market.geo import services as geo

    async def work() -> list[GeoPoint]:
        return [await geo.locate(text) for text in texts]

    return asyncio.run(_with_db(settings, work))


def cmd_geo_lookup(args: argparse.Namespace) -> int:
    import msgspec

    from market.errors import Invalid

    settings = _settings()
    try:
        (point,) = _geo_points(settings, [args.postcode])
    except Invalid as invalid:
        print(f"market: {args.postcode}: {invalid.errors['postcode']}", file=sys.stderr)
        return 2
    print(msgspec.json.encode(point).decode())
    return 0


def cmd_geo_distance(args: argparse.Namespace) -> int:
    from market.errors import Invalid
    from market.geo.distance import haversine_miles

    settings = _settings()
    try:
        a, b = _geo_points(settings, [args.a, args.b])
    except Invalid as invalid:
        print(f"market: {invalid.errors['postcode']}", file=sys.stderr)
        return 2
    miles = float(haversine_miles(a.lat, a.lon, b.lat, b.lon))
    print(
        f"{miles:.1f} miles as the crow flies ({a.postcode} to {b.postcode}, by {a.precision} and {b.precision})"
    )
    return 0


def cmd_geo_import(args: argparse.Namespace) -> int:
    from market.geo.importer import NotCodePointOpen, import_codepo

    settings = _settings()

    def progress(done: int, total: int, postcodes: int) -> None:
        width = 30
        filled = width * done // total
        print(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} area files, {postcodes:,} postcodes",
            end="" if done < total else "\n",
            file=sys.stderr,
            flush=True,
        )

    try:
        report = asyncio.run(_with_db(settings, lambda: import_codepo(Path(args.path), progress=progress)))
    except NotCodePointOpen as error:
        print(f"market: {error}", file=sys.stderr)
        return 2
    print(
        f"Imported {report.postcodes:,} postcodes from {report.files} area files in {report.seconds:.1f} s "
        f"({report.skipped:,} without coordinates skipped). Exact postcode centroids are used from now on."
    )
    return 0


def cmd_register_import(args: argparse.Namespace) -> int:
    from market.errors import DomainError
    from market.register import importer

    settings = _settings()
    path = Path(args.file)
    if not path.is_file():
        print(f"market: {path}: no such file", file=sys.stderr)
        return 2
    if args.valid_only and not args.rejects:
        print("market: --valid-only needs --rejects OUT.csv for the rows it leaves out", file=sys.stderr)
        return 2
    mode: Mode = "check" if args.dry_run else "valid_only" if args.valid_only else "all"
    with path.open("rb") as file:
        content = file.read(importer.MAX_BYTES + 1)  # one byte more is enough to say it is too big

    async def work() -> importer.ImportReport:
        actor = await importer.staff_actor(args.by) if args.by else None
        return await importer.import_csv(
            content, file_name=path.name, settings=settings, actor=actor, mode=mode
        )

    try:
        report = asyncio.run(_with_db(settings, work))
    except DomainError as error:
        print(f"market: {error.detail}", file=sys.stderr)
        return 1
    for problem in report.problems:
        print(str(problem), file=sys.stderr)
    for skipped in report.skipped:
        print(f"line {skipped.line}: {skipped.email} is already on the register: skipped")
    if args.rejects and report.rejected and report.imported:
        Path(args.rejects).write_text(importer.rejects_csv(report), encoding="utf-8-sig", newline="")
        print(f"Wrote {len(report.rejected)} rejected rows to {args.rejects}.")
    counts = f"{report.rows} rows: {len(report.skipped)} already on the register"
    if mode == "check":
        print(f"Checked {counts}, {report.valid} can be added, {len(report.rejected)} with problems.")
    elif report.imported:
        print(
            f"Imported {report.created} PAs ({report.approved} approved) from {counts}, "
            f"{len(report.rejected)} rejected." + (" Invitation emails are queued." if report.created else "")
        )
    else:
        print(f"Nothing was imported: {len(report.problems)} problems in {path.name}.", file=sys.stderr)
    if not args.by and any(p.column == "status" for p in report.problems):
        print(
            "market: to import approved profiles, name the staff account importing: --by EMAIL",
            file=sys.stderr,
        )
    return 1 if report.problems else 0


def cmd_export(args: argparse.Namespace) -> int:
    from market.audit.services import record
    from market.export import dump

    settings = _settings()
    target = Path(args.dir)
    if target.exists() and not target.is_dir():
        print(f"market: {target} is a file; give a directory.", file=sys.stderr)
        return 2
    if target.exists() and any(target.iterdir()) and not args.force:
        print(f"market: {target} is not empty; choose a new directory or add --force.", file=sys.stderr)
        return 1

    async def work() -> dump.ExportReport:
        report = await dump.export_to(target)
        await record("export.full", subject_type="export", detail={"via": "cli", "rows": report.total})
        return report

    try:
        report = asyncio.run(_with_db(settings, work))
    except dump.ExportError as error:
        print(f"market: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    print("It holds personal and DBS data: keep it encrypted and delete it once it is loaded.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import tempfile
    import zipfile

    from market.audit.services import record
    from market.export import load

    settings = _settings()
    source = Path(args.dir)
    if source.is_file() and zipfile.is_zipfile(source):
        # The admin page's download: unpack it, and import the files.
        with tempfile.TemporaryDirectory(prefix="market-import-") as unpacked:
            with zipfile.ZipFile(source) as archive:
                archive.extractall(unpacked)
            args.dir = unpacked
            return cmd_import(args)
    if not source.is_dir():
        print(f"market: {source}: no such directory (or zip file)", file=sys.stderr)
        return 2

    async def work() -> load.ImportReport:
        report = await load.import_from(source)
        # After the import, so that the import itself stays an exact copy of the export.
        await record("export.imported", subject_type="export", detail={"via": "cli", "rows": report.total})
        return report

    try:
        report = asyncio.run(_with_db(settings, work))
    except load.ImportRefused as error:
        print(f"market import: refused: {error}", file=sys.stderr)
        return 2
    except load.ImportProblem as problem:
        print(f"market import: {problem}", file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def served_base_url(environ: Mapping[str, str], host: str, port: int) -> str | None:
    """The base URL emailed links should use when ``market serve`` runs on ``host:port``: in
    development, with no MARKET_BASE_URL of its own, the address being served (links to
    port 8000 from a site on 8206 lead nowhere). None: leave the setting alone (production
    names its public address; an explicit MARKET_BASE_URL always wins)."""
    if environ.get("MARKET_ENV", "").strip() != "development" or environ.get("MARKET_BASE_URL", "").strip():
        return None
    # A server listening on every interface is reached, from this machine, on the loopback.
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else "[::1]" if host == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    # The workers load their settings from the environment (market.asgi), so the served
    # address reaches them there.
    base_url = served_base_url(os.environ, args.host, args.port)
    if base_url:
        os.environ["MARKET_BASE_URL"] = base_url
    settings = _settings()
    print(
        f"Serving the {settings.service_name} at http://{args.host}:{args.port}/ "
        f"({args.workers} worker{'s' if args.workers != 1 else ''}; emailed links use "
        f"{settings.base_url}; Ctrl+C stops it)",
        flush=True,
    )
    uvicorn.run(
        "market.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level="info",
        access_log=not settings.is_production,
    )
    return 0


# The subcommands of one parser.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _add_site_commands(commands: Commands) -> None:
    """Serving the site, migrating its database and adding demo accounts."""
    serve = commands.add_parser("serve", help="serve the site (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--forwarded-allow-ips", default="127.0.0.1", help="proxies trusted to set X-Forwarded-For"
    )
    serve.set_defaults(run=cmd_serve)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)

    demo = commands.add_parser("demo", help="add demo accounts for every role (idempotent)")
    demo.add_argument("--if-empty", action="store_true", help="only when the database has no accounts")
    demo.set_defaults(run=cmd_demo)


def _add_user_commands(commands: Commands) -> None:
    """Accounts, and a copy of the database they live in."""
    users = commands.add_parser("users", help="manage accounts").add_subparsers(
        dest="users_command", required=True
    )
    create = users.add_parser("create", help="create an account of any role")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--password", help="omit to be asked for it")
    create.set_defaults(run=cmd_users_create)

    backup = commands.add_parser("backup", help="copy the SQLite database to a file while it runs")
    backup.add_argument("file")
    backup.add_argument("--force", action="store_true", help="overwrite the file")
    backup.set_defaults(run=cmd_backup)


def _add_geo_commands(commands: Commands) -> None:
    """Postcodes and distances."""
    geo = commands.add_parser("geo", help="postcodes and distances").add_subparsers(
        dest="geo_command", required=True
    )
    lookup = geo.add_parser("lookup", help="where a postcode is, as JSON")
    lookup.add_argument("postcode")
    lookup.set_defaults(run=cmd_geo_lookup)
    distance = geo.add_parser("distance", help="straight-line miles between two postcodes")
    distance.add_argument("a")
    distance.add_argument("b")
    distance.set_defaults(run=cmd_geo_distance)
    load = geo.add_parser("import", help="load every postcode from Code-Point Open's codepo_gb.zip")
    load.add_argument("path")
    load.set_defaults(run=cmd_geo_import)


def _add_register_commands(commands: Commands) -> None:
    """The register's bulk import."""
    register = commands.add_parser("register", help="the PA register").add_subparsers(
        dest="register_command", required=True
    )
    bulk = register.add_parser("import", help="add PAs from a CSV file (docs/register-import.md)")
    bulk.add_argument("file")
    bulk.add_argument("--dry-run", action="store_true", help="check every row and import nothing")
    bulk.add_argument("--valid-only", action="store_true", help="import the rows without problems")
    bulk.add_argument("--rejects", metavar="OUT.csv", help="with --valid-only: write the rows left out here")
    bulk.add_argument("--by", metavar="EMAIL", help="the staff account importing (needed for approved)")
    bulk.set_defaults(run=cmd_register_import)


def _add_job_commands(commands: Commands) -> None:
    """The daily jobs and the matching model, each runnable by hand or from cron."""
    dbs = commands.add_parser("dbs", help="DBS checks").add_subparsers(dest="dbs_command", required=True)
    dbs.add_parser(
        "sweep",
        help="delete rationales past retention, flag expired checks, send reminders (daily; cron-safe)",
    ).set_defaults(run=cmd_dbs_sweep)

    training = commands.add_parser("training", help="training").add_subparsers(
        dest="training_command", required=True
    )
    training.add_parser(
        "remind", help="email PAs whose training expires soon (daily; cron-safe)"
    ).set_defaults(run=cmd_training_remind)

    matching = commands.add_parser("matching", help="matching").add_subparsers(
        dest="matching_command", required=True
    )
    train = matching.add_parser(
        "train", help="learn the score's weights from outcomes; used only if they beat the defaults"
    )
    train.add_argument(
        "--min-outcomes",
        type=int,
        metavar="N",
        help="applications needed (over at least 20 needs) before learned weights may be used; default 200",
    )
    train.set_defaults(run=cmd_matching_train)

    mail = commands.add_parser("mail", help="email").add_subparsers(dest="mail_command", required=True)
    mail.add_parser("send", help="send due email now").set_defaults(run=cmd_mail_send)

    job_commands = commands.add_parser("jobs", help="the background jobs").add_subparsers(
        dest="jobs_command", required=True
    )
    run = job_commands.add_parser(
        "run", help="run one job now, holding its lease (exit 75 if another process is running it)"
    )
    run.add_argument("name", help="e.g. dbs-sweep, training-reminders, email-delivery (see `jobs list`)")
    run.set_defaults(run=cmd_jobs_run)
    job_commands.add_parser(
        "list", help="each job: its interval, last run and outcome, and who holds its lease"
    ).set_defaults(run=cmd_jobs_list)
    commands.add_parser(
        "worker", help="run the background jobs in a loop (beside web workers with MARKET_WEB_JOBS=off)"
    ).set_defaults(run=cmd_worker)


def _add_report_commands(commands: Commands) -> None:
    """The commissioner's reports, and moving every record out and in."""
    reports = commands.add_parser("reports", help="the commissioner's reports").add_subparsers(
        dest="reports_command", required=True
    )
    monitoring = reports.add_parser("return", help="the monitoring return for a period (dates inclusive)")
    monitoring.add_argument("--from", dest="date_from", required=True, help="first day, e.g. 2025-04-01")
    monitoring.add_argument("--to", dest="date_to", required=True, help="last day, e.g. 2026-03-31")
    monitoring.add_argument("--format", choices=("json", "xlsx"), default="json")
    monitoring.add_argument("--output", help="the .xlsx file to write")
    monitoring.add_argument(
        "--staff-copy",
        action="store_true",
        help="every number, for staff only (the default XLSX is the commissioner's copy: counts of "
        "people supported under 5 shown as <5, and the counts that would give them away hidden)",
    )
    monitoring.set_defaults(run=cmd_reports_return)

    export = commands.add_parser("export", help="every record as JSON Lines and CSV (docs/export.md)")
    export.add_argument("dir", help="the directory to write (new, or empty)")
    export.add_argument("--force", action="store_true", help="write into a directory that has files")
    export.set_defaults(run=cmd_export)
    load_all = commands.add_parser(
        "import", help="load an export into a new, empty instance (docs/export.md)"
    )
    load_all.add_argument("dir", help="the directory `market export` wrote, or the zip from /admin/export")
    load_all.set_defaults(run=cmd_import)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="market", description="The PA register.")
    commands = parser.add_subparsers(dest="command", required=True)
    for add in (
        _add_site_commands,
        _add_user_commands,
        _add_geo_commands,
        _add_register_commands,
        _add_job_commands,
        _add_report_commands,
    ):
        add(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
