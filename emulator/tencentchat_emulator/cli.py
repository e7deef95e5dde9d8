"""Command line entry point and an in-process runner for tests and benchmarks."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from aiohttp import web

from . import accesslog
from .errors import ChatError
from .faults import FaultConfigError, FaultSettings
from .server import Emulator, Settings
from .store import Store

DEFAULT_STATE = Path(".tencentchat-emulator") / "state.db"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tencentchat-emulator",
                                description="Emulator of Tencent Cloud Chat permission groups")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    p.add_argument("--sdkappid", type=int, default=Settings.sdkappid)
    p.add_argument("--secret-key", default=Settings.secret_key,
                   help="secret key UserSigs are checked against (default: the dev key)")
    p.add_argument("--admin", action="append", default=None,
                   help="identifier allowed to call (repeatable; default administrator)")
    state = p.add_mutually_exclusive_group()
    state.add_argument("--state", type=Path, default=None,
                       help=f"SQLite state file (default {DEFAULT_STATE})")
    state.add_argument("--in-memory", action="store_true", help="keep state in memory only")
    p.add_argument("--seed", type=Path, default=None, help="JSON file of groups and topics")
    p.add_argument("--rate-limit", type=int, default=Settings.rate_limit, metavar="N",
                   help="requests per second per command before 60007 (default "
                        f"{Settings.rate_limit}; 0 = no cap, to measure raw capacity)")
    p.add_argument("--access-log", action="store_true",
                   help="log one line per request to stderr (the usersig value is masked)")
    f = p.add_argument_group("fault injection (same settings as POST /_emulator/faults)")
    f.add_argument("--fault-seed", type=int, default=0, help="random seed of the fault draws")
    f.add_argument("--error-rate", type=float, default=0.0,
                   help="share of requests answered with --error-code, work not done")
    f.add_argument("--error-code", type=int, default=FaultSettings.error_code)
    f.add_argument("--http-502-rate", type=float, default=0.0,
                   help="share of requests answered with a bare HTTP 502, work not done")
    f.add_argument("--drop-response-rate", type=float, default=0.0,
                   help="share of requests whose work is committed but whose answer is dropped")
    f.add_argument("--latency-ms", type=float, default=0.0, help="delay before every answer")
    f.add_argument("--fail-next", type=int, default=0,
                   help="fault exactly the next N matching requests, then stop")
    f.add_argument("--fault-command", action="append", default=None, dest="fault_commands",
                   help="restrict faults to this command word (repeatable)")
    return p


def fault_settings(args: argparse.Namespace) -> FaultSettings:
    """The fault flags as settings (validated like the admin route)."""
    return FaultSettings.from_json({
        "seed": args.fault_seed, "error_rate": args.error_rate, "error_code": args.error_code,
        "http_502_rate": args.http_502_rate, "drop_response_rate": args.drop_response_rate,
        "latency_ms": args.latency_ms, "fail_next": args.fail_next,
        "commands": args.fault_commands or [],
    })


def make_emulator(*, sdkappid: int = Settings.sdkappid, secret_key: str = Settings.secret_key,
                  admins: Sequence[str] = ("administrator",), state: Path | None = None,
                  seed: Path | dict | None = None,
                  faults: FaultSettings | None = None,
                  rate_limit: int = Settings.rate_limit) -> Emulator:
    """Open the store (None = in memory), apply the seed and faults, and build the Emulator."""
    store = Store(state)
    emu = Emulator(store, Settings(sdkappid, secret_key, tuple(admins), rate_limit))
    if faults is not None:
        emu.faults.configure(faults)
    if seed is not None:
        doc = seed if isinstance(seed, dict) else json.loads(Path(seed).read_text())
        with store.transaction():
            emu.backend.seed(doc)
    return emu


async def _serve(emu: Emulator, host: str, port: int, ready: Callable[[str], None],
                 stop: asyncio.Event, access_log: logging.Logger | None = None) -> None:
    # auto_decompress=False: Content-Encoding is not interpreted (unverified.py), so a
    # garbage gzip body is a JSON parse error rather than a payload exception.
    accesslog.install_mask()
    runner = web.AppRunner(emu.make_app(), access_log=access_log,
                           access_log_class=accesslog.RedactingAccessLogger,
                           handle_signals=False, auto_decompress=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server  # noqa: SLF001 - the bound port is only exposed here
    sock = server.sockets[0] if server and server.sockets else None
    bound = sock.getsockname()[1] if sock else port
    ready(f"http://{host}:{bound}")
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        emu.store.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    state = None if args.in_memory else (args.state or DEFAULT_STATE)
    if args.rate_limit < 0:
        parser.error("--rate-limit must be >= 0")
    try:
        faults = fault_settings(args)
    except FaultConfigError as e:
        parser.error(str(e).replace("_", "-"))
    try:
        emu = make_emulator(sdkappid=args.sdkappid, secret_key=args.secret_key,
                            admins=args.admin or ["administrator"], state=state, seed=args.seed,
                            faults=faults, rate_limit=args.rate_limit)
    except ChatError as e:
        sys.stderr.write(f"tencentchat-emulator: invalid seed: {e.code} {e.info}\n")
        return 2
    except (OSError, ValueError) as e:
        sys.stderr.write(f"tencentchat-emulator: cannot start: {e}\n")
        return 2
    access_log = accesslog.enable() if args.access_log else None

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)

        def ready(url: str) -> None:
            sys.stdout.write(f"listening on {url}\n")
            sys.stdout.flush()

        await _serve(emu, args.host, args.port, ready, stop, access_log)

    asyncio.run(run())
    return 0


def run_in_thread(emu: Emulator | None = None, host: str = "127.0.0.1",
                  port: int = 0) -> tuple[str, Callable[[], None]]:
    """Serve `emu` (default: in-memory, dev settings) on a background thread.

    Returns the base URL and a function that stops the server and waits for the thread.
    """
    emu = emu or make_emulator()
    started = threading.Event()
    holder: dict[str, object] = {}

    def target() -> None:
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        holder["loop"], holder["stop"] = loop, stop

        def ready(url: str) -> None:
            holder["url"] = url
            started.set()

        try:
            loop.run_until_complete(_serve(emu, host, port, ready, stop))
        finally:
            loop.close()
            started.set()

    thread = threading.Thread(target=target, name="tencentchat-emulator", daemon=True)
    thread.start()
    started.wait(30)
    if "url" not in holder:
        raise RuntimeError("emulator thread did not start")

    def stop_fn() -> None:
        loop = holder["loop"]
        assert isinstance(loop, asyncio.AbstractEventLoop)
        ev = holder["stop"]
        assert isinstance(ev, asyncio.Event)
        loop.call_soon_threadsafe(ev.set)
        thread.join(30)

    return str(holder["url"]), stop_fn


if __name__ == "__main__":
    raise SystemExit(main())
