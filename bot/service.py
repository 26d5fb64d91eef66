"""`frontwatch run`: the live service, from the Telegram sessions to the team chat.

One bot session; one reader session per account channels.toml names (`main` always, since
the bot's /follow joins with it), each following its share of the channels into one queue,
one pipeline worker, one store and one sender.

Three store connections, one per concurrent part (the reader's pipeline, the outbox,
the bot's commands and digest): SQLite in WAL mode isolates them, so the outbox never
sees an alert the pipeline has not committed yet, and a slow digest never holds up a post.

Stopping (SIGINT/SIGTERM) lets the reader finish the post in hand and the outbox the
alert in hand; whatever is still queued is in the store and goes out on the next start.

With a PostgreSQL store the parts can run apart (`--role`): the reader (reader accounts,
pipeline and the bot's commands, which /follow with the main account), the sender (the
outbox) and the scheduler (the digest), each on a machine of its own with its own bot
session. Senders claim alerts and schedulers take the digest lease, so a second of
either is a standby, never a duplicate; the reader should run once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot import health
from bot.channels import MAIN_ACCOUNT, Channel, load_channels
from bot.commands import COMMAND_LIST, Commands
from bot.detect import Detector
from bot.outbox import Outbox, process_owner
from bot.pipeline import Pipeline
from bot.scheduler import DigestScheduler
from bot.settings import ROLES, Settings
from bot.store import Store
from bot.store.db import utcnow
from bot.telegram.connection import keep_connected
from bot.telegram.directory import ChannelDirectory
from bot.telegram.reader import Reader
from bot.telegram.sender import BotSender
from bot.telegram.sessions import (
    EXIT_AUTH,
    TelegramAuthError,
    TelegramUnreachable,
    add_server_key,
    check_reader_sessions,
    connect_bot,
    connect_user,
    describe_start_failure,
    make_client,
    make_session,
    reader_accounts,
)
from bot.telegram.team import TeamBot

log = logging.getLogger(__name__)

#: How long a stop waits for the alert in hand (a FloodWait may be minutes; the alert
#: stays queued with its random id and is sent, once, after the restart).
STOP_GRACE_SECONDS = 10.0


class Service:
    """One running frontwatch. Clients are passed in so tests can put a fake network under them."""

    def __init__(self, settings: Settings, *, user_client: Any, bot_client: Any,
                 account_clients: dict[str, Any] | None = None, detector: Detector | None = None,
                 channels: list[Channel] | None = None, commands_class: Any = Commands,
                 scheduler_class: Any = DigestScheduler, command_list: list[tuple[str, str]] = COMMAND_LIST,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep, clock: Callable[[], datetime] = utcnow,
                 page_wait: float = 1.0, sweep_seconds: float | None = None,
                 roles: frozenset[str] = frozenset(ROLES)) -> None:
        self.settings = settings
        self.roles = roles
        self.user_client = user_client
        self.bot_client = bot_client
        #: Reader accounts beside the main one (`user_client`), by name.
        self.account_clients = dict(account_clients or {})
        self.detector = detector or Detector.from_config(settings.config_dir)
        self.channels = channels if channels is not None else self._configured_channels()
        self.commands_class = commands_class
        self.scheduler_class = scheduler_class
        self.command_list = command_list
        self.sleep = sleep
        self.clock = clock
        self.page_wait = page_wait
        # None: from the settings; 0: no periodic sweep.
        self.sweep_seconds = sweep_seconds if sweep_seconds is not None else settings.telegram.sweep_minutes * 60
        self.started_at = clock()
        self.fatal: TelegramAuthError | None = None
        self.unreachable: str | None = None
        self.crashed = False
        self.ready = asyncio.Event()
        self.stop = asyncio.Event()
        self.reader: Reader | None = None
        #: Every account's reader, the main one first; `reader` and `directory` are the main one's.
        self.readers: dict[str, Reader] = {}
        self.outbox: Outbox | None = None
        self.pipeline: Pipeline | None = None
        self.directory: ChannelDirectory | None = None
        self.team: TeamBot | None = None
        self.scheduler: Any = None
        self._web: tuple[Any, Store] | None = None

    def _configured_channels(self) -> list[Channel]:
        return configured_channels(self.settings)

    def _fail(self, exc: TelegramAuthError) -> None:
        if self.fatal is None:
            self.fatal = exc
        self.stop.set()

    async def run(self) -> int:
        """Until `self.stop` is set (by a signal, or by a refused credential). Exit status back."""
        stores: list[Store] = []
        tasks: list[asyncio.Task] = []
        try:
            for n in range(3):
                stores.append(await Store.open(self.settings.db_path, check=n == 0))
            reading, sending, team_store = stores
            try:
                await self._start(reading, sending, team_store, tasks)
            except (TelegramAuthError, TelegramUnreachable):
                raise
            except Exception as exc:
                problem = describe_start_failure(exc)
                if problem is None:
                    raise
                raise TelegramUnreachable(problem) from None
            self.ready.set()
            log.info("frontwatch is running: %d channels followed by %d reader account(s)",
                     sum(len(r.directory.followed) for r in self.readers.values()), len(self.readers))
            await self._wait(tasks)
        except TelegramAuthError as exc:
            self._fail(exc)
        except TelegramUnreachable as exc:
            self.unreachable = str(exc)
        finally:
            await self._shutdown(tasks)
            for store in stores:
                await store.close()
        if self.fatal is not None:
            return EXIT_AUTH
        return 1 if self.unreachable or self.crashed else 0

    async def _start(self, reading: Store, sending: Store, team_store: Store, tasks: list[asyncio.Task]) -> None:
        tg = self.settings.telegram
        await connect_bot(self.bot_client, tg.bot_token or "")
        sender = BotSender(self.bot_client, tg.team_chat_ids[0], on_fatal=self._fail)
        if "sender" in self.roles:
            self.outbox = Outbox(sending, sender, rate_limit_per_minute=self.settings.alerts.rate_limit_per_minute,
                                 clock=self.clock, sleep=self.sleep,
                                 owner=process_owner("sender", self.settings.instance))
        self.team = TeamBot(self.bot_client, sender, sleep=self.sleep)
        if self.scheduler_class is not None and "scheduler" in self.roles:
            self.scheduler = self.scheduler_class(team_store, self.detector, self.settings, self.team.send_digest,
                                                  owner=process_owner("scheduler", self.settings.instance))
        if "reader" in self.roles:
            await self._start_reading(reading, team_store, tasks)
        if self.outbox is not None:
            self._outbox_stop = asyncio.Event()
            tasks.append(asyncio.create_task(self.outbox.run(self._outbox_stop), name="outbox"))
        tasks.append(asyncio.create_task(keep_connected(
            self.bot_client, self.stop, name="bot", sleep=self.sleep,
            on_reconnected=self.outbox.notify if self.outbox is not None else lambda: None), name="bot-connection"))
        tasks.append(asyncio.create_task(health.beat(
            health.heartbeat_path(self.settings.db_path, self._role_name()), self.stop,
            {"bot": self.bot_client, **({"user": self.user_client} if "reader" in self.roles else {}),
             **{f"user-{a}": c for a, c in self.account_clients.items() if "reader" in self.roles}}, self.clock),
            name="heartbeat"))
        if self.scheduler is not None:
            self.scheduler.start()
            tasks.append(asyncio.create_task(self._missed_digest(), name="missed-digest"))
        if self.settings.web_listen is not None and "reader" in self.roles:
            await self._start_web()

    def _role_name(self) -> str:
        return "all" if self.roles == frozenset(ROLES) else "+".join(sorted(self.roles))

    async def _start_reading(self, reading: Store, team_store: Store, tasks: list[asyncio.Task]) -> None:
        """The reader accounts, the pipeline, and the bot's commands (/follow joins with the main account)."""
        await connect_user(self.user_client)
        for account, client in self.account_clients.items():
            try:
                await connect_user(client)
            except TelegramAuthError as exc:
                raise TelegramAuthError(f"reader account {account!r}: " + str(exc).replace(
                    "`frontwatch login`", f"`frontwatch login --account {account}`")) from None
        self.pipeline = Pipeline(reading, self.detector, self.settings.alerts, tracked=self.settings.tracked_places,
                                 clock=self.clock,
                                 on_alert=self.outbox.notify if self.outbox is not None else lambda: None)
        queue: asyncio.Queue = asyncio.Queue()
        for account, client in {MAIN_ACCOUNT: self.user_client, **self.account_clients}.items():
            self.readers[account] = await self._reader(client, reading, queue)
        self.reader = self.readers[MAIN_ACCOUNT]
        self.directory = self.reader.directory
        # The other accounts first: what they follow is not the main account's to take on.
        elsewhere: list[Channel] = []
        for account, reader in [*list(self.readers.items())[1:], (MAIN_ACCOUNT, self.reader)]:
            dialogs = await reader.directory.dialogs()
            await reader.directory.load([ch for ch in self.channels if ch.account == account], dialogs,
                                        from_store=account == MAIN_ACCOUNT, elsewhere=elsewhere)
            elsewhere += [f.channel for f in reader.directory.followed.values()]
            elsewhere += [ch for ch in self.channels if ch.account == account]
            reader.request_catch_up("start", dialogs=dialogs)

        if self.commands_class is not None:
            commands = self.commands_class(
                team_store, self.detector, self.settings, is_group_admin=self.team.is_group_admin,
                directory=self.directory,
                started_at=self.started_at, bot_username=await self._bot_username())
            self.team.attach(commands)
            if not await self.team.register_commands(self.command_list):
                tasks.append(asyncio.create_task(self.team.keep_registering_commands(self.command_list),
                                                 name="bot-commands"))
        tasks.append(asyncio.create_task(self.reader.run(self.stop), name="reader"))
        for account, reader in self.readers.items():
            name = "user" if account == MAIN_ACCOUNT else f"user-{account}"
            tasks.append(asyncio.create_task(keep_connected(
                reader.client, self.stop, name=name, sleep=self.sleep,
                on_reconnected=lambda r=reader: r.request_catch_up("reconnected")), name=f"{name}-connection"))
        if self.sweep_seconds:
            tasks.append(asyncio.create_task(self._sweep(), name="sweep"))

    async def _start_web(self) -> None:
        """The web app beside the bot, on its own read-only connection; a busy port costs only the web app."""
        from bot.web.app import start_web

        host, port = self.settings.web_listen
        try:
            self._web = await start_web(self.settings.db_path, self.detector, self.settings.alerts.timezone, host,
                                        port, self.settings.web_token)
        except OSError as exc:
            log.error("the web app could not listen on %s:%s (%s); the bot runs without it", host, port, exc)
            return
        log.info("web app on http://%s:%s/", host, port)

    async def _reader(self, client: Any, store: Store, queue: asyncio.Queue) -> Reader:
        reader = Reader(client, store, self.pipeline, ChannelDirectory(client, store), sleep=self.sleep,
                        clock=self.clock, page_wait=self.page_wait, recheck_hours=self.settings.telegram.recheck_hours,
                        queue=queue)
        await reader.load_positions()
        reader.register()
        if hasattr(client, "on_reconnected"):
            client.on_reconnected.append(lambda: reader.request_catch_up("reconnected"))
        return reader

    async def _bot_username(self) -> str | None:
        """Optional: without it a command addressed `/status@otherbot` is answered too."""
        try:
            me = await self.bot_client.get_me()
        except TelegramAuthError:
            raise
        except Exception as exc:
            log.warning("could not ask Telegram for the bot's username (%s); commands addressed to another "
                        "bot in the team chat are not told apart", type(exc).__name__)
            return None
        return getattr(me, "username", None)

    async def _sweep(self) -> None:
        """Telethon drops long channel gaps even while connected; look for them regularly."""
        while True:
            try:
                await asyncio.wait_for(self.stop.wait(), self.sweep_seconds)
                return
            except asyncio.TimeoutError:
                pass
            for reader in self.readers.values():
                try:
                    await reader.directory.retry_joins()
                except (ConnectionError, OSError, asyncio.TimeoutError) as exc:
                    log.warning("could not retry postponed channels (%s); next sweep", type(exc).__name__)
                reader.request_catch_up("sweep")

    async def _missed_digest(self) -> None:
        try:
            await self.scheduler.run_missed()
        except Exception:
            log.exception("sending the missed digest failed; it is tried again at the next start")

    async def _wait(self, tasks: list[asyncio.Task]) -> None:
        """Until stop, or until a part fails: a refused credential stops all with exit 3."""
        stopper = asyncio.ensure_future(self.stop.wait())
        try:
            pending = set(tasks)
            while not self.stop.is_set() and pending:
                done, pending = await asyncio.wait(pending | {stopper}, return_when=asyncio.FIRST_COMPLETED)
                pending.discard(stopper)
                for task in done:
                    if task is stopper or task.cancelled():
                        continue
                    exc = task.exception()
                    if isinstance(exc, TelegramAuthError):
                        self._fail(exc)
                    elif exc is not None:
                        log.error("%s stopped: %s", task.get_name(), exc, exc_info=exc)
                        self.crashed = True
                        self.stop.set()
        finally:
            stopper.cancel()

    async def _shutdown(self, tasks: list[asyncio.Task]) -> None:
        self.stop.set()
        if self._web is not None:
            runner, web_store = self._web
            self._web = None
            await runner.cleanup()
            await web_store.close()
        if self.scheduler is not None:
            self.scheduler.shutdown()
        by_name = {t.get_name(): t for t in tasks}
        reader = by_name.get("reader")
        if reader is not None:
            await asyncio.wait({reader})
        outbox = by_name.get("outbox")
        if outbox is not None and self.fatal is None:
            self._outbox_stop.set()
            self.outbox.notify()
            done, _ = await asyncio.wait({outbox}, timeout=STOP_GRACE_SECONDS)
            if not done:
                log.warning("the alert in hand did not go out in time; it stays queued for the next start")
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for client in (self.user_client, *self.account_clients.values(), self.bot_client):
            if client is None:
                continue
            try:
                await client.disconnect()
            except Exception:
                log.debug("disconnect failed", exc_info=True)


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))


