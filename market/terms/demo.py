"""Demo school terms: Peterborough City Council's published term and holiday dates for the
demo area (PE postcodes), 2025 to 2026 and 2026 to 2027, with their source named
(``peterborough.csv``, which is also the import page's example file; docs/terms.md says
where each date came from)."""

from __future__ import annotations

from pathlib import Path

from market.terms import importer
from market.terms.tables import SchoolYear

DEMO_DATES = Path(__file__).resolve().parent / "peterborough.csv"


async def seed_terms() -> int:
    """Import the demo school years unless there are some; return how many were added."""
    if await SchoolYear.exists():
        return 0
    report = await importer.import_csv(
        DEMO_DATES.read_bytes(), file_name=DEMO_DATES.name, actor=None, mode="all"
    )
    if report.problems:  # pragma: no cover - the file is checked by tests/terms
        raise RuntimeError("; ".join(str(p) for p in report.problems))
    return len(report.years)
