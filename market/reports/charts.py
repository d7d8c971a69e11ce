"""Charts drawn on the server as SVG: horizontal bars, one per row of a breakdown. Each chart
has a title and a description (``role="img"`` with ``aria-labelledby``), and the page shows the
same numbers in a table beside it, so nothing depends on seeing the bars or on JavaScript.
Pure: text in, text out; every label is escaped."""

from __future__ import annotations

from html import escape

from market.reports.figures import Breakdown

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 220
BAR_WIDTH = 360
VALUE_WIDTH = 60
MAX_ROWS = 15  # beyond this a chart stops helping: the table has every row


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(breakdown: Breakdown, chart_id: str) -> str:
    """An accessible SVG bar chart of the breakdown's largest rows ('' when it has none)."""
    rows = sorted(breakdown.rows, key=lambda r: -r[1])[:MAX_ROWS]
    if not rows or not any(count for _, count in rows):
        return ""
    top = max(count for _, count in rows)
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    shown = "the largest " + str(len(rows)) if len(breakdown.rows) > len(rows) else "every"
    description = f"A bar for {shown} {breakdown.heading.lower()} row; " + "; ".join(
        f"{label}: {count}" for label, count in rows
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-title">{escape(breakdown.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for position, (label, count) in enumerate(rows):
        y = GAP + position * (BAR_HEIGHT + GAP)
        length = 0 if top == 0 else round(BAR_WIDTH * count / top)
        middle = y + BAR_HEIGHT / 2
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" dominant-baseline="middle" '
            f'class="app-chart__label">{escape(_short(label))}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1)}" height="{BAR_HEIGHT}" class="app-chart__bar"/>',
            f'<text x="{LABEL_WIDTH + max(length, 1) + 6}" y="{middle}" dominant-baseline="middle" '
            f'class="app-chart__value">{count}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
