"""Searchers here search from their own place, as everyone but staff must: a recipient
signed in by ``login_as`` acts for a person living at PE1 1AB (``SEARCH`` in the tests)."""

from __future__ import annotations

import pytest

from tests.matching.factories import current, make_recipient

HOME = "PE1 1AB"


@pytest.fixture
def login_as(login_as):
    """The shared ``login_as``; a recipient also gets a person of their own at ``HOME``."""

    async def sign_in(role: str = "pa", http=None):
        user = await login_as(role, http=http)
        if role == "recipient":
            await make_recipient(user=current(user), name="Sam Searcher", postcode=HOME)
        return user

    return sign_in