def configured_channels(settings: Settings) -> list[Channel]:
    path = settings.config_dir / "channels.toml"
    if not path.exists():
        log.warning("%s not found: following only channels followed by command", path)
        return []
    return load_channels(path)


def run_service(settings: Settings, roles: frozenset[str] = frozenset(ROLES)) -> int:
    """Build the real clients from settings and run until a signal. Exit status back.

    Without the reader role no reader account is logged in or even needed: a sender or a
    scheduler machine holds only the bot's session."""
    tg = settings.telegram
    tg.require(settings.env_source, "api_id", "api_hash", "team_chat_ids")
    if not tg.bot_session_string:
        tg.require(settings.env_source, "bot_token")

    # Every config file is read and every credential checked before a session file is made,
    # so a bad setting never leaves a half-created session behind.
    detector = Detector.from_config(settings.config_dir)
    reading = "reader" in roles
    channels = configured_channels(settings) if reading else []
    if reading:
        check_reader_sessions(settings, channels, str(settings.config_dir / "channels.toml"))
    add_server_key(settings)
    kinds = sorted(("user", "bot") if reading else ("bot",),
                   key=lambda kind: not (tg.user_session_string if kind == "user" else tg.bot_session_string))
    sessions = {kind: make_session(settings, kind) for kind in kinds}
    extra = {account: make_session(settings, "user", account=account)
             for account in reader_accounts(channels) if account != MAIN_ACCOUNT}

    async def main() -> int:
        user = make_client(settings, "user", session=sessions["user"]) if reading else None
        bot = make_client(settings, "bot", session=sessions["bot"])
        accounts = {account: make_client(settings, "user", session=session) for account, session in extra.items()}
        service = Service(settings, user_client=user, bot_client=bot, account_clients=accounts, detector=detector,
                          channels=channels, roles=roles)
        _install_signals(service.stop)
        status = await service.run()
        problem = service.fatal or service.unreachable
        if problem:
            print(f"frontwatch: error: {problem}", file=sys.stderr)
        return status

    return asyncio.run(main())

