"""Finding PAs on the register: the search (place, distance, skills, days) with distances
banded from the searcher's own places, the public profile, and each searcher's shortlist.
Sits above register, dbs and training, whose published services it reads. Owns no tables
(the shortlist's table is the register's).
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
