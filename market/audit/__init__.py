"""The audit log: who did what to which record, when (every DBS read and change, every
staff action). Services: ``market.audit.services`` (record, search). Table: AuditEvent.
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
