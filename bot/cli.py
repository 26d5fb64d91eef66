"""The `frontwatch` command. Every subcommand shares one way of failing: a ConfigError
(or a bad argument) prints one line naming what and where, and exits with status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import ConfigError

log = logging.getLogger("frontwatch")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, default=None, help="config directory (default: config, or FRONTWATCH_CONFIG)")
    p.add_argument("--env", type=Path, default=Path(".env"), help="file of secrets and deployment settings")
    p.add_argument("--db", type=Path, default=None, help="SQLite file (default: var/frontwatch.sqlite, or FRONTWATCH_DB)")


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
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", help="run the bundled demo corpus offline: alerts here, digest to a file")
    _common(p)
    p.add_argument("--out", type=Path, default=Path("out/demo"), help="where the demo database and digest go")
    p.add_argument("--corpus", type=Path, default=None, help="demo corpus folder (default: the bundled one)")
    p.add_argument("--quiet", action="store_true", help="summary only, no alerts")

    p = sub.add_parser("replay", help="read a Telegram Desktop export (file or folder) through the pipeline")
    _common(p)
    p.add_argument("path", type=Path, help="result.json, or a folder of exports")
    p.add_argument("--export-tz", default="UTC", help="time zone of the export's dates when it lacks unixtime fields")
    p.add_argument("--quiet", action="store_true", help="do not print alerts")

    p = sub.add_parser("check", help="show what the detector finds in a text")
    _common(p)
    p.add_argument("text", help="post text to check")
    p.add_argument("--side", choices=("ru", "ua", "other"), default=None,
                   help="side of the channel posting it: resolves 'наши', 'противник' in events")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("eval", help="score the detector on labelled posts (JSONL)")
    _common(p)
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("search", help="search stored posts (inflected forms and place names understood)")
    _common(p)
    p.add_argument("query", nargs="+")
    p.add_argument("--limit", type=int, default=10)
    _filter_options(p, with_q=False)

    p = sub.add_parser("digest", help="write the digest of a day from the store")
    _common(p)
    p.add_argument("--date", type=date.fromisoformat, default=None,
                   help="YYYY-MM-DD, the morning it is sent (default: the last complete day that has posts)")
    p.add_argument("--out", type=Path, default=Path("out"), help="folder for the report page")

    p = sub.add_parser("web", help="browse the store in a web browser: timeline, search, map, post pages, exports")
    _common(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; any other "
                   "address needs FRONTWATCH_WEB_TOKEN)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")

    from bot.telegram.cli import register

    register(sub, _common)
    return parser


def _settings(args: argparse.Namespace):
    from bot.settings import load_settings

    return load_settings(args.config, args.env, args.db)


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
    summary = asyncio.run(run_demo(settings, detector, corpus=corpus, out_dir=args.out, quiet=args.quiet))
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
        print(f"    · {c['claim']} — {TIER_LABEL[c['tier']]}, {c['channels']} channel(s)"
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
    from bot.sources.export import ExportError
    from bot.store import Store
    from bot.terminal import TerminalSender

    settings = _settings(args)
    detector = _detector(settings)
    try:
        export_tz = ZoneInfo(args.export_tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("--export-tz", None, f"unknown time zone {args.export_tz!r}") from None
    channels_file = settings.config_dir / "channels.toml"
    known = load_channels(channels_file) if channels_file.exists() else []

    async def go() -> int:
        store = await Store.open(settings.db_path)
        try:
            pipeline = Pipeline(store, detector, settings.alerts, tracked=settings.tracked_places)
            outbox = Outbox(store, TerminalSender(quiet=args.quiet), rate_limit_per_minute=None)
            try:
                report = await replay(args.path, store, pipeline, known, local_tz=export_tz, after_each=outbox.flush)
            except ExportError as exc:
                print(f"frontwatch: error: {exc}", file=sys.stderr)
                return 2
        finally:
            await store.close()
        print(f"replayed {report.posts} posts from {report.channels} channels into {settings.db_path}: "
              f"{report.new} new, {report.edited} edited, {report.duplicates} already stored; "
              f"{pipeline.stats.flagged} flagged, {outbox.sent} alerts, {pipeline.stats.merged} merged; "
              f"{len(report.problems)} malformed entries skipped, {report.errors} posts failed")
        return 0

    return asyncio.run(go())


def cmd_check(args: argparse.Namespace) -> int:
    from bot.evaluate import format_check

    detector = _detector(_settings(args))
    print(format_check(args.text, detector.detect(args.text, args.side), as_json=args.json))
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


def cmd_search(args: argparse.Namespace) -> int:
    from bot.query import Archive, FilterError
    from bot.search import describe_query, result_blocks
    from bot.store import Store
    from bot.terminal import html_to_terminal

    settings = _settings(args)
    detector = _detector(settings)
    query = " ".join(args.query)
    if args.limit < 1:
        raise ConfigError("--limit", None, f"expected a positive number, got {args.limit}")
    params = {name: getattr(args, name) or "" for name in ("place", "side", "channel", "action", "tier", "since",
                                                           "until")}

    async def go() -> int:
        store = await Store.open(settings.db_path)
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

    settings = _settings(args)
    detector = _detector(settings)

    async def go() -> int:
        store = await Store.open(settings.db_path)
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


def cmd_web(args: argparse.Namespace) -> int:
    from bot.web.app import WebConfigError, start_web

    settings = _settings(args)
    detector = _detector(settings)
    if not 0 < args.port < 65536:
        raise ConfigError("--port", None, f"expected 1 to 65535, got {args.port}")

    async def go() -> int:
        try:
            runner, store = await start_web(settings.db_path, detector, settings.alerts.timezone, args.host,
                                            args.port, settings.web_token)
        except (WebConfigError, FileNotFoundError, RuntimeError, OSError) as problem:
            print(f"frontwatch: error: web: {problem}", file=sys.stderr)
            return 2
        host = f"[{args.host}]" if ":" in args.host else args.host
        print(f"frontwatch web: http://{host}:{args.port}/ (read-only over {settings.db_path}; Ctrl-C stops)")
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


COMMANDS = {"demo": cmd_demo, "replay": cmd_replay, "check": cmd_check, "eval": cmd_eval, "search": cmd_search,
            "digest": cmd_digest, "web": cmd_web}


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
