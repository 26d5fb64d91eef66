"""frontwatch: watch Telegram channels for places and withdrawals, alert the team."""
