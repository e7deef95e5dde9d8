"""`python -m tencentchat_emulator`."""

from .cli import main

raise SystemExit(main())
