"""What the web tests share: the demo store built once per module, and a live server in a thread."""

from __future__ import annotations

import asyncio
import io
import threading
from pathlib import Path

from bot.demo import run_demo
from bot.settings import load_settings
from bot.web.app import start_web

ROOT = Path(__file__).resolve().parents[1]
TZ = "Europe/Kyiv"


def build_demo(out: Path, detector) -> dict:
    settings = load_settings(ROOT / "config", env_file=None)
    return asyncio.run(run_demo(settings, detector, out_dir=out, stream=io.StringIO(), color=False, quiet=True))


class LiveServer:
    """`frontwatch web` as the command runs it (start_web), on a free port, in its own event loop."""

    def __init__(self, db: Path, detector, *, host: str = "127.0.0.1", token: str | None = None) -> None:
        self.db, self.detector, self.host, self.token = db, detector, host, token
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.runner, self.store = self.loop.run_until_complete(
                start_web(self.db, self.detector, TZ, self.host, 0, self.token))
            self.port = self.runner.addresses[0][1]
        except BaseException as exc:  # handed to the test thread
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()

    def __enter__(self) -> "LiveServer":
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            await self.runner.cleanup()
            await self.store.close()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)
        self.loop.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
