"""Masking secrets (the secret key, UserSigs) in any text before it is logged or raised."""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterable
from typing import Protocol

#: Any run of this many consecutive characters of a secret (in any encoding) is masked: long
#: enough that ordinary text never matches by chance, short enough that a truncated or split
#: echo of a UserSig or key is still caught.
FRAGMENT = 12
MASK = "***"
#: Secrets shorter than this are not masked (they would mask ordinary words).
MIN_SECRET = 4


def _encodings(secret: str) -> set[str]:
    """The forms a secret takes on the wire: raw, percent-encoded (both hex cases), plus-form."""
    from urllib.parse import quote, quote_plus

    forms = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}
    forms |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), f) for f in forms}
    return forms


def maskable(secrets: Iterable[str | None]) -> tuple[str, ...]:
    """The secrets long enough to be masked, in order."""
    return tuple(s for s in secrets if s and len(s) >= MIN_SECRET)


class Redactor:
    """Masks every encoding of some secrets, and any long fragment of them, in text.

    Matching is by a set of ``FRAGMENT``-character substrings (k-grams) of every encoded
    form, so one pass over the text finds whole secrets, fragments and encodings at once.
    Secrets shorter than ``MIN_SECRET`` characters are ignored; forms shorter than
    ``FRAGMENT`` are matched whole.
    """

    __slots__ = ("secrets", "_grams", "_short")

    def __init__(self, secrets: Iterable[str | None]) -> None:
        self.secrets = maskable(secrets)
        grams: set[str] = set()
        short: set[str] = set()
        for secret in self.secrets:
            for form in _encodings(secret):
                if len(form) < FRAGMENT:
                    short.add(form)
                else:
                    grams.update(form[i : i + FRAGMENT] for i in range(len(form) - FRAGMENT + 1))
        self._grams = frozenset(grams)
        self._short = sorted(short, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        if not text or not self.secrets:
            return text
        if self._grams and len(text) >= FRAGMENT:
            grams = self._grams
            out: list[str] = []
            kept = 0  # text[:kept] is already in ``out``
            end = -1  # end of the covered span being built
            start = 0
            for i in range(len(text) - FRAGMENT + 1):
                if text[i : i + FRAGMENT] in grams:
                    if i > end:
                        if end >= 0:
                            out += (text[kept:start], MASK)
                            kept = end
                        start = i
                    end = i + FRAGMENT
            if end >= 0:
                out += (text[kept:start], MASK)
                kept = end
                out.append(text[kept:])
                text = "".join(out)
        for form in self._short:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def __repr__(self) -> str:
        return f"Redactor({len(self.secrets)} secrets)"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Mask each secret of 4+ characters, in every encoding and any long fragment, by ``***``."""
    return Redactor(secrets)(text)


class _SecretSource(Protocol):
    def secrets(self) -> tuple[str, ...]: ...


class SecretMask:
    """One client's secrets, masked in any text: what its UserSig source knows (key, fixed or
    cached sig) plus the last sigs it sent, since a replaced sig stays valid for days.

    Thread-safe; the :class:`Redactor` is rebuilt only when the set of secrets changes.
    """

    def __init__(self, source: _SecretSource, remembered: int = 4) -> None:
        self._source = source
        #: Recent sigs sent (newest last).
        self.sent: deque[str] = deque(maxlen=remembered)
        self._redactor = Redactor(source.secrets())
        self._lock = threading.Lock()

    def remember(self, sig: str) -> None:
        """Note a sig about to be sent, so it stays masked after it is replaced."""
        if sig not in self.sent:
            self.sent.append(sig)

    def secrets(self) -> tuple[str, ...]:
        return (*self._source.secrets(), *self.sent)

    def __call__(self, text: str) -> str:
        """``text`` with every known secret, in any encoding or long fragment, masked."""
        redactor = self._redactor
        secrets = self.secrets()
        if redactor.secrets != maskable(secrets):
            with self._lock:
                redactor = self._redactor = Redactor(secrets)
        return redactor(text)

    def __repr__(self) -> str:
        return "SecretMask()"
