"""Web plumbing shared by every feature's pages and API: the role guards, error handling,
form reading and re-rendering, security headers, CSRF and templating. Imports no feature but geo's display filters.
"""
