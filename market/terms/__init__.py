"""School terms: the council's school years and their terms, half terms, holidays and INSET
days, kept by an admin (entered on pages or imported from CSV). Tables: SchoolYear,
SchoolPeriod. Published service: ``market.terms.calendar`` (the years as plain dates, which
the matching index turns into the engine's term calendar).

Meaning: within a school year, a day in a term and not in a half term, holiday or INSET day
is term time; every other day of the year is a holiday; a day in no school year is unknown.
Every change logs "everyone" in ``market.register.changes``, so every worker's index
rebuilds with the new dates.
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
