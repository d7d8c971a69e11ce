from piccolo.columns import DoublePrecision, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Postcode(Table, tablename="geo_postcode"):
    """Every GB postcode's centroid, when the full Code-Point Open table has been imported.

    Empty by default: the shipped sector and district table answers until then.
    """

    id = Serial(primary_key=True)
    postcode = Varchar(length=8, unique=True, index=True)  # normalised, "PE1 1AB"
    sector = Varchar(length=6, index=True)
    lat = DoublePrecision()
    lon = DoublePrecision()


class PostcodeImport(Table, tablename="geo_postcode_import"):
    """One run of ``market geo import``: what was loaded, from where, and when."""

    id = Serial(primary_key=True)
    at = Timestamptz(default=TimestamptzNow())
    source = Varchar(length=255)
    release = Varchar(length=64, default="")
    postcodes = Integer()
    skipped = Integer(default=0)
    seconds = DoublePrecision(default=0.0)


class PlaceCache(Table, tablename="geo_place_cache"):
    """Answers from an online geocoder, kept so that each place is asked for once."""

    id = Serial(primary_key=True)
    query = Varchar(length=200, unique=True, index=True)
    lat = DoublePrecision(null=True, default=None)
    lon = DoublePrecision(null=True, default=None)
    label = Text(default="")
    source = Varchar(length=32, default="")
    created_at = Timestamptz(default=TimestamptzNow())
