"""Privacy-safe ways to show where someone is: a distance band and a postcode district.

Before an interview is agreed a recipient never sees a PA's postcode (and a PA never sees a
recipient's): only how far, as a band, and the district ("PE1"). Exact miles would let someone
narrow a home down by triangulating from a few searches, so distances are coarsened:

=====================  ===============================================
distance (miles)       shown as
=====================  ===============================================
under 1                "under 1 mile"
1 to under 1.5         "about 1 mile"
1.5 to under 4.5       "about 2 miles" … "about 4 miles" (nearest mile)
4.5 to 50              "about 5 miles" … "about 50 miles" (nearest 5)
over 50                "over 50 miles"
=====================  ===============================================

(Halves round up: 2.5 is "about 3 miles", 7.5 is "about 10 miles".) Both ends are sector
centroids (``market.geo.centroids.sector_point``), so even the finest band is honest about its
precision, and no sequence of bands, from anywhere, says more than which sector someone is in.
Orderings shown to others use :func:`banded_miles`, the band as a number, so that the order of
two people in one band says nothing about which is nearer. Distances are straight
lines: show them with :data:`AS_THE_CROW_FLIES`, or use :func:`distance_note`, which adds it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from market.geo.postcodes import parse_outward_or_sector

__all__ = [
    "AS_THE_CROW_FLIES",
    "FAR_MILES",
    "banded_miles",
    "distance_band",
    "distance_note",
    "district_of",
]

AS_THE_CROW_FLIES = "as the crow flies"
FAR_MILES = 50


def _round_half_up(value: float, step: int = 1) -> int:
    return int(math.floor(value / step + 0.5)) * step


def distance_band(miles: float) -> str:
    """ "under 1 mile", "about 1 mile", "about 3 miles", "about 15 miles", "over 50 miles"."""
    try:
        miles = float(miles)
    except (TypeError, ValueError):
        raise ValueError("distance must be a number of miles, 0 or more") from None
    if math.isnan(miles) or miles < 0:
        raise ValueError("distance must be a number of miles, 0 or more")
    if miles < 1:
        return "under 1 mile"
    if miles > FAR_MILES:
        return f"over {FAR_MILES} miles"
    rounded = _round_half_up(miles) if miles < 4.5 else _round_half_up(miles, 5)
    return "about 1 mile" if rounded == 1 else f"about {rounded} miles"


def banded_miles(miles: ArrayLike) -> Any:
    """The band of each distance as a number of miles: 0.5 for "under 1 mile", N for "about N
    miles", FAR_MILES + 5 for "over 50 miles". Scores and orderings shown to others are worked
    from these, so they reveal the band and nothing finer: ``distance_band(banded_miles(m))``
    is always ``distance_band(m)``. A float for a scalar, else a float64 array."""
    value = np.asarray(miles, dtype=np.float64)
    near = np.floor(value + 0.5)  # 1 to 4, halves up
    far = np.floor(value / 5 + 0.5) * 5  # 5 to 50, halves up
    banded = np.where(
        value < 1, 0.5, np.where(value < 4.5, near, np.where(value <= FAR_MILES, far, FAR_MILES + 5.0))
    )
    return float(banded) if np.ndim(banded) == 0 else banded


def distance_note(miles: float) -> str:
    """The band with its qualifier: "about 3 miles as the crow flies"."""
    return f"{distance_band(miles)} {AS_THE_CROW_FLIES}"


def district_of(postcode_text: str) -> str:
    """The postcode district ("PE1") of a full postcode, sector or district, and nothing finer.

    Raises :class:`~market.geo.postcodes.InvalidPostcode` if the text is not one of those.
    """
    return parse_outward_or_sector(postcode_text).district
