"""Help and contact: the contact page (the team's details come from ``Settings.contact``),
the feedback form anyone may send ("Tell us about any problem"), and staff's list of what
was sent. Table: Feedback. Published service: ``market.help.feedback``.
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
