"""The full data export and import (JSON Lines and CSV per table) for moving or archiving an
instance; an admin page downloads it. Owns no tables.
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
