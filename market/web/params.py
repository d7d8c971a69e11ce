"""Parameter types shared by the controllers: every whole number in an address is bounded.

A number the database cannot hold (PostgreSQL's integer is 32-bit, SQLite's 64-bit) cannot
name a record or a page, and would fail in the driver with a 500; so it is refused before
the handler runs. A test walks every route and checks that each int path and query
parameter carries these bounds (tests/web/test_bounded_input.py).
"""

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

from market.fields import PG_INT_MAX

# A database id in a URL path: out of range answers 404 (see web/errors.py).
RecordId = Annotated[int, PathParameter(ge=1, le=PG_INT_MAX)]
# A database id in the query string (``?recipient=12``); out of range answers 400 (a page)
# or 422 naming the parameter (the API).
QueryId = Annotated[int, QueryParameter(ge=1, le=PG_INT_MAX)]
OptionalQueryId = Annotated[int | None, QueryParameter(ge=1, le=PG_INT_MAX)]
# A page of a list: (page - 1) * per_page is an OFFSET, which must fit the database's integer.
PageNumber = Annotated[int, QueryParameter(ge=1, le=PG_INT_MAX, description="The page, from 1")]
# Any other whole number in the query string (a count of days, a limit).
QueryWholeNumber = Annotated[int, QueryParameter(ge=0, le=PG_INT_MAX)]
OptionalQueryWholeNumber = Annotated[int | None, QueryParameter(ge=0, le=PG_INT_MAX)]
