"""The register of PAs: the one-page profile (texts, where and how far they travel, terms,
skills, availability, work pattern, experience, qualifications), vetting onto the register,
the skills list, the CSV import, and the change log every writer of what the matching
engine sees touches (``market.register.changes``). Tables: PAProfile, PASkill, PAClientGroup,
AvailabilitySlot, AwayPeriod, Qualification, VettingCheck, Reference, StatusChange, Skill,
ClientGroup, ProfileChange, ShortlistEntry.
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
