"""The opt-in access log (``--access-log``): one line per request, UserSig masked."""

from __future__ import annotations

import logging
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
