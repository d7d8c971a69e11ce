"""The data export's CSVs (for people's spreadsheets) quote text that would run as a formula;
the JSON Lines (the machine copy the import reads) keep it exactly, so a round trip loses
nothing."""

from __future__ import annotations

import csv
import json

from market.accounts import services as accounts
from market.accounts.schemas import NewUserInput
from market.accounts.tables import User
from market.export import dump, load
from tests.export.conftest import using
from tests.test_spreadsheets import NASTY


async def test_text_cells_are_quoted_in_the_csv_and_exact_in_the_jsonl(database, second_database, tmp_path):
    for number, name in enumerate(NASTY):
        user = await accounts.create_user(
            NewUserInput(
                email=f"n{number}@example.org",
                display_name="Name",
                role="staff",
                password="a long password 1",
            )
        )
        # As stored, even with the leading tab or return that the account service trims.
        await User.update({User.display_name: name}).where(User.id == user.id)
    await dump.export_to(tmp_path)
    with (tmp_path / "account_user.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert sorted(row["display_name"] for row in rows) == sorted("'" + name for name in NASTY)
    assert all(row["id"].isdigit() for row in rows)
    lines = (tmp_path / "account_user.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["display_name"] for line in lines) == sorted(NASTY)

    async with using(second_database):
        await load.import_from(tmp_path)
        loaded = await User.select(User.display_name)
    assert sorted(row["display_name"] for row in loaded) == sorted(NASTY)
