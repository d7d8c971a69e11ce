"""One place that says what time it is (UTC), and how we show times (Europe/London)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def london(moment: datetime | None) -> str:
    """A stored UTC time as people in England read it: 25 November 2026, 9:30am."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(LONDON)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local.day} {local:%B %Y}, {hour}:{local:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


def london_date(moment: datetime | None) -> date | None:
    """The day a stored moment fell on in England (naive moments are UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).date()


def london_today() -> date:
    """Today's date in England."""
    return utcnow().astimezone(LONDON).date()


def at_london_noon(day: date) -> datetime:
    """A date staff give for an event whose time we do not know, as a stored moment."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)
