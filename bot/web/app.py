"""`frontwatch web`: the archive in a browser, read-only, served by frontwatch alone.

Every page and export reads through `bot.query.Archive`, the same code as the bot's
/search and /latest, over a connection SQLite opens read-only. Nothing is loaded from
elsewhere: the style sheet is served here and the map is inline SVG.

Access: on a loopback address anyone on the machine may look, as with any local tool.
On any other address every request needs the token (FRONTWATCH_WEB_TOKEN), given once as
`?token=` (the link /web hands out), then kept in a cookie; without it the answer is 401,
with a wrong one 403.
"""

from __future__ import annotations

import csv
import hmac
import io
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.detect import Detector
from bot.geo import MapPoint, build_map, coordinates, tone
from bot.web.access import is_loopback
from bot.query import FILTER_NAMES, Archive, FilterError, Filters, Page, channel_key
from bot.store import Store
from bot.templating import environment, style

log = logging.getLogger(__name__)

STORE_KEY = web.AppKey("store", Store)
CONFIG_KEY = web.AppKey("config", dict)
COOKIE = "frontwatch_token"
PAGE_SIZE = 50
MAX_OFFSET = 1_000_000


class WebConfigError(Exception):
    """The web app cannot start as asked (no token for a non-loopback address)."""


def token_required(host: str, token: str | None) -> bool:
    """The access rule, decided from the address the server binds; refuses to run open on a network."""
    if is_loopback(host):
        return False
    if not token:
        raise WebConfigError(f"{host} is not a loopback address: set FRONTWATCH_WEB_TOKEN (in .env) so that "
                             "only holders of the link can read the archive")
    return True


def _given_token(request: web.Request) -> tuple[str | None, bool]:
    """The token a request carries, and whether it came in the address (to be kept in a cookie)."""
    if "token" in request.query:
        return request.query["token"], True
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        return auth[7:].strip(), False
    return request.cookies.get(COOKIE), False


@web.middleware
async def _access(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    config = request.app[CONFIG_KEY]
    expected = config["token"]
    if not config["token_required"]:
        return await handler(request)
    given, in_url = _given_token(request)
    if not given:
        return web.Response(status=401, text="401: this frontwatch needs its access token (ask /web in the team chat)")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return web.Response(status=403, text="403: wrong access token")
    response = await handler(request)
    if in_url:
        response.set_cookie(COOKIE, given, httponly=True, samesite="Strict", max_age=30 * 86400)
    return response


class Pages:
    def __init__(self, detector: Detector, tz: str) -> None:
        self.detector = detector
        self.tz = tz
        self.env = environment(tz)

    def archive(self, request: web.Request) -> Archive:
        return Archive(request.app[STORE_KEY], self.detector, self.tz)

    async def read(self, request: web.Request) -> tuple[Archive, Filters, int]:
        """The request's archive, filters and offset; a bad parameter ends the request with a 400 naming it."""
        archive = self.archive(request)
        try:
            filters = await archive.parse(request.query)
            raw = request.query.get("offset", "0").strip() or "0"
            if not raw.isdigit() or int(raw) > MAX_OFFSET:
                raise FilterError("offset", f"expected a whole number from 0 to {MAX_OFFSET}, got «{raw}»")
        except FilterError as problem:
            bad = self.bad(request, problem)
            raise web.HTTPBadRequest(text=bad.text, content_type=bad.content_type) from None
        return archive, filters, int(raw)

    def html(self, template: str, status: int = 200, **context: Any) -> web.Response:
        body = self.env.get_template(template).render(**context)
        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")

    def bad(self, request: web.Request, problem: FilterError) -> web.Response:
        if request.path.startswith(("/export", "/places.geojson")):
            return web.Response(status=400, text=f"400: bad parameter {problem.param}: {problem.message}")
        return self.html("error.html", status=400, title="Bad request", problem=problem,
                         **self._chrome(request, {}, {}))

    async def _form(self, archive: Archive) -> dict[str, Any]:
        channels = sorted((await archive.channels()).values(), key=lambda ch: ch.name.lower())
        return {
            "channels": [(channel_key(ch), ch.name, ch.side) for ch in channels],
            "places": sorted(((p.id, p.en) for p in self.detector.places()), key=lambda t: t[1]),
            "actions": [*self.detector.topics(), *await archive.claim_actions()],
            "tiers": await archive.tiers(),
        }

    def _chrome(self, request: web.Request, params: dict[str, str], form: dict[str, Any]) -> dict[str, Any]:
        return {"path": request.path, "params": params, "form": form, "filter_names": FILTER_NAMES,
                "place_name": lambda pid: self.detector.place(pid).en if pid in self._ids else pid,
                "channel_key": channel_key}

    @property
    def _ids(self) -> set[str]:
        return {p.id for p in self.detector.places()}

    async def _params(self, archive: Archive, filters: Filters) -> dict[str, str]:
        names = {cid: channel_key(ch) for cid, ch in (await archive.channels()).items()}
        return filters.params(names)

    async def timeline(self, request: web.Request) -> web.Response:
        archive, filters, offset = await self.read(request)
        searching = request.path == "/search"
        if searching and not filters.q:
            page = Page((), False, 0, None)
        else:
            page = await archive.timeline(filters, limit=PAGE_SIZE, offset=offset)
        params = await self._params(archive, filters)
        return self.html("timeline.html", page=page, filters=filters, offset=offset, searching=searching,
                         title="Search" if searching else "Timeline",
                         **self._chrome(request, params, await self._form(archive)))

    async def map(self, request: web.Request) -> web.Response:
        archive, asked, _ = await self.read(request)
        filters = await archive.map_window(asked)
        params = await self._params(archive, filters)
        counts = await archive.place_counts(filters)
        view = build_map(MapPoint(pc.place_id, pc.name, pc.posts, tone(dict(pc.sides)),
                                  href="/?" + urlencode({**params, "place": pc.place_id})) for pc in counts)
        return self.html("map.html", view=view, counts=counts, filters=filters, title="Map",
                         defaulted=filters != asked,
                         **self._chrome(request, params, await self._form(archive)))

    async def post(self, request: web.Request) -> web.Response:
        archive = self.archive(request)
        raw_id = request.match_info["message_id"]
        if not raw_id.isdigit():
            return web.Response(status=400, text=f"400: bad message id «{raw_id}»: expected a number")
        view = await archive.post(request.match_info["channel"], int(raw_id))
        if view is None:
            return self.html("error.html", status=404, title="Not found",
                             problem=FilterError("post", "no such post is stored"), **self._chrome(request, {}, {}))
        return self.html("post.html", view=view, title="Post", **self._chrome(request, {}, {}))

    async def _export_page(self, request: web.Request) -> tuple[Archive, Filters, Page]:
        archive, filters, _ = await self.read(request)
        return archive, filters, await archive.export(filters)

    async def export_json(self, request: web.Request) -> web.Response:
        archive, filters, page = await self._export_page(request)
        body = {"filters": await self._params(archive, filters), "truncated": page.more,
                "items": [export_row(item, archive) for item in page.items]}
        return web.json_response(body, dumps=lambda o: json.dumps(o, ensure_ascii=False, indent=1),
                                 headers=_attachment("frontwatch.json"))

    async def export_csv(self, request: web.Request) -> web.Response:
        archive, _, page = await self._export_page(request)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        for item in page.items:
            row = export_row(item, archive)
            writer.writerow({k: "; ".join(v) if isinstance(v, list) else ("" if v is None else v)
                             for k, v in row.items()})
        return web.Response(text=out.getvalue(), content_type="text/csv", charset="utf-8",
                            headers=_attachment("frontwatch.csv"))

    async def geojson(self, request: web.Request) -> web.Response:
        archive, filters, _ = await self.read(request)
        filters = await archive.map_window(filters)
        features = []
        for pc in await archive.place_counts(filters):
            where = coordinates(pc.place_id)
            if where is None:
                continue
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [where[1], where[0]]},
                             "properties": {"id": pc.place_id, "name": pc.name, "posts": pc.posts,
                                            "ru": pc.sides.get("ru", 0), "ua": pc.sides.get("ua", 0),
                                            "other": pc.sides.get("other", 0)}})
        window = {"since": filters.since.isoformat() if filters.since else None,
                  "until": filters.until.isoformat() if filters.until else None}
        return web.json_response({"type": "FeatureCollection", "window": window, "features": features},
                                 content_type="application/geo+json", headers=_attachment("places.geojson"))

    async def css(self, request: web.Request) -> web.Response:
        return web.Response(text=style(), content_type="text/css", charset="utf-8")


