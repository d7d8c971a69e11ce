"""The commissioner's monitoring return: figures from the records for a period (register,
training, DBS, recruitment, the people supported), their pages, charts and downloads.
Reads every feature's published services; owns no tables.
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
