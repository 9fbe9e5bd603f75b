"""Secrets: values that must never be shown, and the scrubbing of everything shown.

Two tools, one per way a secret could leak:

- :class:`Secret` holds a value whose ``repr`` and ``str`` are masked. Code that carries
  a client secret, a token or a request body with credentials keeps it in one, so a
  traceback's frame locals (``pytest -l``, rich tracebacks, error trackers) show
  ``Secret('***')``; the value comes out only where it is sent (``reveal()``).
- :class:`Secrets` is one client's registry of every secret it knows (the client secret,
  every token it has used, the Basic credentials and their base64 form). A server may
  quote the request back (a problem detail with the token request's body, a 5xx page
  echoing the ``Authorization`` header); every message, error attribute and log line
  aiobyte builds from an answer goes through :meth:`Secrets.scrub` first.

A secret is looked for as it is and as it appears once encoded in JSON or in a URL, so
an echo that escaped it is caught too. One shorter than ``_config.SCRUB_ANYWHERE_FROM``
characters (a test token ``"t"``, a password ``"abc"``) is masked where it stands alone,
not inside longer words, or every message would be garbled.
"""

from __future__ import annotations

import collections
import json
import re
from collections.abc import Iterable
from typing import Any, Generic, TypeVar
from urllib.parse import quote, quote_plus

import msgspec
from multidict import CIMultiDict

from . import _config

__all__ = ["MASK", "MaskedHeaders", "Secret", "Secrets"]

#: What a secret is replaced with.
MASK = "***"

T = TypeVar("T", str, bytes)


