"""``python -m pulumi_tencentchat``: the ``tencentchat`` command."""

from pulumi_tencentchat.cli import main

raise SystemExit(main())
