"""Bot commands: how the team asks frontwatch questions and changes what it watches.

Telegram-free on purpose: the bot session hands over (chat, user, text) and sends back
the `Reply`s, so every command is tested without a network. Who may do what is decided
here, once, before any command runs:

- the team chat(s) are answered; allow-listed users (and admins) only in a private chat,
  because an answer in some other group would show the team's data to that group;
- commands that change something need an admin — a configured id, or an admin of the
  team group;
- anyone else gets nothing, not even a refusal, and is logged once.

Replies are HTML built from escaped pieces and split into pages that each fit one
Telegram message. A failing command answers with an apology; it never takes the bot down.

The commands live in one module per family (`channels`, `places`, `search`, `digest`,
`explain`, `mutes`, `admin`, `status`); `core` puts them together behind one dispatcher.
"""

from bot.commands.context import Directory
from bot.commands.core import Commands
from bot.commands.digest import parse_day
from bot.commands.mutes import parse_duration
from bot.commands.specs import COMMAND_LIST, SPEC_BY_NAME, SPECS, Reply, Spec, channel_html, side_label

__all__ = ["COMMAND_LIST", "SPECS", "SPEC_BY_NAME", "Commands", "Directory", "Reply", "Spec", "channel_html",
           "parse_day", "parse_duration", "side_label"]
