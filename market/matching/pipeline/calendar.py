"""Interview calendar files (iCalendar, RFC 5545): one VEVENT per interview, with a stable UID
and a SEQUENCE that grows on each reschedule, so a calendar updates the event it already
has; a cancelled interview is sent again with STATUS:CANCELLED. METHOD:PUBLISH (not REQUEST):
the file is "add to your calendar", not a meeting invitation that expects replies. Pure: no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec


class CalendarEvent(msgspec.Struct, frozen=True, kw_only=True):
    uid: str
    sequence: int
    starts_at: datetime  # aware
    minutes: int
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False


def _escape(text: str) -> str:
    """TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after one space (RFC 5545 3.1),
    never splitting a UTF-8 character."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return [parts[0], *(" " + p for p in parts[1:])]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(event: CalendarEvent, *, now: datetime | None = None) -> str:
    """The .ics text, CRLF line endings."""
    start = event.starts_at
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//PA register//Interviews//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{_stamp(now or datetime.now(UTC))}",
        f"DTSTART:{_stamp(start)}",
        f"DTEND:{_stamp(start + timedelta(minutes=event.minutes))}",
        f"SUMMARY:{_escape(event.summary)}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
    ]
    if event.location:
        lines.append(f"LOCATION:{_escape(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{_escape(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(f"{part}\r\n" for line in lines for part in _fold(line))
