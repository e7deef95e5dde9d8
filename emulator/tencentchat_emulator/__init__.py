"""Emulator of Tencent Cloud Chat's Community permission-group REST API and the group and
topic commands around it.

Kept light: import submodules (`cli`, `server`, `backend`, ...) explicitly.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
