"""Parameter types shared by the controllers."""

from typing import Annotated

from litestar.params import PathParameter

# A database id in a URL. Anything outside PostgreSQL's integer range cannot name a record,
# so it is refused before it reaches the database (and answered 404, see web/errors.py).
RecordId = Annotated[int, PathParameter(ge=1, le=2_147_483_647)]
