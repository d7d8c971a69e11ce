"""Benchmarks: run as scripts (``make bench``, ``make bench-reports``); never part of the tests."""
