"""The `frontwatch` command. Every subcommand shares one way of failing: a ConfigError
(or a bad argument) prints one line naming what and where, and exits with status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import json
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.errors import ConfigError

log = logging.getLogger("frontwatch")
from bot.store.location import is_postgres, parse_target, shown


DB_HELP = ("SQLite file or postgresql://user:password@host:port/database URL"
           " (default: var/frontwatch.sqlite, or FRONTWATCH_DB)")


def _common(p: argparse.ArgumentParser, *, db: str | None = DB_HELP) -> None:
    """`db`: the help for --db, or None for a command that never opens the store."""
    p.add_argument("--config", type=Path, default=None, help="config directory (default: config, or FRONTWATCH_CONFIG)")
    p.add_argument("--env", type=Path, default=None,
                   help="file of secrets and deployment settings (default: .env, if present)")
    if db is not None:
        p.add_argument("--db", type=parse_target, default=None, help=db)


#: Dates a digest can be asked for: wide enough for any real archive, narrow enough that
#: the day before and after still exist for the window arithmetic.
DAYS = (date(2000, 1, 1), date(2999, 12, 31))


def _day(text: str) -> date:
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date() if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, e.g. 2026-11-21, got {text[:40]!r}")
    if not DAYS[0] <= day <= DAYS[1]:
        raise argparse.ArgumentTypeError(f"expected a date from {DAYS[0]} to {DAYS[1]}, got {day}")
    return day


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _version() -> str:
    try:
        return importlib.metadata.version("frontwatch")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _filter_options(p: argparse.ArgumentParser, *, with_q: bool) -> None:
    """The archive's filters, named as in the web app's addresses."""
    p.add_argument("--place", help="place id or any of its names")
    p.add_argument("--side", help="ru, ua or other")
    p.add_argument("--channel", help="@username or channel id")
    p.add_argument("--action", help="topic or claimed action, e.g. withdrawal")
    p.add_argument("--tier", help="claim tier")
    p.add_argument("--since", help="first day, YYYY-MM-DD")
    p.add_argument("--until", help="last day, YYYY-MM-DD")
    if with_q:
        p.add_argument("--q", default="", help="search words")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="frontwatch",
        description="Watch Telegram channels for tracked places and withdrawals; alert the team.")
    parser.add_argument("--version", action="version", version=f"frontwatch {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", help="run the bundled demo corpus offline: alerts here, digest to a file")
    _common(p, db="demo database, emptied at every run (default: OUT/frontwatch.sqlite; FRONTWATCH_DB is "
                  "not used, so the demo never touches the real store)")
    p.add_argument("--out", type=Path, default=Path("out/demo"), help="where the demo database and digest go "
                   "(default: out/demo)")
    p.add_argument("--corpus", type=Path, default=None, help="demo corpus folder (default: the bundled one)")
    p.add_argument("--quiet", action="store_true", help="summary only, no alerts")

    p = sub.add_parser("replay", help="read a Telegram Desktop export (file or folder) through the pipeline")
    _common(p)
    p.add_argument("path", type=Path, help="result.json, or a folder of exports")
    p.add_argument("--channels", type=Path, default=None,
                   help="channel list in channels.toml form giving each exported channel its side and kind "
                        "(default: channels.toml in the config directory)")
    p.add_argument("--export-tz", default="UTC", help="time zone of the export's dates when it lacks unixtime "
                   "fields (default: UTC)")
    p.add_argument("--quiet", action="store_true", help="do not print alerts")

    p = sub.add_parser("check", help="show what the detector finds in a text")
    _common(p, db=None)
    p.add_argument("text", help="post text to check; - reads it from standard input")
    p.add_argument("--side", choices=("ru", "ua", "other"), default=None,
                   help="side of the channel posting it: resolves 'наши', 'противник' in events")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("eval", help="score the detector on labelled posts (JSONL)")
    _common(p, db=None)
    p.add_argument("file", type=Path, help="labelled posts, one JSON object a line (see shared/eval/README.md)")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("search", help="search stored posts (inflected forms and place names understood)")
    _common(p)
    p.add_argument("query", nargs="+", help="words or place names, in any form")
    p.add_argument("--limit", type=int, default=10, help="most results to show (default: 10)")
    _filter_options(p, with_q=False)

    p = sub.add_parser("digest", help="write the morning report of a day from the store")
    _common(p)
    p.add_argument("--date", type=_day, default=None,
                   help="YYYY-MM-DD, the morning it is sent (default: the last complete day that has posts)")
    p.add_argument("--out", type=Path, default=Path("out"), help="folder for the report page (default: out)")

    p = sub.add_parser("health", help="is `frontwatch run` alive and connected? exit 0 if so, 1 if not "
                       "(for a container's health check)")
    _common(p, db="store of the running service; the heartbeat sits beside a SQLite file, in var/ for a "
                  "PostgreSQL store (default: var/frontwatch.sqlite, or FRONTWATCH_DB)")
    p.add_argument("--role", choices=("all", "reader", "sender", "scheduler"), default="all",
                   help="the `frontwatch run --role` to check (default: all)")

    p = sub.add_parser("web", help="browse the store in a web browser: timeline, search, map, post pages, exports")
    _common(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; any other "
                   "address needs FRONTWATCH_WEB_TOKEN)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")

    from bot.telegram.cli import register

    register(sub, _common)
    return parser


def _settings(args: argparse.Namespace):
    from bot.settings import DEFAULT_ENV, load_settings

    return load_settings(args.config, args.env or DEFAULT_ENV, getattr(args, "db", None),
                         env_required=args.env is not None)


def _existing_store(settings) -> Path | str:
    """Commands that only read the store refuse a missing file rather than create an empty one.

    A PostgreSQL URL is passed on: whether the database is there only the server can say.
    """
    path = settings.db_path
    if is_postgres(path):
        return path
    if not path.exists():
        raise ConfigError(str(path), None, "database not found (give --db, or set FRONTWATCH_DB; "
                                           "`frontwatch replay` or `frontwatch run` creates it)")
    if path.is_dir():
        raise ConfigError(str(path), None, "is a folder, expected the SQLite database file")
    return path


def _detector(settings):
    from bot.detect import Detector

    return Detector.from_config(settings.config_dir)


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.claims import TIER_LABEL
    from bot.demo import DEMO_CORPUS, run_demo

    settings = _settings(args)
    detector = _detector(settings)
    corpus = args.corpus or DEMO_CORPUS
    if not corpus.is_dir():
        raise ConfigError(str(corpus), None, "demo corpus folder not found")
    summary = asyncio.run(run_demo(settings, detector, corpus=corpus, out_dir=args.out, quiet=args.quiet,
                                   db_path=args.db))
    print()
    print("═" * 64)
    print("frontwatch demo — summary")
    print(f"  posts read           {summary['posts_read']} ({summary['edits']} edits, {summary['deletions']} deletions)")
    print(f"  posts flagged        {summary['flagged']}")
    print(f"  alerts sent          {summary['alerts_sent']}")
    print(f"  alerts updated       {summary['alert_updates']} (forwards, near-copies, edits, deletions)")
    print(f"  merged, not resent   {summary['merged_into_existing']}")
    tiers = summary["claims_by_tier"]
    print(f"  alerting             {summary['alert_on']} (config/settings.toml alerts.alert_on)")
    print(f"  claims               {sum(tiers.values())}: {tiers['both_sides']} by both sides,"
          f" {tiers['several']} by several channels of one side, {tiers['single']} by one source;"
          f" {summary['claims_disputed']} disputed; {summary['denial_posts']} posts deny a claim")
    for c in summary["claims"][:12]:
        # the same claim again after its window is a second claim: its first hour tells them apart
        print(f"    · {c['claim']} (from {c['first'].astimezone(UTC):%d %b %H:%M} UTC) — {TIER_LABEL[c['tier']]},"
              f" {c['channels']} channel(s)"
              + (f", denied by {c['denied_by']}" if c["denied_by"] else "") + (" ⚠️ disputed" if c["disputed"] else ""))
    print("  top places           " + ", ".join(f"{name} {n}" for name, n in summary["top_places"]))
    if summary["export_problems"]:
        print(f"  export problems      {len(summary['export_problems'])} (skipped, see log)")
    print(f"  digest               {summary['digest_html']} (+ chart {summary['digest_png']})")
    print(f"  morning report       {summary['report_html']} ({summary['report_pages']} Telegram pages)")
    print(f"  database             {summary['database']}")
    print(f"  wall time            {summary['wall_seconds']} s")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from bot.channels import load_channels
    from bot.outbox import Outbox
    from bot.pipeline import Pipeline
    from bot.replay import replay
    from bot.settings import check_timezone
    from bot.sources.export import ExportError
    from bot.store import Store
    from bot.terminal import TerminalSender

    settings = _settings(args)
    detector = _detector(settings)
    export_tz = ZoneInfo(check_timezone("--export-tz", None, args.export_tz))
    channels_file = args.channels or settings.config_dir / "channels.toml"
    if args.channels is not None and not args.channels.is_file():
        raise ConfigError(str(args.channels), None, "channel list not found (--channels names a channels.toml file)")
    known = load_channels(channels_file) if channels_file.exists() else []

    async def go() -> int:
        store = await Store.open(settings.db_path, inline=True)
        try:
            pipeline = Pipeline(store, detector, settings.alerts, tracked=settings.tracked_places)
            outbox = Outbox(store, TerminalSender(quiet=args.quiet, keep=False), rate_limit_per_minute=None)
            try:
                report = await replay(args.path, store, pipeline, known, local_tz=export_tz, after_each=outbox.flush)
            except ExportError as exc:
                print(f"frontwatch: error: {exc}", file=sys.stderr)
                return 2
        finally:
            await store.close()
        print(f"replayed {report.posts} posts from {report.channels} channels into {shown(settings.db_path)}: "
              f"{report.new} new, {report.edited} edited, {report.duplicates} already stored; "
              f"{pipeline.stats.flagged} flagged, {outbox.sent} alerts, {pipeline.stats.merged} merged; "
              f"{pipeline.stats.corroborations} both-sides; "
              f"{len(report.problems)} malformed entries skipped, {report.errors} posts failed")
        if report.resumed:
            print(f"resumed an interrupted replay of this export: {report.resumed} posts it had handled were skipped")
        if report.unlisted:
            print(f"{len(report.unlisted)} channel(s) not in {channels_file}, replayed as media of side 'other' "
                  "(they never make a both-sides alert): "
                  + ", ".join(f"{_clip(ch.name)} ({ch.id})" for ch in report.unlisted)
                  + ". Give their sides with --channels FILE.")
        return 0

    return asyncio.run(go())


def cmd_check(args: argparse.Namespace) -> int:
    from bot.evaluate import format_check

    detector = _detector(_settings(args))
    text = args.text
    if text == "-":
        try:
            text = sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError("standard input", None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    print(format_check(text, detector.detect(text, args.side), as_json=args.json))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluate import evaluate

    detector = _detector(_settings(args))
    report = evaluate(detector, args.file)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(report.format_text())
    return 0


#: Results one search prints at most; SQLite's LIMIT takes no more than 64 bits anyway.
MAX_LIMIT = 1000


def cmd_search(args: argparse.Namespace) -> int:
    from bot.query import Archive, FilterError
    from bot.search import describe_query, result_blocks
    from bot.store import Store
    from bot.terminal import html_to_terminal

    settings = _settings(args)
    detector = _detector(settings)
    query = " ".join(args.query)
    if not 1 <= args.limit <= MAX_LIMIT:
        raise ConfigError("--limit", None, f"expected a number from 1 to {MAX_LIMIT}, got {args.limit}")
    params = {name: getattr(args, name) or "" for name in ("place", "side", "channel", "action", "tier", "since",
                                                           "until")}

    db_path = _existing_store(settings)

    async def go() -> int:
        store = await Store.open(db_path)
        try:
            archive = Archive(store, detector, settings.alerts.timezone)
            try:
                filters = await archive.parse({**params, "q": query})
            except FilterError as problem:
                print(f"frontwatch: error: search: --{problem.param}: {problem.message}", file=sys.stderr)
                return 2
            page = await archive.search(filters, limit=args.limit)
        finally:
            await store.close()
        if page.query is None:
            print(f"frontwatch: error: search: nothing to search for in {query!r}", file=sys.stderr)
            return 2
        color = sys.stdout.isatty()
        for block in result_blocks(page.items, settings.alerts.timezone):
            print(html_to_terminal(block, color))
        more = " (more exist: raise --limit)" if page.more else ""
        print(f"{len(page.items)} result(s) for {describe_query(page.query, detector)}{more}")
        return 0

    return asyncio.run(go())


def cmd_digest(args: argparse.Namespace) -> int:
    from bot.report import report_for, report_html, report_pages
    from bot.store import Store
    from bot.terminal import html_to_terminal

    from bot.detect.directory import PlaceDirectory

    settings = _settings(args)
    # a report names places it stored: the detector's whole gazetteer is not needed for that
    detector = PlaceDirectory(settings.config_dir)

    db_path = _existing_store(settings)

    async def go() -> int:
        # a report reads one day through indexes; the whole-file integrity check would read a
        # year of posts first (28 s for 1.5 GB from a cold cache). Damage on the pages it does
        # read is still one line and exit 2.
        store = await Store.open(db_path, check=False)
        try:
            report = await report_for(store, detector, settings, args.date, datetime.now(UTC))
        finally:
            await store.close()
        digest = report.digest
        name = f"report-{digest.end.astimezone(ZoneInfo(settings.digest.timezone)):%Y-%m-%d}.html"
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / name).write_text(report_html(report), encoding="utf-8")
        for page in report_pages(report):
            print(html_to_terminal(page))
        print(f"\nwritten: {args.out / name} (one self-contained page)")
        return 0

    return asyncio.run(go())


def cmd_health(args: argparse.Namespace) -> int:
    from bot.health import check_health, heartbeat_path

    settings = _settings(args)
    verdict = check_health(heartbeat_path(settings.db_path, args.role), datetime.now(UTC))
    print(f"frontwatch: {'healthy' if verdict.ok else 'unhealthy'}: {verdict.message}",
          file=sys.stdout if verdict.ok else sys.stderr)
    return 0 if verdict.ok else 1



def cmd_web(args: argparse.Namespace) -> int:
    from bot.web.app import WebConfigError, start_web

    settings = _settings(args)
    detector = _detector(settings)
    if not 0 < args.port < 65536:
        raise ConfigError("--port", None, f"expected 1 to 65535, got {args.port}")
    db_path = _existing_store(settings)

    async def go() -> int:
        try:
            runner, store = await start_web(db_path, detector, settings.alerts.timezone, args.host,
                                            args.port, settings.web_token)
        except (WebConfigError, FileNotFoundError, RuntimeError, OSError) as problem:
            print(f"frontwatch: error: web: {problem}", file=sys.stderr)
            return 2
        host = f"[{args.host}]" if ":" in args.host else args.host
        print(f"frontwatch web: http://{host}:{args.port}/ (read-only over {shown(db_path)}; Ctrl-C stops)")
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
            await store.close()
        return 0

    try:
        return asyncio.run(go())
    except KeyboardInterrupt:
        return 0


COMMANDS = {"health": cmd_health, "demo": cmd_demo, "replay": cmd_replay, "check": cmd_check, "eval": cmd_eval,
            "search": cmd_search, "digest": cmd_digest, "web": cmd_web}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler = getattr(args, "handler", None) or COMMANDS[args.command]
    try:
        return handler(args)
    except ConfigError as exc:
        print(f"frontwatch: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
