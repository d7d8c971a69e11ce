"""The DBS fees shown to PAs: data an admin keeps current on /admin/dbs, not code."""

from __future__ import annotations

from typing import Any

import msgspec

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.db import write_transaction
from market.dbs.tables import DBSFee
from market.errors import Invalid
from market.register.services import parse_pounds

MAX_PENCE = 100_000  # £1,000: a typing slip, not a DBS fee
MAX_NOTE = 300


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


async def update(form: dict[str, str], *, actor: CurrentUser) -> None:
    """Every fee at once from ``amount_<code>`` and ``note_<code>``; all or nothing."""
    fees = await all_fees()
    errors: dict[str, str] = {}
    changes: list[tuple[str, int, str]] = []
    for fee in fees:
        raw = form.get(f"amount_{fee.code}", "").strip()
        try:
            pence = parse_pounds(raw)
        except ValueError:
            errors[f"amount_{fee.code}"] = f"Enter the fee for the {fee.name.lower()} in pounds, like 49.50"
            continue
        if pence > MAX_PENCE:
            errors[f"amount_{fee.code}"] = f"The fee for the {fee.name.lower()} must be £1,000 or less"
        note = " ".join(form.get(f"note_{fee.code}", "").split())
        if len(note) > MAX_NOTE:
            errors[f"note_{fee.code}"] = f"The note must be {MAX_NOTE} characters or fewer"
        changes.append((fee.code, pence, note))
    if errors:
        raise Invalid(errors)
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
