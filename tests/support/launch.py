"""Start the dynamic-provider plugin the way the Pulumi CLI starts it for a project.

Written from the engine's rules (pulumi/pulumi at 1b5949891b; file:line below), not from its
code. Two places decide the launch:

* The engine (Go) resolves the project's working directory and environment:
  - ``main`` empty: the working directory is the project root; ``main`` a directory: that
    directory; ``main`` a file: its parent (``pkg/engine/project.go:45-72``). The program and
    every provider plugin run there (``pkg/resource/plugin/plugin.go:597-599``,
    ``pkg/resource/plugin/provider_plugin.go:288``).
  - The plugin inherits the CLI's environment (``plugin.go:500-505``) plus
    ``PULUMI_RUNTIME_<OPTION>`` for every ``runtime.options`` key of Pulumi.yaml, the raw value
    (a relative path stays relative), ``PULUMI_PROJECT`` and ``PULUMI_CONFIG`` (only
    ``pulumi-python:*`` keys, so ``{}``) (``provider_plugin.go:246-266``). ``PULUMI_STACK`` is
    not set for providers.
  - Its one argument is the engine's address (``provider_plugin.go:289``).
* The launcher script ``sdk/python/dist/pulumi-resource-pulumi-python`` picks the interpreter:
  an empty ``PULUMI_RUNTIME_VIRTUALENV`` becomes ``.venv`` for the ``uv`` toolchain and
  ``poetry env info --path`` for ``poetry`` (lines 5-11); a relative virtualenv is made absolute
  against the launcher's *own* working directory (lines 13-21); ``<venv>/bin/python`` must be a
  file, or the launch fails with "doesn't exist" / "doesn't appear to be a virtual environment"
  (lines 24-45); with a virtualenv its ``bin`` leads ``PATH`` and ``PYTHONHOME`` is unset
  (lines 26-30); without one ``$PULUMI_PYTHON_CMD`` or ``python3`` runs (lines 47-49). Always
  ``<python> -u -m pulumi.dynamic <args>``.

The Python *language host* resolves a relative ``virtualenv`` against the project root instead
(``sdk/python/toolchain/toolchain.go:64``; pulumi/pulumi#7061), which is why a ``main``
subdirectory plus a relative virtualenv runs the program but not the provider.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: What the engine passes as the plugin's only argument; the Python host ignores it.
ENGINE_ADDRESS = "127.0.0.1:0"


class LaunchError(RuntimeError):
    """The launcher would exit before starting Python (its message is the text)."""


@dataclass(frozen=True)
class Project:
    """What Pulumi.yaml says about how to run a project."""

    root: Path
    name: str
    main: str = ""
    runtime_options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, root: str | os.PathLike[str]) -> Project:
        root = Path(root).resolve()
        doc = yaml.safe_load((root / "Pulumi.yaml").read_text()) or {}
        runtime = doc.get("runtime") or {}
        options = runtime.get("options") if isinstance(runtime, dict) else None
        return cls(root, str(doc["name"]), str(doc.get("main") or ""), dict(options or {}))

    def stack_config(self, stack: str) -> dict[str, str]:
        """``Pulumi.<stack>.yaml``'s config as the engine hands it out: full keys, string
        values, structured values as JSON text (``secure:`` values are not supported here)."""
        doc = yaml.safe_load((self.root / f"Pulumi.{stack}.yaml").read_text()) or {}
        config: dict[str, str] = {}
        for key, value in (doc.get("config") or {}).items():
            if isinstance(value, dict) and "secure" in value:
                raise ValueError(f"{key} is a secure value: not supported by this helper")
            full = key if ":" in key else f"{self.name}:{key}"
            config[full] = value if isinstance(value, str) else json.dumps(value)
        return config

    @property
    def pwd(self) -> Path:
        """The working directory of the program and of every plugin (project.go:45-72)."""
        if not self.main:
            return self.root
        main = self.root / self.main
        return main if main.is_dir() else main.parent


@dataclass(frozen=True)
class Launch:
    """The command, working directory and environment of one plugin start."""

    argv: list[str]
    cwd: Path
    env: dict[str, str]


def _option_text(value: Any) -> str:
    """Go's ``%v`` of a YAML scalar, as the engine formats runtime options."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def engine_environment(project: Project, base: Mapping[str, str]) -> dict[str, str]:
    """The plugin's environment as the engine builds it (provider_plugin.go:246-266)."""
    env = dict(base)
    for key, value in project.runtime_options.items():
        env[f"PULUMI_RUNTIME_{key.upper()}"] = _option_text(value)
    env["PULUMI_PROJECT"] = project.name
    env["PULUMI_CONFIG"] = "{}"
    env.pop("PULUMI_STACK", None)
    return env


def _poetry_env(cwd: Path) -> str:
    poetry = shutil.which("poetry")
    if poetry is None:
        raise LaunchError("the poetry toolchain is configured but poetry is not on PATH")
    done = subprocess.run([poetry, "env", "info", "--path"], cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=False)
    return done.stdout.strip()


def launcher_command(env: Mapping[str, str], cwd: Path) -> Launch:
    """What ``pulumi-resource-pulumi-python`` runs, in our own words (POSIX launcher)."""
    env = dict(env)
    venv = env.get("PULUMI_RUNTIME_VIRTUALENV", "")
    if not venv:
        toolchain = env.get("PULUMI_RUNTIME_TOOLCHAIN", "")
        if toolchain == "uv":
            venv = ".venv"
        elif toolchain == "poetry":
            venv = _poetry_env(cwd)
    if not venv:
        python = env.get("PULUMI_PYTHON_CMD") or "python3"
        return Launch([python, "-u", "-m", "pulumi.dynamic", ENGINE_ADDRESS], cwd, env)
    if venv.endswith("/"):
        venv = venv[:-1]
    if not venv.startswith("/"):
        venv = f"{cwd}/{venv}"
    python = Path(venv) / "bin" / "python"
    if not python.is_file():
        state = ("doesn't appear to be a virtual environment" if Path(venv).is_dir()
                 else "doesn't exist")
        raise LaunchError(f'The \'virtualenv\' option in Pulumi.yaml is set to "{venv}", but '
                          f'"{venv}" {state}.')
    env["PATH"] = f"{venv}/bin" + (f":{env['PATH']}" if env.get("PATH") else "")
    env.pop("PYTHONHOME", None)
    return Launch([str(python), "-u", "-m", "pulumi.dynamic", ENGINE_ADDRESS], cwd, env)


def project_launch(root: str | os.PathLike[str],
                   base_env: Mapping[str, str] | None = None) -> Launch:
    """How the CLI, run in ``root``, starts the Python dynamic-provider plugin."""
    project = Project.load(root)
    env = engine_environment(project, os.environ if base_env is None else base_env)
    return launcher_command(env, project.pwd)
