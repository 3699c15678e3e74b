"""What the application adds around the library's own security (docs/web.md, "Security"):
signed form tokens, the pupils' idle-session cookie, the client key of the throttles, the
response headers.

Nothing here keeps state between requests: a token or a cookie made by one server is checked by
any other that holds the same secret file, so a round-robin proxy needs no stickiness. Passwords,
sessions, login blocks and throttles are the library's, in the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import time
from typing import Callable, Dict, Optional, Tuple

# Cookies. The client cookie names a browser (not a person): form tokens are bound to it and
# the audit log's client is the address and it. The session cookie holds the library's pupil
# session token (and when it was last used, signed); the staff cookie the library's staff
# session token; the change cookie, for a few minutes, the library's one-time password-change
# token (it never goes into a page or a URL).
CLIENT_COOKIE = "inscrire_client"
SESSION_COOKIE = "inscrire_session"
STAFF_COOKIE = "inscrire_staff"
CHANGE_COOKIE = "inscrire_changement"
FORM_FIELD = "jeton"

CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

Clock = Callable[[], float]


def random_token() -> str:
    return secrets.token_urlsafe(24)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Keys:
    """Keys derived from the deployment's secret, one per use, so that a value signed for one
    purpose is never accepted for another."""

    def __init__(self, secret: bytes) -> None:
        def derive(purpose: bytes) -> bytes:
            return hmac.new(secret, b"inscrire_web/" + purpose, hashlib.sha256).digest()
        self.forms = derive(b"form-token/1")
        self.sessions = derive(b"pupil-session/1")
        self.logs = derive(b"log-pseudonym/1")


class FormTokens:
    """Tokens a rendered form carries, made and checked without any server-side state:
    ``expiry.nonce.mac`` with mac = HMAC-SHA256(key, form, browser, expiry, nonce).

    A token is bound to its form (a login token cannot send an import), to the browser's client
    cookie (a page of the attacker's own visit cannot be sent from the victim's browser: CSRF)
    and to an expiry. It is not single-use: a form sent twice within its lifetime (the back
    button) is a second request the library answers on its own terms (already registered...).
    """

    def __init__(self, key: bytes, lifetime_seconds: int, clock: Clock = time.time) -> None:
        self._key = key
        self._lifetime = lifetime_seconds
        self._clock = clock

    def _mac(self, form: str, client_id: str, expiry: str, nonce: str) -> str:
        message = "\0".join((form, client_id, expiry, nonce)).encode("utf-8")
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest())

    def issue(self, client_id: str, form: str) -> str:
        expiry = str(int(self._clock()) + self._lifetime)
        nonce = _b64(secrets.token_bytes(9))
        return f"{expiry}.{nonce}.{self._mac(form, client_id, expiry, nonce)}"

    def check(self, client_id: str, form: str, token: Optional[str]) -> bool:
        """True for a token this deployment issued to this browser for this form, unexpired."""
        if not token or not client_id or len(token) > 200:
            return False
        parts = token.split(".")
        if len(parts) != 3 or not parts[0].isdigit():
            return False
        expiry, nonce, mac = parts
        expected = self._mac(form, client_id, expiry, nonce)
        return hmac.compare_digest(expected, mac) and self._clock() < int(expiry)


class PupilSessionCookie:
    """The pupil's cookie: the library's session token, the time of the last page and a MAC of
    both, so that any server can end a session left idle on a shared computer without a store
    of its own (the library keeps the session; this keeps only "last seen")."""

    #: "Last seen" is written again when older than this, not on every page.
    REFRESH_SECONDS = 30

    def __init__(self, key: bytes, idle_seconds: int, clock: Clock = time.time) -> None:
        self._key = key
        self.idle_seconds = idle_seconds
        self._clock = clock

    def _mac(self, token: str, seen: str) -> str:
        message = f"{token}\0{seen}".encode("utf-8")
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest())

    def make(self, token: str) -> str:
        seen = str(int(self._clock()))
        return f"{token}.{seen}.{self._mac(token, seen)}"

    def read(self, value: Optional[str]) -> Tuple[Optional[str], bool, bool]:
        """(token, idle, stale): the session token (None for a missing or forged cookie),
        whether it was left idle too long (then the session must end), and whether the cookie
        should be written again."""
        if not value or len(value) > 512:
            return None, False, False
        parts = value.rsplit(".", 2)
        if len(parts) != 3 or not parts[1].isdigit():
            return None, False, False
        token, seen, mac = parts
        if not hmac.compare_digest(self._mac(token, seen), mac):
            return None, False, False
        age = self._clock() - int(seen)
        idle = self.idle_seconds > 0 and age > self.idle_seconds
        return token, idle, age > self.REFRESH_SECONDS


def client_key(remote_address: Optional[str]) -> str:
    """What the library's throttles count: the client's address as the server saw it (the
    trusted proxy's X-Forwarded-For, else the peer), never a value the client chooses. An IPv6
    client is its /64, which one household or one attacker holds whole. The browser's cookie is
    not part of it: a script that drops its cookie would otherwise start afresh each time."""
    if not remote_address:
        return "-"
    try:
        address = ipaddress.ip_address(remote_address)
    except ValueError:
        return remote_address[:100]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def audit_client(remote_address: Optional[str], client_id: str) -> str:
    """The client recorded (pseudonymised by the library) in the audit rows of a staff action:
    the address and, finer, the browser, so that two colleagues behind one school address are
    told apart."""
    return f"{client_key(remote_address)}|{client_id}"[:200]


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
