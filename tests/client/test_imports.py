"""What importing the package costs and needs: the plugin imports it on every ``pulumi`` command,
and a user who installs it without the ``emulator`` extra has no aiohttp."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# Run in a fresh interpreter: this one has long imported everything.
_BLOCK_AIOHTTP = """
import importlib.abc, json, sys

class NoAiohttp(importlib.abc.MetaPathFinder):
    tried = []

    def find_spec(self, name, path=None, target=None):
        if name == "aiohttp" or name.startswith("aiohttp."):
            NoAiohttp.tried.append(name)
            raise ImportError(f"No module named {name!r} (blocked by the test)")
        return None

sys.meta_path.insert(0, NoAiohttp())

def loaded(*names):
    return sorted(n for n in names if n in sys.modules)
"""


def _run(code: str) -> dict[str, object]:
    script = _BLOCK_AIOHTTP + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_package_needs_no_aiohttp_and_imports_no_http_stack() -> None:
    seen = _run("""
        import pulumi_tencentchat
        after_package = loaded("requests", "aiohttp", "urllib3")
        from pulumi_tencentchat.client import TencentChatClient
        from pulumi_tencentchat import PermissionGroup
        client = TencentChatClient(1400000000, secret_key="k" * 32, region="singapore")
        print(json.dumps({
            "after_package": after_package,
            "after_all": loaded("requests", "aiohttp", "urllib3"),
            "tried": NoAiohttp.tried,
            "resource": PermissionGroup.__name__,
            "host": client.host,
        }))
    """)
    assert seen["after_package"] == []
    # The client and the resources import requests only when a first call builds a session.
    assert seen["after_all"] == []
    assert seen["tried"] == []
    assert (seen["resource"], seen["host"]) == ("PermissionGroup", "adminapisgp.im.qcloud.com")


def test_the_block_really_blocks_aiohttp() -> None:
    # Without this, a broken finder would let the test above pass vacuously.
    seen = _run("""
        try:
            import tencentchat_emulator.server  # noqa: F401
            outcome = "imported"
        except ImportError as exc:
            outcome = str(exc)
        print(json.dumps({"outcome": outcome, "tried": NoAiohttp.tried}))
    """)
    assert "blocked by the test" in str(seen["outcome"]) and seen["tried"]


def test_settings_do_not_import_the_client() -> None:
    seen = _run("""
        import pulumi_tencentchat.config
        print(json.dumps({"client": loaded("pulumi_tencentchat.client", "requests")}))
    """)
    assert seen["client"] == []
