"""The site's front door: the start page, each role's home page, the accessibility, cookies
and privacy pages, and /healthz. Owns no tables.
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
