"""/alerts and /web: what reaches the group, and the way into the web app."""

from __future__ import annotations

from urllib.parse import urlencode

from bot import claims
from bot.commands.context import Context
from bot.commands.specs import Reply, _Usage
from bot.render import esc, link


class AdminCommands(Context):
    """Admins only: /alerts changes a setting, /web hands out access."""

    async def _cmd_alerts(self, args: list[str], raw: str) -> list[Reply]:
        current = await self._alert_on()
        if not args:
            return [Reply(f"Alerts now: <b>{esc(current)}</b>. Choices: {esc(', '.join(claims.ALERT_ON))}.")]
        choice = args[0].lower()
        if len(args) != 1 or choice not in claims.ALERT_ON:
            raise _Usage(f"Choose one of {', '.join(claims.ALERT_ON)}.")
        if choice == current:
            return [Reply(f"Alerts are {esc(choice)} already. Nothing was changed.")]
        async with self.store.transaction():
            await self.store.set_setting("alert_on", choice)
        return [Reply(f"✅ Alerts now: <b>{esc(choice)}</b> (was {esc(current)}). Everything is still stored, "
                      "searched and counted in the digest.")]

    async def _cmd_web(self, args: list[str], raw: str) -> list[Reply]:
        base = self.settings.web_url
        if not base:
            return [Reply("🌐 The web app's address is not configured: set FRONTWATCH_WEB_URL (and "
                          "FRONTWATCH_WEB_LISTEN to serve it beside the bot), then restart.")]
        token = self.settings.web_token
        url = f"{base}/?{urlencode({'token': token})}" if token else f"{base}/"
        return [Reply(f"🌐 {link(url, 'Open the frontwatch web app')} — read-only: timeline, search, map, "
                      "exports." + (" The link carries the access token: keep it in the team." if token else ""))]
