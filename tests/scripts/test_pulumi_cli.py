"""scripts/pulumi-cli: which Pulumi CLI scripts/demo uses, and the project-local install.

A fake ``curl`` on PATH stands in for the network: it either fails (offline) or "downloads" an
installer that records its arguments and lays out ``<install root>/bin/pulumi``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.support.plugin import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "pulumi-cli"
FAKE_INSTALLER = """#!/bin/sh
echo "$@" > "$ARGS_FILE"
root=""; while [ $# -gt 0 ]; do [ "$1" = --install-root ] && root="$2"; shift; done
mkdir -p "$root/bin" && printf '#!/bin/sh\\necho v0-fake\\n' > "$root/bin/pulumi"
chmod +x "$root/bin/pulumi"
"""


def run(tmp_path: Path, curl: str) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "curl").write_text(curl)
    (bin_dir / "curl").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path / "home"),
           "PULUMI_CLI_ROOT": str(tmp_path / "cli"), "ARGS_FILE": str(tmp_path / "args"),
           "INSTALLER": FAKE_INSTALLER, "PULUMI_VERSION": "3.999.0"}
    assert not any((Path(p) / "pulumi").exists() for p in env["PATH"].split(":"))
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_offline_it_stops_with_the_install_advice(tmp_path: Path) -> None:
    done = run(tmp_path, "#!/bin/sh\nexit 6\n")
    assert done.returncode == 1
    assert "could not be downloaded" in done.stderr and "get.pulumi.com" in done.stderr
    assert not (tmp_path / "cli").exists()


def test_it_installs_the_pinned_cli_into_the_checkout_only(tmp_path: Path) -> None:
    # The fake curl writes the fake installer to the file named after -o.
    curl = ('#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done\n'
            'printf "%s" "$INSTALLER" > "$out"\n')
    done = run(tmp_path, curl)
    assert done.returncode == 0, done.stderr
    cli = tmp_path / "cli" / "bin" / "pulumi"
    assert done.stdout.strip() == str(cli) and os.access(cli, os.X_OK)
    args = (tmp_path / "args").read_text().split()
    assert args == ["--no-edit-path", "--install-root", str(tmp_path / "cli"),
                    "--version", "3.999.0"]
    assert not (tmp_path / "home").exists()  # nothing written to the user's home
    # A second call reuses the installed CLI without downloading.
    again = run(tmp_path, "#!/bin/sh\nexit 6\n")
    assert again.returncode == 0 and again.stdout.strip() == str(cli)
