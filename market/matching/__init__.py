"""Matching and recruitment, in three rooms over one piccolo app (its tables stay in
``tables.py``):

- ``engine/``: the pure ranking core, its column-wise index, synthetic registers and the
  learnt weights (numpy only: no database, no web);
- ``needs/``: the people supported, who acts for them, their needs and times;
- ``pipeline/``: applications, interviews, offers and appointments, cover, outcomes.

At the top: the index built from the register (``index.py``), kept fresh per worker
(``freshness.py``), a need's matches (``matches.py``) and a PA's work near them
(``work_near.py``).
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
