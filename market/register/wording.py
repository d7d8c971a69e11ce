"""How the register words what a PA said, in one place for every page that shows it (the
app gives these to its templates as filters)."""

from __future__ import annotations

from typing import Protocol


class Driving(Protocol):
    driving_licence: bool
    has_car: bool
    car_insurance: bool | None


def pa_driving(pa: Driving) -> str:
    """What a PA said about driving (issue 21), in one sentence, everywhere it is shown."""
    if not pa.driving_licence:
        return "No full UK driving licence"
    if not pa.has_car:
        return "Full UK driving licence, no car for work"
    if pa.car_insurance:
        return "Full UK driving licence and a car for work, insured for business"
    if pa.car_insurance is False:
        return "Full UK driving licence and a car for work, not insured for business"
    return "Full UK driving licence and a car for work (business insurance not said)"
