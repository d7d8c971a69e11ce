from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class User(Table, tablename="account_user"):
    id = Serial(primary_key=True)
    email = Varchar(length=254, unique=True, index=True)
    password_hash = Varchar(length=255)
    role = Varchar(length=16, index=True)
    display_name = Varchar(length=120)
    # For a recipient account: "self" or the relationship of the person acting.
    acting_as = Varchar(length=32, default="")
    verified_at = Timestamptz(null=True, default=None)
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    password_changed_at = Timestamptz(default=TimestamptzNow())


class UserSession(Table, tablename="account_session"):
    """A signed-in browser or API client; the cookie holds a token, we keep its hash."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, null=False, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True, index=True)
    user_agent = Varchar(length=255, default="")
    ip = Varchar(length=45, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()


class AccountToken(Table, tablename="account_token"):
    """A one-time token sent by email: verify an address, reset a password, sign in, or
    accept an invitation (see market.accounts.links for the purposes and lifetimes)."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, null=False, on_delete=OnDelete.cascade, index=True)
    purpose = Varchar(length=16)
    token_hash = Varchar(length=64, unique=True, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class LoginThrottle(Table, tablename="account_login_attempt"):
    """Sign-in attempts counted per bucket (an account at an address, or an address) in the
    current rate-limit window, shared by every worker. One row per bucket, so that one
    upsert counts an attempt atomically (market.accounts.throttle). The table keeps the name
    of the failed-attempt log it replaced, which the export already leaves out."""

    id = Serial(primary_key=True)
    bucket = Varchar(length=80, unique=True, index=True)
    attempts = Integer(default=0)
    window_started_at = Timestamptz(default=TimestamptzNow())
