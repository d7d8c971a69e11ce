"""The trilateration attack (issue 15): nothing a recipient can ask locates a PA more precisely
than their postcode sector, on both database engines.

The full postcode table is loaded, as the README recommends, from real Code-Point Open rows:
every postcode of the 14 sectors within 3 miles of PE2 5 in Peterborough
(``tests/geo/data/peterborough.csv.gz``). A PA's stored position is then their postcode's exact
centroid. Before the fix, 61 bands asked from chosen postcodes pinned a PA to that postcode.

The attacker is a recipient whose own places are the homes of the two people they act for
(PE1 1AB, and one in PE3 6) and a need at the second, and the districts of those (PE1, PE3). They send 200 probes from those places
(the profile's distance, the search at every radius and in both orders, the need's matches)
and try other postcodes as they like. Every other postcode is refused. What their own places answer is the
same every time, and stays the same wherever in the sector the PA is put: at the postcodes
nearest to and farthest from each place (any answer that grows with the distance from a place,
as a band, an inclusion or an order does, is then the same for every postcode in between) and
at others. So every postcode of the PA's sector is consistent with every answer, while a PA
moved to another sector does change them: the probes can tell sectors apart, and nothing finer.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from itertools import cycle, islice
from pathlib import Path

import numpy as np
import pytest

from market.geo import centroids
from market.geo.distance import haversine_miles
from market.geo.importer import import_codepo
from market.geo.osgb import grid_to_wgs84
from market.matching import matches as match_service
from market.matching.tables import Need
from market.register import changes
from market.register.tables import PAProfile
from market.search.schemas import RADII
from tests.dbs.support import as_current, certificate
from tests.matching.factories import current, make_need, make_recipient
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit

FIXTURE = Path(__file__).parents[1] / "geo" / "data" / "peterborough.csv.gz"
HEADERS = "PC,PQ,EA,NO\nPostcode,Positional_quality_indicator,Eastings,Northings\n"
PA_SECTOR = "PE2 5"
HOME = "PE1 1AB"  # the searcher's own person (tests/search/conftest.py)
PROBES = 200  # in all, from the caller's places in turn


def fixture_postcodes() -> dict[str, tuple[float, float]]:
    """Every postcode in the fixture with its exact centroid (as the importer computes it)."""
    rows = list(csv.reader(io.StringIO(gzip.decompress(FIXTURE.read_bytes()).decode())))
    lat, lon = grid_to_wgs84(np.array([float(r[2]) for r in rows]), np.array([float(r[3]) for r in rows]))
    return {" ".join(r[0].split()): (float(a), float(b)) for r, a, b in zip(rows, lat, lon, strict=True)}


async def load_full_table(folder: Path) -> None:
    path = folder / "codepo_gb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Doc/Code-Point_Open_Column_Headers.csv", HEADERS)
        archive.writestr("Doc/metadata.txt", "Release date: May 2025\n")
        archive.writestr("Data/CSV/pe.csv", gzip.decompress(FIXTURE.read_bytes()).decode())
    report = await import_codepo(path)
    assert report.postcodes > 2000


def in_sector(table: dict[str, tuple[float, float]], sector: str) -> list[str]:
    return sorted(p for p in table if p[:-2] == sector)


def bracket(table, sector: str, places: list[str]) -> list[str]:
    """The sector's postcodes nearest to and farthest from each place, and two more."""
    codes = in_sector(table, sector)
    lat = np.array([table[c][0] for c in codes])
    lon = np.array([table[c][1] for c in codes])
    chosen = {codes[len(codes) // 3], codes[2 * len(codes) // 3]}
    for place in places:
        miles = haversine_miles(*table[place], lat, lon)
        chosen |= {codes[int(np.argmin(miles))], codes[int(np.argmax(miles))]}
    return sorted(chosen)


async def move_pa(profile_id: int, postcode: str, table) -> None:
    """Put the PA's home at another postcode, as an edit of their profile would."""
    lat, lon = table[postcode]
    await PAProfile.update(
        {
            PAProfile.home_postcode: postcode,
            PAProfile.sector: postcode[:-2],
            PAProfile.district: postcode.split()[0],
            PAProfile.lat: lat,
            PAProfile.lon: lon,
        }
    ).where(PAProfile.id == profile_id)
    await changes.touch(profile_id)
    match_service.CACHE.reset()


def probes(profile_id: int, need_id: int, place: str) -> list[tuple[str, dict]]:
    """Every kind of question the caller may ask from one of their places: the profile's
    distance, the search at each radius (inclusion), both orders, the need's matches."""
    asked: list[tuple[str, dict]] = [(f"/api/v1/register/pas/{profile_id}", {"from": place})]
    for radius in RADII:
        asked.append(("/api/v1/register/search", {"postcode": place, "radius": radius, "sort": "distance"}))
    asked.append(("/api/v1/register/search", {"postcode": place, "radius": 50, "sort": "relevance"}))
    asked.append((f"/api/v1/needs/{need_id}/matches", {}))
    return asked


async def answer(client, url: str, params: dict) -> object:
    """What a question tells the caller about where PAs are: bands, inclusion, order, scores."""
    response = await client.get(url, params=params)
    assert response.status_code == 200, (url, params, response.text)
    body = response.json()
    if "results" in body:
        return (body["total"], [(r["id"], r["distance_band"]) for r in body["results"]])
    if "matches" in body:
        return (body["total"], [(m["profile_id"], m["distance_band"], m["score"]) for m in body["matches"]])
    return body["distance_band"]


async def answers(client, questions) -> dict:
    return {
        (url, tuple(sorted(params.items()))): await answer(client, url, params) for url, params in questions
    }


async def test_trilateration_cannot_narrow_a_pa_below_their_sector(client, login_as, create_user, tmp_path):
    await load_full_table(tmp_path)
    table = fixture_postcodes()
    sector = in_sector(table, PA_SECTOR)
    assert len(sector) >= 150  # a real sector: about 200 postcodes
    friend_home = in_sector(table, "PE3 6")[0]
    target = await make_pa(name="Tara Target", postcode=sector[len(sector) // 2], travel_miles=20)
    # A PA in the same sector: ties within a band must not be broken by who is nearer.
    rival = await make_pa(name="Rhys Rival", postcode=sector[5], travel_miles=20)
    staff = await as_current(await create_user("staff"))
    for pa in (target, rival):
        await certificate(pa["id"], staff)  # so that both match the need too
    stored = await PAProfile.select(PAProfile.lat, PAProfile.lon).where(PAProfile.id == target["id"]).first()
    assert (stored["lat"], stored["lon"]) == pytest.approx(table[target["home_postcode"]], abs=1e-6)

    user = await login_as("recipient")  # acts for a person at HOME
    friend = await make_recipient(user=current(user), name="Fran Friend", postcode=friend_home)
    need = await make_need(friend, title="Evening help")
    places = [HOME, friend_home]
    match_service.CACHE.reset()

    # The districts of their places (issue 16) are theirs to ask from too, from each district's
    # centre: two more fixed points, which must tell no more than the places themselves.
    districts = ["PE1", friend_home.split()[0]]
    questions = [q for place in places + districts for q in probes(target["id"], need["id"], place)]
    observed = await answers(client, questions)
    lists = [[item[0] for item in v[1]] for v in observed.values() if isinstance(v, tuple)]
    assert any({target["id"], rival["id"]} <= set(ids) for ids in lists), "the probes see both PAs"
    # In one band the order is by id, never by who is nearer (the rival is the nearer to HOME).
    both = [ids for ids in lists if {target["id"], rival["id"]} <= set(ids)]
    assert all(ids.index(target["id"]) < ids.index(rival["id"]) for ids in both)

    # 200 probes from the caller's places: asking again tells nothing new.
    for url, params in islice(cycle(questions), PROBES):
        assert await answer(client, url, params) == observed[(url, tuple(sorted(params.items())))]

    # Any other postcode is refused, naming the field, on the API and the page.
    others = [p for p in table if p[:-2] != PA_SECTOR and p not in places][::197][:8]
    others += [target["home_postcode"], sector[0], "PE2 5", "PE2", "PE7", "pe2"]
    for probe in others:
        profile = await client.get(f"/api/v1/register/pas/{target['id']}", params={"from": probe})
        assert profile.status_code == 422 and set(profile.json()["errors"]) == {"from"}, probe
        search = await client.get("/api/v1/register/search", params={"postcode": probe})
        assert search.status_code == 422 and set(search.json()["errors"]) == {"postcode"}, probe
    page = await client.get(f"/pas/{target['id']}", params={"from": others[0]})
    assert page.status_code == 422
    assert "Enter your own postcode or the postcode of one of your needs" in page.text
    assert others[0] not in page.text.replace(HOME, "").replace(friend_home, "")

    # Wherever in the sector the PA lives, every answer is the same.
    consistent = []
    for postcode in bracket(table, PA_SECTOR, places):
        await move_pa(target["id"], postcode, table)
        if await answers(client, questions) == observed:
            consistent.append(postcode)
    assert consistent == bracket(table, PA_SECTOR, places)
    # ... while another sector answers differently: the probes do see where a PA is, to a sector.
    await move_pa(target["id"], in_sector(table, "PE7 8")[0], table)
    assert await answers(client, questions) != observed


async def test_work_near_me_cannot_locate_the_person_below_their_sector(client, create_user, tmp_path):
    """The other way round: a PA sees needs, and may move their own home as they like; what
    they are told of a need depends on the person's sector alone."""
    await load_full_table(tmp_path)
    table = fixture_postcodes()
    needs_sector = in_sector(table, "PE3 6")
    person = await make_recipient(name="Pat Private", postcode=needs_sector[len(needs_sector) // 2])
    need = await make_need(person, title="Mornings", max_distance_miles=20)
    other = await make_need(person, title="Weekends", max_distance_miles=20, postcode=needs_sector[3])
    pa = await make_pa(name="Paula Probe", postcode=in_sector(table, PA_SECTOR)[0], travel_miles=20)
    await certificate(pa["id"], await as_current(await create_user("staff")))
    await submit(client, "/login", {"email": pa["email"], "password": PASSWORD})

    async def work() -> list:
        body = (await client.get("/api/v1/work/")).json()
        return [(w["need_id"], w["distance_band"], w["score"]) for w in body]

    match_service.CACHE.reset()
    seen = await work()
    assert {n for n, _, _ in seen} == {need["id"], other["id"]}
    assert [n for n, _, _ in seen] == [need["id"], other["id"]]  # one score: by need id
    for postcode in bracket(table, "PE3 6", [pa["home_postcode"]]):
        lat, lon = table[postcode]
        await Need.update({Need.postcode: postcode, Need.lat: lat, Need.lon: lon}).where(
            Need.id == need["id"]
        )
        assert await work() == seen, postcode
    # Moving their own home within their sector tells the PA nothing more.
    for postcode in bracket(table, PA_SECTOR, [need["postcode"], other["postcode"]]):
        await move_pa(pa["id"], postcode, table)
        assert await work() == seen, postcode
    assert centroids.sector_point(pa["home_postcode"]) == centroids.sector_centroid(PA_SECTOR)


async def test_a_recipient_searches_from_their_own_places_and_is_told_which(client, create_user):
    """Without the full table: the shipped sector centres answer, with the same rules."""
    pa = await make_pa(name="Amira Near", postcode="PE2 5DE")
    user = await create_user("recipient")
    await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    # No person yet: nowhere to search from, and the page says what to do.
    page = await client.get("/search")
    assert "Add the person you are finding support for first" in page.text
    refused = await client.get("/api/v1/register/search", params={"postcode": "PE1 1AB"})
    assert refused.status_code == 422 and "Add the person" in refused.json()["errors"]["postcode"]

    person = await make_recipient(user=current(user), name="Sam Person", postcode="PE1 1AB")
    await make_need(person, title="Evenings", postcode="PE7 1AB")
    page = await client.get("/search")
    assert "PE1 1AB, Sam Person&#39;s home; PE7 1AB, Evenings" in page.text
    assert 'value="PE1 1AB"' in page.text  # the blank form starts from their first place
    for place, band in (("pe11ab", "about 3 miles"), ("PE7 1AB", "about 5 miles")):
        found = await client.get("/api/v1/register/search", params={"postcode": place})
        assert [(r["id"], r["distance_band"]) for r in found.json()["results"]] == [(pa["id"], band)]
        one = await client.get(f"/api/v1/register/pas/{pa['id']}", params={"from": place})
        assert one.json()["distance_band"] == band
    other = await client.get(f"/pas/{pa['id']}", params={"from": "PE2 5DE"})
    assert other.status_code == 422
    assert "Enter your own postcode or the postcode of one of your needs: PE1 1AB, PE7 1AB" in other.text
    # Staff ask from anywhere.
    staff = await create_user("staff")
    await submit(client, "/login", {"email": staff.email, "password": PASSWORD})
    anywhere = await client.get(f"/api/v1/register/pas/{pa['id']}", params={"from": "PE2 5DE"})
    assert anywhere.status_code == 200 and anywhere.json()["distance_band"] == "under 1 mile"
