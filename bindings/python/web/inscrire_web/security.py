"""The web application's own security: one-time form tokens (CSRF and replay), the browser's
client key, the admin password and admin sessions, the response headers.

Everything the library guarantees (password hashing, login blocking, throttling of codes,
matches and logins per client key, sessions) stays in the library; this module only adds what
a web page needs around it (docs/web.md, "Security").
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import secrets
import threading
import time
from typing import Any, Dict, Optional, Tuple

# Cookies. The client cookie identifies a browser (not a person) for throttling and binds the
# form tokens to it; the session cookie holds the library's opaque session token; the admin
# cookie an admin session of this process.
CLIENT_COOKIE = "inscrire_client"
SESSION_COOKIE = "inscrire_session"
ADMIN_COOKIE = "inscrire_admin"
FORM_FIELD = "jeton"

FORM_TOKEN_SECONDS = 3600
MAX_FORMS_PER_CLIENT = 256  # a page of 50 learners carries one form per row
MAX_FORMS = 200_000  # all browsers together: the oldest forms go first
ADMIN_SESSION_SECONDS = 8 * 3600
ADMIN_FAILURES_PER_WINDOW = 10
ADMIN_FAILURE_WINDOW_SECONDS = 600

CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def random_token() -> str:
    return secrets.token_urlsafe(24)


def client_key(remote_address: Optional[str], client_id: str) -> str:
    """What the library's throttles count: the address (a whole class may share it) and the
    browser's random cookie, so one device is slowed without slowing its neighbours."""
    return f"{remote_address or '-'}|{client_id}"[:200]


class FormTokens:
    """One-time tokens, one per rendered form, bound to the browser's client id.

    A token is consumed by the POST that carries it: a wrong token is a CSRF attempt, a token
    already used is a replayed form (the back button and a second submission, or a captured
    request); both are refused. A form may carry a server-side payload (the one-time password
    change token of the library) so that no secret goes into the page.
    """

    def __init__(self, clock=time.monotonic) -> None:
        # token → (client id, form, expiry, payload); insertion order is expiry order.
        self._tokens: "collections.OrderedDict[str, Tuple[str, str, float, Any]]" = \
            collections.OrderedDict()
        self._per_client: Dict[str, "collections.deque[str]"] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def issue(self, client_id: str, form: str, payload: Any = None) -> str:
        token = random_token()
        now = self._clock()
        with self._lock:
            self._forget_expired(now)
            while len(self._tokens) >= MAX_FORMS:
                self._drop(next(iter(self._tokens)))
            mine = self._per_client.setdefault(client_id, collections.deque())
            while len(mine) >= MAX_FORMS_PER_CLIENT:
                self._tokens.pop(mine.popleft(), None)
            mine.append(token)
            self._tokens[token] = (client_id, form, now + FORM_TOKEN_SECONDS, payload)
        return token

    def consume(self, client_id: str, form: str, token: Optional[str]) -> Tuple[bool, Any]:
        """(valid, payload). The token is spent whether or not it matched this form."""
        if not token:
            return False, None
        with self._lock:
            entry = self._tokens.get(token)
            if entry is not None:
                self._drop(token)
        if entry is None:
            return False, None
        owner, expected_form, expires, payload = entry
        valid = (hmac.compare_digest(owner, client_id) and expected_form == form
                 and self._clock() < expires)
        return valid, payload if valid else None

    def _drop(self, token: str) -> None:
        owner = self._tokens.pop(token)[0]
        mine = self._per_client.get(owner)
        if mine is not None:
            try:
                mine.remove(token)
            except ValueError:
                pass
            if not mine:
                del self._per_client[owner]

    def _forget_expired(self, now: float) -> None:
        while self._tokens:
            token, entry = next(iter(self._tokens.items()))
            if entry[2] > now:
                return
            self._drop(token)


class AdminPassword:
    """The school admins' shared password, kept only as a scrypt hash (salted at start)."""

    def __init__(self, password: str) -> None:
        if not password:
            raise ValueError("the admin password file is empty")
        self._salt = secrets.token_bytes(16)
        self._hash = self._derive(password)

    def _derive(self, password: str) -> bytes:
        return hashlib.scrypt(password.encode("utf-8"), salt=self._salt, n=2 ** 14, r=8, p=1,
                              maxmem=64 * 1024 * 1024, dklen=32)

    def check(self, password: str) -> bool:
        return hmac.compare_digest(self._derive(password), self._hash)

    @classmethod
    def from_file(cls, path: str) -> "AdminPassword":
        with open(path, encoding="utf-8") as file:
            first_line = file.readline().rstrip("\r\n")
        return cls(first_line)


class AdminSessions:
    """Admin sessions of this process (random token → expiry), and the admin login throttle:
    at most ADMIN_FAILURES_PER_WINDOW failed admin logins per client key per window."""

    def __init__(self, clock=time.monotonic) -> None:
        self._sessions: Dict[str, float] = {}
        self._failures: Dict[str, list] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def open(self) -> str:
        token = random_token()
        with self._lock:
            self._sessions[token] = self._clock() + ADMIN_SESSION_SECONDS
        return token

    def valid(self, token: Optional[str]) -> bool:
        if not token:
            return False
        with self._lock:
            expires = self._sessions.get(token)
            if expires is not None and expires <= self._clock():
                del self._sessions[token]
                expires = None
        return expires is not None

    def close(self, token: Optional[str]) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def throttled(self, key: str) -> bool:
        with self._lock:
            return len(self._recent_failures(key)) >= ADMIN_FAILURES_PER_WINDOW

    def record_failure(self, key: str) -> None:
        with self._lock:
            self._failures[key] = self._recent_failures(key) + [self._clock()]

    def _recent_failures(self, key: str) -> list:
        horizon = self._clock() - ADMIN_FAILURE_WINDOW_SECONDS
        return [t for t in self._failures.get(key, []) if t > horizon]


def security_headers(secure: bool, extra_style_hashes: Tuple[str, ...] = ()) -> Dict[str, str]:
    policy = CONTENT_SECURITY_POLICY
    if extra_style_hashes:
        hashes = " ".join(f"'{h}'" for h in extra_style_hashes)
        policy = policy.replace("style-src 'self'", f"style-src 'self' {hashes}")
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        "Cache-Control": "no-store",
    }
    if secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers
