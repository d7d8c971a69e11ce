"""Training: the course catalogue, sessions and bookings, attendance, PAs' training records
(completions, claims, expiry), imports, and expiry reminders. Published for other features:
``market.training.holdings`` (what a PA holds now). Tables: Course, CourseSkill,
TrainingSession, Booking, Completion.
"""

from market.features import routes_of

__getattr__ = routes_of(__name__)
