from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Feedback(Table, tablename="help_feedback"):
    """What someone told us through "Tell us about any problem", signed in or not."""

    id = Serial(primary_key=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    doing = Text(default="")
    problem = Text()
    # Where to reply; "" when they did not want one.
    reply_email = Varchar(length=254, default="")
    # The page they were on when they chose the link (a path on this site), if known.
    page = Varchar(length=300, default="")
    # The signed-in account that sent it; None for someone not signed in.
    user_id = Integer(null=True, default=None)
    # An HMAC of the sender's address under the secret key: enough to slow one sender down,
    # not enough to learn the address.
    sender_key = Varchar(length=80, default="", index=True)
    dealt_with_at = Timestamptz(null=True, default=None)
    dealt_with_by = Integer(null=True, default=None)
