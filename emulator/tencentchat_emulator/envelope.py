"""The JSON envelope every API answer carries (ActionStatus, ErrorCode, ErrorInfo)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


def envelope(code: int = 0, info: str = "", fields: dict[str, Any] | None = None) -> web.Response:
    """An HTTP 200 answer; ``code`` 0 is success, anything else a failure."""
    body: dict[str, Any] = {"ActionStatus": "OK" if code == 0 else "FAIL", "ErrorCode": code,
                            "ErrorInfo": info}
    if fields:
        body.update(fields)
    return web.Response(text=json.dumps(body, ensure_ascii=False),
                        content_type="application/json")
