"""Password hashing (argon2id) and the rules for a new password."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_LENGTH = 10
MAX_LENGTH = 256

# A hash to verify against when the email is unknown, so that a wrong email
# and a wrong password take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, email: str = "") -> str | None:
    """Why this password is not acceptable, or None."""
    if not password:
        return "Enter a password"
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if email and password.strip().lower() == email.strip().lower():
        return "Password must not be your email address"
    if len(set(password)) < 4:
        return "Password is too easy to guess: use a mix of words, numbers or symbols"
    return None
