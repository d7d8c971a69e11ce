"""The recruitment pipeline: shortlist → invite → the PA accepts → interview → offer →
appointed → started (``applications``, ``interviews``, ``appointments``, with the
safe-recruitment checklist), the interview calendar file (``calendar``), cover sent to the
best few PAs at once (``cover``), the factors recorded at each step (``outcomes``) and the
weights learnt from them (``learning_store``), with their forms, pages and API.
"""
