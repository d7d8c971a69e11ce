"""Place names through an online geocoder: a local stand-in for Nominatim's HTTP API."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import msgspec
import pytest

from market.errors import Invalid
from market.geo.places import ENTER_POSTCODE, UNAVAILABLE, locate_place
from market.geo.tables import PlaceCache
from tests.support import free_port


class FakeNominatim(BaseHTTPRequestHandler):
    calls: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's hook name
        FakeNominatim.calls.append(self.path)
        found = "deeping" in self.path.lower()
        body = json.dumps(
            [
                {
                    "lat": "52.6745",
                    "lon": "-0.3189",
                    "display_name": "Market Deeping, Lincolnshire",
                    "place_id": 1,
                    "boundingbox": ["52.6", "52.7", "-0.4", "-0.3"],
                    "importance": 0.5,
                }
            ]
            if found
            else []
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim():
    server = HTTPServer(("127.0.0.1", free_port()), FakeNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeNominatim.calls = []
    yield server.server_address[1]
    server.shutdown()


def online(settings, port: int):
    return msgspec.structs.replace(
        settings,
        geocoder="nominatim",
        geocoder_user_agent="pa-register-tests (test@example.org)",
        geocoder_domain=f"127.0.0.1:{port}",
        geocoder_scheme="http",
    )


async def test_postcodes_and_districts_never_go_online(database, nominatim):
    settings = online(database, nominatim)
    assert (await locate_place("PE1 1AB", settings)).precision == "sector"
    assert (await locate_place("pe1", settings)).precision == "district"
    assert FakeNominatim.calls == []


async def test_place_names_are_looked_up_once_and_cached(database, nominatim):
    settings = online(database, nominatim)
    first = await locate_place("Market Deeping", settings)
    assert (first.lat, first.lon, first.precision) == (52.6745, -0.3189, "place")
    again = await locate_place("market  deeping", settings)
    assert again.lat == first.lat
    assert len(FakeNominatim.calls) == 1
    with pytest.raises(Invalid) as unknown:
        await locate_place("Nowhere At All", settings)
    assert "couldn't find that place" in unknown.value.errors["place"]
    assert await PlaceCache.count() == 2


async def test_a_geocoder_failure_degrades_with_a_warning(database, caplog):
    settings = online(database, free_port())  # nothing listens there
    with pytest.raises(Invalid) as error:
        await locate_place("Market Deeping", settings)
    assert error.value.errors == {"place": UNAVAILABLE}
    assert "Online geocoder failed" in caplog.text
    # Postcodes still work offline.
    assert (await locate_place("OX1 1DP", settings)).precision == "sector"


async def test_with_the_geocoder_off_place_names_ask_for_a_postcode(database):
    with pytest.raises(Invalid) as error:
        await locate_place("Market Deeping", database)
    assert error.value.errors == {"place": ENTER_POSTCODE}
