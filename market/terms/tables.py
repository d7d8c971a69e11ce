from piccolo.columns import Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class SchoolYear(Table, tablename="terms_school_year"):
    """One school year of the council's area ("2025 to 2026"), from its first to its last day."""

    id = Serial(primary_key=True)
    name = Varchar(length=40, unique=True)
    first_day = Date()
    last_day = Date()
    # Where the dates come from ("Peterborough City Council, school term dates 2025 to 2026").
    source = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class SchoolPeriod(Table, tablename="terms_school_period"):
    """A term, half term, holiday or INSET day of a school year, first to last day inclusive."""

    id = Serial(primary_key=True)
    school_year = ForeignKey(references=SchoolYear, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=16)  # term | half_term | holiday | inset
    name = Varchar(length=80, default="")
    first_day = Date()
    last_day = Date()
