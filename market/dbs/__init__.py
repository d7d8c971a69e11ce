"""DBS checks: certificates, Update Service status checks, decisions and their retention,
applications, fees, the staff worklist and the daily sweep. Every read and change is
audit-logged; full numbers need the DBS permission. Published for other features:
``market.dbs.standing`` (a PA's DBS standing) and ``market.dbs.rules``. Tables: DBSCheck,
StatusCheck, DBSApplication, DBSFee, DBSPermission.
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
