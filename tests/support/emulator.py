"""Spawn the emulator as a real process on loopback and talk to its admin routes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

DEV_SDKAPPID = 1400000000
DEV_ADMIN = "administrator"
# The emulator's documented development key (see README); never a real secret.
DEV_SECRET_KEY = "tencentchat-emulator-development-key"


@dataclass
class EmulatorProcess:
    """A running `python -m tencentchat_emulator` child process."""

    args: list[str] = field(default_factory=list)
    sdkappid: int = DEV_SDKAPPID
    secret_key: str = DEV_SECRET_KEY
    admin: str = DEV_ADMIN
    proc: subprocess.Popen | None = None
    url: str = ""

    def start(self, timeout: float = 30.0) -> EmulatorProcess:
        cmd = [sys.executable, "-u", "-m", "tencentchat_emulator", "--port", "0",
               "--sdkappid", str(self.sdkappid), "--secret-key", self.secret_key,
               "--admin", self.admin, *self.args]
        if "--state" not in self.args and "--in-memory" not in self.args:
            cmd.append("--in-memory")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        if not line.startswith("listening on "):
            self.stop()
            err = self.proc.stderr.read() if self.proc.stderr else ""  # type: ignore[union-attr]
            raise RuntimeError(f"emulator did not start: {line!r} {err[-2000:]}")
        self.url = line.split("listening on ", 1)[1].strip()
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def admin_call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else {}

    def stats(self) -> dict:
        return self.admin_call("GET", "/_emulator/stats")

    def reset(self) -> None:
        self.admin_call("POST", "/_emulator/reset")

    def total_calls(self) -> int:
        return int(self.stats()["total"])

    def set_faults(self, **settings: object) -> dict:
        """Replace the fault settings (see ``POST /_emulator/faults``)."""
        return self.admin_call("POST", "/_emulator/faults", dict(settings))

    def clear_faults(self) -> None:
        self.admin_call("DELETE", "/_emulator/faults")

    def injected(self) -> dict[str, int]:
        """Faults injected since the last reset, by kind."""
        return dict(self.stats()["faults"])


def seed_file(tmp_dir: Path, groups: list[dict]) -> Path:
    path = tmp_dir / "seed.json"
    path.write_text(json.dumps({"groups": groups}))
    return path


@dataclass
class Calls:
    """API requests the emulator received since ``mark()`` (admin routes are not counted)."""

    emulator: EmulatorProcess
    start: int = 0
    start_commands: dict[str, int] = field(default_factory=dict)

    def mark(self) -> Calls:
        stats = self.emulator.stats()
        self.start = int(stats["total"])
        self.start_commands = dict(stats["commands"])
        return self

    def since(self) -> int:
        return self.emulator.total_calls() - self.start

    def commands(self) -> dict[str, int]:
        """Requests per command since ``mark()`` (commands not called are absent)."""
        now = dict(self.emulator.stats()["commands"])
        delta = {k: n - self.start_commands.get(k, 0) for k, n in now.items()}
        return {k: n for k, n in delta.items() if n}

    def writes(self) -> dict[str, int]:
        """Requests since ``mark()`` of commands that change something (all but ``get_*``)."""
        return {k: n for k, n in self.commands().items() if not k.startswith("get_")}
