"""The PA register: Personal Assistants' one-page profiles, vetting, matching and reports."""
