"""Everything that talks to Telegram, and the only package that imports Telethon.

A user session reads the followed channels (live updates plus its own catch-up from
the stored read position); a bot session sends the alerts and answers the team. What
leaves this package is a `Post`, a deletion, or an exception of frontwatch's own
(`bot.outbox.RetryAfter`, `TransientSendError`, `TelegramAuthError`), never Telethon's.
"""