EXPORT_FIELDS = ["date", "channel", "side", "link", "places", "topics", "claims", "deleted_at", "also_in", "text"]


def export_row(item: Any, archive: Archive) -> dict[str, Any]:
    sp = item.stored
    return {
        "date": sp.post.date.isoformat(),
        "channel": item.channel.name if item.channel else (sp.post.channel_title or str(sp.post.channel_id)),
        "side": item.channel.side if item.channel else "other",
        "link": sp.post.link,
        "places": [archive.place_name(p) for p in sp.places],
        "topics": list(sp.topics),
        "claims": [f"{c.text} ({c.tier_label}{', disputed' if c.disputed else ''})" for c in item.claims],
        "deleted_at": sp.deleted_at.isoformat() if sp.deleted_at else None,
        "also_in": [copy.post.link for copy, _ in item.copies],
        "text": sp.post.text,
    }


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'inline; filename="{name}"'}


def build_app(store: Store, detector: Detector, tz: str, *, token: str | None, token_required: bool) -> web.Application:
    app = web.Application(middlewares=[_access])
    app[STORE_KEY] = store
    app[CONFIG_KEY] = {"token": token or "", "token_required": token_required}
    pages = Pages(detector, tz)
    app.router.add_get("/", pages.timeline)
    app.router.add_get("/search", pages.timeline)
    app.router.add_get("/map", pages.map)
    app.router.add_get("/post/{channel}/{message_id}", pages.post)
    app.router.add_get("/export.csv", pages.export_csv)
    app.router.add_get("/export.json", pages.export_json)
    app.router.add_get("/places.geojson", pages.geojson)
    app.router.add_get("/static/style.css", pages.css)
    return app


async def start_web(db_path: Path, detector: Detector, tz: str, host: str, port: int,
                    token: str | None) -> tuple[web.AppRunner, Store]:
    """Open the store read-only and listen; the caller keeps both and cleans up."""
    required = token_required(host, token)
    store = await Store.open_readonly(db_path)
    app = build_app(store, detector, tz, token=token, token_required=required)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        await store.close()
        raise
    return runner, store
