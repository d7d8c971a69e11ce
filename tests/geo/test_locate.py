import pytest

from market.errors import Invalid
from market.geo import services as geo


async def test_sector_then_district_fallback(database):
    point = await geo.locate("  pe1   1ab ")
    assert (point.postcode, point.sector, point.district, point.precision) == (
        "PE1 1AB",
        "PE1 1",
        "PE1",
        "sector",
    )
    assert point.lat == pytest.approx(52.57, abs=0.05) and point.lon == pytest.approx(-0.24, abs=0.05)
    # A sector the table does not know falls back to its district.
    fallback = await geo.locate("PE1 0ZZ")
    assert fallback.precision in ("district", "sector")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a real postcode, like PE1 1AB"),
        ("hello", "Enter a real postcode, like PE1 1AB"),
        ("PE1 1A", "Enter a real postcode, like PE1 1AB"),
        ("AB1 1AA", "We couldn't find that postcode"),
    ],
)
async def test_bad_postcodes_name_the_field(database, text, message):
    with pytest.raises(Invalid) as error:
        await geo.locate(text, field="home_postcode")
    assert error.value.errors == {"home_postcode": message}


async def test_locate_many_keeps_order_and_reasons(database):
    results = await geo.locate_many(["PE1 1AB", "nonsense", "OX1 1DP", "AB1 1AA"])
    assert results[0].sector == "PE1 1" and results[2].sector == "OX1 1"
    assert results[1] == "Enter a real postcode, like PE1 1AB"
    assert results[3] == "We couldn't find that postcode"
