"""Staying connected for days: Telethon retries a dropped connection a few times and then
gives up; from there on this loop reconnects with backoff and says so, so the reader
catches up on what it missed while it was away.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telethon import TelegramClient

log = logging.getLogger(__name__)


async def keep_connected(client: TelegramClient, stop: asyncio.Event, *, name: str,
                         on_reconnected: Callable[[], None] = lambda: None,
                         sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
                         max_backoff: float = 300.0) -> None:
    stopper = asyncio.ensure_future(stop.wait())
    try:
        while not stop.is_set():
            lost = asyncio.ensure_future(client.disconnected)
            await asyncio.wait({lost, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if not lost.done():
                lost.cancel()
                return
            if not lost.cancelled() and lost.exception() is not None:
                log.warning("%s session disconnected: %s", name, type(lost.exception()).__name__)
            if stop.is_set():
                return
            backoff = 1.0
            while not stop.is_set():
                log.warning("%s session lost its connection; reconnecting", name)
                try:
                    await client.connect()
                except (ConnectionError, OSError, asyncio.TimeoutError) as exc:
                    log.warning("%s session could not reconnect (%s); next try in %.0f s", name,
                                type(exc).__name__, backoff)
                    await sleep(backoff)
                    backoff = min(max_backoff, backoff * 2)
                    continue
                log.info("%s session reconnected", name)
                on_reconnected()
                break
    finally:
        stopper.cancel()
