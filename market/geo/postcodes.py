"""UK postcodes: normalise what people type and check it has a real postcode's shape.

Pure functions, no I/O. A postcode is an *outward* code (area letters, district digits, and
sometimes a letter) and an *inward* code (sector digit + unit letters)::

    PE1 1AB   outward "PE1", inward "1AB"
    area "PE" (the leading letters), district "PE1" (= outward), sector "PE1 1"

Accepted shapes (A = letter, 9 = digit), with the Royal Mail rules on which letters may appear
where: A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA, and the one special code
GIR 0AA. Case and spacing do not matter: "pe11ab", " PE1   1AB ", "Pe1 1aB" are all "PE1 1AB".
Every postcode in Ordnance Survey Code-Point Open (1.74 million) passes these rules.
"""

from __future__ import annotations

import re

import msgspec

__all__ = [
    "InvalidPostcode",
    "PartialPostcode",
    "Postcode",
    "is_valid_postcode",
    "normalise_postcode",
    "parse_outward_or_sector",
    "parse_postcode",
]

MESSAGE = "Enter a real postcode, like PE1 1AB"
PARTIAL_MESSAGE = "Enter a postcode, or the start of one, like PE1 1AB, PE1 1 or PE1"

# Royal Mail's letter rules, position by position.
_FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"  # not Q, V, X
_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"  # not I, J, Z
_THIRD = "ABCDEFGHJKPSTUW"  # the letter in A9A
_FOURTH = "ABEHMNPRVWXY"  # the letter in AA9A
_UNIT = "ABDEFGHJLNPQRSTUWXYZ"  # inward letters: not C, I, K, M, O, V

_OUTWARD = (
    rf"(?:[{_FIRST}][0-9]{{1,2}}"  # A9, A99
    rf"|[{_FIRST}][0-9][{_THIRD}]"  # A9A
    rf"|[{_FIRST}][{_SECOND}][0-9]{{1,2}}"  # AA9, AA99
    rf"|[{_FIRST}][{_SECOND}][0-9][{_FOURTH}])"  # AA9A
)
_INWARD = rf"[0-9][{_UNIT}]{{2}}"

# Whitespace is removed before matching, so the inward code is always the last three characters.
_FULL_RE = re.compile(rf"(?P<outward>{_OUTWARD})(?P<inward>{_INWARD})|(?P<gir_out>GIR)(?P<gir_in>0AA)")
_OUTWARD_RE = re.compile(rf"{_OUTWARD}|GIR")
_AREA_RE = re.compile(r"[A-Z]+")


class InvalidPostcode(ValueError):
    """The text is not a UK postcode (message suitable to show next to the field)."""

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)


class Postcode(msgspec.Struct, frozen=True):
    """A full postcode, normalised: upper case, one space between outward and inward code."""

    full: str  # "PE1 1AB"
    outward: str  # "PE1"
    inward: str  # "1AB"
    area: str  # "PE": the leading letters
    district: str  # "PE1": the same as the outward code
    sector: str  # "PE1 1": outward code, a space, and the inward code's digit

    def __str__(self) -> str:
        return self.full


class PartialPostcode(msgspec.Struct, frozen=True):
    """A postcode district ("PE1") or sector ("PE1 1"); ``sector`` is None for a district."""

    area: str
    district: str
    sector: str | None = None

    def __str__(self) -> str:
        return self.sector or self.district


def _squash(text: object) -> str:
    """Upper case with all whitespace (including non-breaking spaces) removed."""
    if not isinstance(text, str):
        return ""
    return "".join(text.split()).upper()


def _build(outward: str, inward: str) -> Postcode:
    area_match = _AREA_RE.match(outward)
    area = area_match.group(0) if area_match else outward
    return Postcode(
        full=f"{outward} {inward}",
        outward=outward,
        inward=inward,
        area=area,
        district=outward,
        sector=f"{outward} {inward[0]}",
    )


def parse_postcode(text: str) -> Postcode:
    """Parse a full UK postcode typed by a person.

    Raises :class:`InvalidPostcode` ("Enter a real postcode, like PE1 1AB") when it is not one.
    Note this checks the *shape*: whether the postcode is in use is a question for the data.
    """
    squashed = _squash(text)
    if not 5 <= len(squashed) <= 7:
        raise InvalidPostcode()
    match = _FULL_RE.fullmatch(squashed)
    if match is None:
        raise InvalidPostcode()
    if match.group("gir_out"):
        return _build("GIR", "0AA")
    return _build(match.group("outward"), match.group("inward"))


def normalise_postcode(text: str) -> str:
    """ "pe11ab" -> "PE1 1AB"; raises :class:`InvalidPostcode`."""
    return parse_postcode(text).full


def is_valid_postcode(text: str) -> bool:
    try:
        parse_postcode(text)
    except InvalidPostcode:
        return False
    return True


def parse_outward_or_sector(text: str) -> PartialPostcode:
    """Parse a district ("PE1"), a sector ("PE1 1") or a full postcode (reduced to its sector).

    A sector needs its space: "PE11" is the district PE11, not the sector "PE1 1". Case and extra
    spaces do not matter. Raises :class:`InvalidPostcode` with a message asking for a postcode
    or the start of one.
    """
    if not isinstance(text, str):
        raise InvalidPostcode(PARTIAL_MESSAGE)
    parts = text.upper().split()
    if len(parts) == 1 and _OUTWARD_RE.fullmatch(parts[0]):
        postcode = _build(parts[0], "0AA")  # a stand-in inward code, only to derive the area
        return PartialPostcode(area=postcode.area, district=postcode.district)
    if len(parts) == 2 and _OUTWARD_RE.fullmatch(parts[0]) and re.fullmatch(r"[0-9]", parts[1]):
        postcode = _build(parts[0], parts[1] + "AA")
        return PartialPostcode(area=postcode.area, district=postcode.district, sector=postcode.sector)
    try:
        postcode = parse_postcode(text)
    except InvalidPostcode:
        raise InvalidPostcode(PARTIAL_MESSAGE) from None
    return PartialPostcode(area=postcode.area, district=postcode.district, sector=postcode.sector)
