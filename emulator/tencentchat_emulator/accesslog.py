"""The opt-in access log (``--access-log``): one line per request, UserSig masked."""

from __future__ import annotations

import logging
import re
import sys

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

LOGGER_NAME = "tencentchat_emulator.access"
MASK = "***"


def masked_target(request: web.BaseRequest) -> str:
    """Path and query of ``request`` with the ``usersig`` value replaced by ``***``.

    The query is rebuilt from the decoded parameters, so an escaped or differently cased
    parameter name (``UserSig``, ``user%73ig``) is masked too.
    """
    query = "&".join(f"{k}={MASK if k.lower() == 'usersig' else v}"
                     for k, v in request.query.items())
    return f"{request.path}?{query}" if query else request.path


class RedactingAccessLogger(AbstractAccessLogger):
    """Logs remote address, method, masked target, status and time; a UserSig is a bearer
    credential, so its value never reaches the log."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info('%s "%s %s" %d %.1fms', request.remote, request.method,
                         masked_target(request), response.status, time * 1000)


def enable() -> logging.Logger:
    """Send the emulator's log records (access lines included) to stderr; the access logger."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(name)s %(message)s")
    return logging.getLogger(LOGGER_NAME)


# aiohttp's own records about malformed HTTP (a request line over 8190 bytes, an unknown method)
# quote the raw request line, query string and UserSig included.
_SIG_IN_TEXT = re.compile(r"(user(?:%73|s)ig(?:=|%3d))[^&\s'\"\\]*", re.IGNORECASE)
_MASKED_LOGGERS = ("aiohttp.server", "aiohttp.web", "aiohttp.access", "aiohttp.internal",
                   "tencentchat_emulator")


def mask_text(text: str) -> str:
    """``text`` with every ``usersig=<value>`` value replaced by ``***``."""
    return _SIG_IN_TEXT.sub(lambda m: m.group(1) + MASK, text)


class UserSigMask(logging.Filter):
    """Rewrites a record's message and traceback text with UserSig values masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install_mask() -> None:
    """Mask UserSigs in every record of the loggers the server writes to (idempotent)."""
    for name in _MASKED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, UserSigMask) for f in logger.filters):
            logger.addFilter(UserSigMask())
