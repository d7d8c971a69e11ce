"""The DBS fees shown to PAs: data an admin keeps current on /admin/dbs, not code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.db import write_transaction
from market.dbs.schemas import MAX_NOTE, FeesInput
from market.dbs.tables import DBSFee
from market.errors import Invalid

MAX_PENCE = 100_000  # £1,000: a typing slip, not a DBS fee


class FeeOut(msgspec.Struct, kw_only=True):
    code: str
    name: str
    amount_pence: int
    note: str

    @property
    def amount(self) -> str:
        pounds, pence = divmod(self.amount_pence, 100)
        return f"\u00a3{pounds:,}.{pence:02d}"


async def all_fees() -> list[FeeOut]:
    rows = await DBSFee.select(DBSFee.code, DBSFee.name, DBSFee.amount_pence, DBSFee.note).order_by(
        DBSFee.position
    )
    return [FeeOut(**row) for row in rows]


def fee_problems(data: FeesInput, fees: Sequence[FeeOut]) -> dict[str, str]:
    """Each fee within reason and its note short; every fee the page lists, and no other."""
    names = {fee.code: fee.name for fee in fees}
    problems: dict[str, str] = {}
    for change in data.fees:
        if change.code not in names:
            problems[f"amount_{change.code}"] = "There is no such DBS fee"
            continue
        if change.amount_pence > MAX_PENCE:
            problems[f"amount_{change.code}"] = (
                f"The fee for the {names[change.code].lower()} must be £1,000 or less"
            )
        if len(change.note) > MAX_NOTE:
            problems[f"note_{change.code}"] = f"The note must be {MAX_NOTE} characters or fewer"
    for code in names.keys() - {change.code for change in data.fees}:
        problems.setdefault(
            f"amount_{code}", f"Enter the fee for the {names[code].lower()} in pounds, like 49.50"
        )
    return problems


async def update(data: FeesInput, *, actor: CurrentUser) -> None:
    """Every fee at once; all or nothing."""
    fees = await all_fees()
    if problems := fee_problems(data, fees):
        raise Invalid(problems)
    changes = [(change.code, change.amount_pence, " ".join(change.note.split())) for change in data.fees]
    before: dict[str, Any] = {fee.code: fee.amount_pence for fee in fees}
    async with write_transaction():
        for code, pence, note in changes:
            await DBSFee.update(
                {
                    DBSFee.amount_pence: pence,
                    DBSFee.note: note,
                    DBSFee.updated_at: utcnow(),
                    DBSFee.updated_by: actor.id,
                }
            ).where(DBSFee.code == code)
        await audit.record(
            "dbs.fees_updated",
            actor=actor,
            subject_type="dbs_fee",
            detail={"before": before, "after": {code: pence for code, pence, _ in changes}},
        )
