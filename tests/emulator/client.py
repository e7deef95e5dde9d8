"""A tiny raw HTTP client for the emulator tests (deliberately not the provider's client)."""

from __future__ import annotations

import json
import random
from typing import Any

import requests
from tencentchat_emulator.routes import COMMAND_SERVICES
from tencentchat_emulator.usersig import generate_usersig

from tests.support.emulator import EmulatorProcess


class Raw:
    """POSTs JSON to /v4/{service}/{command} with a real UserSig; returns the decoded body."""

    def __init__(self, emu: EmulatorProcess, *, identifier: str | None = None,
                 key: str | None = None, sdkappid: int | None = None) -> None:
        self.url = emu.url
        self.sdkappid = emu.sdkappid if sdkappid is None else sdkappid
        self.identifier = identifier or emu.admin
        self.sig = generate_usersig(self.sdkappid, key or emu.secret_key, self.identifier)
        self.http = requests.Session()

    def query(self, **over: Any) -> dict[str, Any]:
        q: dict[str, Any] = {"sdkappid": self.sdkappid, "identifier": self.identifier,
                             "usersig": self.sig, "random": random.randint(0, 2**32 - 1),
                             "contenttype": "json"}
        q.update(over)
        return {k: v for k, v in q.items() if v is not None}

    def post(self, command: str, body: Any = None, *, service: str | None = None,
             raw: bytes | None = None, **query: Any) -> dict[str, Any]:
        svc = service or COMMAND_SERVICES.get(command, "group_open_http_svc")
        data = raw if raw is not None else json.dumps({} if body is None else body).encode()
        resp = self.http.post(f"{self.url}/v4/{svc}/{command}", params=self.query(**query),
                              data=data, timeout=10)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def ok(self, command: str, body: Any = None, **kw: Any) -> dict[str, Any]:
        out = self.post(command, body, **kw)
        assert out["ErrorCode"] == 0, out
        assert out["ActionStatus"] == "OK"
        return out

    def fail(self, command: str, body: Any, code: int, **kw: Any) -> dict[str, Any]:
        out = self.post(command, body, **kw)
        assert out["ErrorCode"] == code, out
        assert out["ActionStatus"] == "FAIL"
        assert isinstance(out["ErrorInfo"], str) and out["ErrorInfo"]
        return out

    # small fixture helpers
    def community(self, gid: str = "@TGS#_c1", topics: bool = True) -> str:
        return self.ok("create_group", {"Type": "Community", "Name": "c", "GroupId": gid,
                                        "SupportTopic": 1 if topics else 0})["GroupId"]

    def topic(self, gid: str, name: str = "t", tid: str | None = None) -> str:
        body = {"GroupId": gid, "TopicName": name}
        if tid:
            body["TopicId"] = tid
        return self.ok("create_topic", body)["TopicId"]

    def pg(self, gid: str, pg_id: str | None = None, name: str = "pg", **extra: Any) -> str:
        body = {"GroupId": gid, "PermissionGroupName": name, **extra}
        if pg_id:
            body["PermissionGroupId"] = pg_id
        return self.ok("create_permission_group", body)["PermissionGroupId"]