class Secret(Generic[T]):
    """A value (``str`` or ``bytes``) whose ``repr`` and ``str`` never show it."""

    __slots__ = ("_value",)

    def __init__(self, value: T) -> None:
        self._value: T = value

    def reveal(self) -> T:
        """The value itself: call this only where it is sent."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


class MaskedHeaders(CIMultiDict[str]):
    """Request headers whose repr masks ``Authorization`` (as httpx's headers do), in
    the type aiohttp keeps them in: it copies them as they are, not through a
    conversion."""

    def __repr__(self) -> str:
        shown = {k: MASK if k.lower() == "authorization" else v for k, v in self.items()}
        return f"MaskedHeaders({shown!r})"


def _forms(value: str) -> set[str]:
    """``value`` as it may appear in an echo: raw, JSON-escaped, percent-encoded."""
    forms = {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        quote(value, safe=""),
        quote_plus(value, safe=""),
    }
    forms |= {form.replace("/", "\\/") for form in list(forms)}
    return {form for form in forms if form}


# A run of the characters of a bearer token (RFC 6750's b64token), as long as the
# tokens scanned for: a token that a server echoes stands between other characters.
_RUN = r"[A-Za-z0-9._~+/-]{" + str(_config.SCRUB_ANYWHERE_FROM) + r",}=*"
_RUN_TEXT = re.compile(_RUN)
_RUN_BYTES = re.compile(_RUN.encode())


class Secrets:
    """The secrets one client knows, and the scrubbing of text that may quote them.

    Secrets given at construction (the client secret, a fixed token, Basic credentials)
    are kept for the client's life; those learnt later (each token value, the
    credentials passed to ``applications.token``) are kept up to
    ``_config.SECRETS_REMEMBERED`` of them, oldest forgotten first.

    The cost of a scrub must not grow with the number of tokens a long-lived client has
    used: the configured secrets and the last ``SCRUB_RECENT`` learnt ones are looked for
    in all their forms, and the older tokens in a single pass that looks up each
    token-shaped run of the text in a set.
    """

    __slots__ = (
        "_bytes",
        "_dirty",
        "_fixed",
        "_learnt",
        "_runs",
        "_runs_bytes",
        "_short_bytes",
        "_short_text",
        "_text",
    )

    def __init__(self, fixed: Iterable[str] = ()) -> None:
        self._fixed: set[str] = set()
        self._learnt: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._dirty = True
        self._text: tuple[str, ...] = ()
        self._bytes: tuple[bytes, ...] = ()
        self._short_text: re.Pattern[str] | None = None
        self._short_bytes: re.Pattern[bytes] | None = None
        self._runs: frozenset[str] = frozenset()
        self._runs_bytes: frozenset[bytes] = frozenset()
        for value in fixed:
            self.keep(value)

    def keep(self, value: str) -> None:
        """Know ``value`` for the client's life."""
        if value and value not in self._fixed:
            self._fixed.add(value)
            self._learnt.pop(value, None)
            self._dirty = True

    def learn(self, value: str) -> None:
        """Know ``value`` (a token, say) among the last ``SECRETS_REMEMBERED`` learnt."""
        if not value or value in self._fixed:
            return
        if value in self._learnt:
            self._learnt.move_to_end(value)
        else:
            self._learnt[value] = None
            while len(self._learnt) > _config.SECRETS_REMEMBERED:
                self._learnt.popitem(last=False)
        self._dirty = True

    def _rebuild(self) -> None:
        # Built when first needed after a change: learning a token costs nothing more.
        self._dirty = False
        learnt = list(self._learnt)
        recent = learnt[-_config.SCRUB_RECENT :]
        older = learnt[: -_config.SCRUB_RECENT] if len(learnt) > _config.SCRUB_RECENT else []
        runs = {value for value in learnt if _RUN_TEXT.fullmatch(value)}
        stripped = {value.rstrip("=") for value in runs}  # as the scan looks them up
        forms: set[str] = set()
        for value in (*self._fixed, *recent, *(v for v in older if v not in runs)):
            forms |= _forms(value)
        # Longest first: "user:password" is masked whole before "password" alone.
        ordered = sorted(forms, key=len, reverse=True)
        self._text = tuple(f for f in ordered if len(f) >= _config.SCRUB_ANYWHERE_FROM)
        self._bytes = tuple(form.encode("utf-8", "surrogatepass") for form in self._text)
        short = [f for f in ordered if len(f) < _config.SCRUB_ANYWHERE_FROM]
        self._short_text = self._short_bytes = None
        if short:
            alone = "(?<![A-Za-z0-9])(?:{})(?![A-Za-z0-9])"
            pattern = alone.format("|".join(re.escape(f) for f in short))
            self._short_text = re.compile(pattern)
            self._short_bytes = re.compile(pattern.encode("utf-8", "surrogatepass"))
        self._runs = frozenset(stripped) if older else frozenset()
        self._runs_bytes = frozenset(run.encode() for run in self._runs)

    def __contains__(self, value: object) -> bool:
        return value in self._fixed or value in self._learnt

    def __len__(self) -> int:
        return len(self._fixed) + len(self._learnt)

    def scrub(self, text: str) -> str:
        """``text`` with every known secret replaced by ``***``."""
        if self._dirty:
            self._rebuild()
        for form in self._text:
            if form in text:
                text = text.replace(form, MASK)
        if self._short_text is not None:
            text = self._short_text.sub(MASK, text)
        if self._runs:
            runs = self._runs
            text = _RUN_TEXT.sub(lambda m: MASK if m[0].rstrip("=") in runs else m[0], text)
        return text

    def scrub_bytes(self, body: bytes) -> bytes:
        """``body`` with every known secret (UTF-8, in any of its forms) replaced."""
        if self._dirty:
            self._rebuild()
        for form in self._bytes:
            if form in body:
                body = body.replace(form, b"***")
        if self._short_bytes is not None:
            body = self._short_bytes.sub(b"***", body)
        if self._runs_bytes:
            runs = self._runs_bytes
            body = _RUN_BYTES.sub(lambda m: b"***" if m[0].rstrip(b"=") in runs else m[0], body)
        return body

    def scrub_value(self, value: Any) -> Any:
        """A decoded JSON value (or a msgspec Struct) with every string scrubbed."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_value(item) for item in value]
        if isinstance(value, dict):
            return {self.scrub_value(k): self.scrub_value(v) for k, v in value.items()}
        if isinstance(value, msgspec.Struct):
            changes = {
                name: self.scrub_value(getattr(value, name)) for name in value.__struct_fields__
            }
            return msgspec.structs.replace(value, **changes)
        return value

    def scrub_error(self, error: BaseException) -> BaseException:
        """``error`` with its message and its text attributes scrubbed, in place.

        Callers scrub the body before building ``error`` from it; this second pass
        catches what the body's text hid (a JSON escape of every character, say).
        """
        error.args = tuple(self.scrub_value(arg) for arg in error.args)
        for name, attribute in list(vars(error).items()):
            if isinstance(attribute, (str, list, dict, msgspec.Struct)):
                try:
                    setattr(error, name, self.scrub_value(attribute))
                except RecursionError:
                    pass  # nested too deep to walk: it came from the scrubbed body
        return error

    def __repr__(self) -> str:
        return f"Secrets({len(self)} values)"

    def __reduce__(self) -> Any:
        raise TypeError("the secrets of a client cannot be pickled")
