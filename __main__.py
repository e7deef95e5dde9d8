"""The stack's program: the example community in ``examples/community``.

It runs from the project root, not through ``main: examples/community`` in Pulumi.yaml: the
engine starts the provider plugin in the program's directory, and the plugin's launcher
resolves ``virtualenv: .venv`` against that directory while the program's language host
resolves it against the project root, so with a subdirectory the provider would not start.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent / "examples" / "community" / "__main__.py"),
               run_name="__main__")
