"""Secrets, hashes and limits of the page: nothing here knows HTTP or the store.

- Staff passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second
  recommended parameter set).
- Session ids, CSRF tokens and respondent tokens come from :mod:`secrets`; the store keeps
  only their SHA-256 (a copy of the database does not let anyone sign in or use a link).
  A respondent token has 144 random bits (24 URL-safe characters), above the 128 the
  issue asks for; the short code a child can type has 40 (8 characters of an alphabet
  without 0/O, 1/I/L), which is why codes are rate limited, and why a copy of the
  database does give away the open codes to someone who tries every code against its
  digests (docs/web.md says so).
- :class:`RateLimiter`: attempts per key (client address, IPv6 per /64; user name) in a
  sliding minute, in bounded memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque

from relscale.i18n import N_

TOKEN_BYTES = 18
"""Random bytes of a respondent token: 144 bits, 24 URL-safe characters."""
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
SESSION_BYTES = 32


def new_token() -> str:
    """A respondent token for a link ``/r/TOKEN``."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_code() -> str:
    """A short code for respondents who type it in (``ABCD-EFGH`` on the letter)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What a respondent typed, as compared: upper case, without spaces or dashes (the
    alphabet has no 0, O, 1, I or L, so nothing can be misread as another character)."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:32]


def format_code(code: str) -> str:
    """``ABCDEFGH`` -> ``ABCD-EFGH`` for printing."""
    return f"{code[:4]}-{code[4:]}"


def new_session_id() -> str:
    return secrets.token_urlsafe(SESSION_BYTES)


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def digest(secret: str) -> str:
    """The SHA-256 (hex) under which a token, code or session id is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two secrets (False when either is missing)."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


# --- passwords ---------------------------------------------------------------------------


def _hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of a staff password."""
    return str(_hasher().hash(password))


_DUMMY_HASH: list[str] = []


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; an unknown user (``stored`` None) costs
    the same time as a known one, so timing does not tell which user names exist."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    if stored is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hasher.hash(secrets.token_hex(8)))
        stored, password = _DUMMY_HASH[0], password + "\x00"
        with contextlib.suppress(VerificationError, InvalidHashError):
            hasher.verify(stored, password)
        return False
    try:
        return bool(hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


MIN_PASSWORD = 10


def password_problem(password: str) -> str | None:
    """Why a new password is refused (an English message id), or None."""
    if len(password) < MIN_PASSWORD:
        return N_("A password has at least {n} characters.")
    return None


# --- rate limits -------------------------------------------------------------------------


class RateLimiter:
    """At most ``limit`` attempts per ``window`` seconds for each key.

    Kept in the process (one server process per site, see docs/web.md). ``hit`` records an
    attempt and says how many seconds the caller must wait before the next one is
    allowed (0: allowed now).

    Memory is bounded: at most ``max_keys`` keys are kept (an attacker can send any number
    of user names or addresses). When a new key finds the table full, the keys idle for a
    whole window are forgotten, and if that is not enough the least recently used ones,
    down to three quarters of ``max_keys``, so the cost per attempt stays constant.
    """

    def __init__(self, limit: int, window: float = 60.0, max_keys: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self.max_keys:
                    self._forget(now)
                hits = self._hits[key] = deque()
            else:
                self._hits.move_to_end(key)
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(0.0, hits[0] + self.window - now)
            hits.append(now)
            return 0.0

    def _forget(self, now: float) -> None:
        idle = now - self.window
        for k in [k for k, v in self._hits.items() if not v or v[-1] <= idle]:
            del self._hits[k]
        while len(self._hits) > self.max_keys * 3 // 4:
            self._hits.popitem(last=False)

    def reset(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)


def address_key(host: str) -> str:
    """The key an address is limited by: an IPv4 address itself, an IPv6 address by its
    /64 network (one machine is given a whole /64 and can use any address in it)."""
    import ipaddress

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
