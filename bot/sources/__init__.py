"""Ways posts come in without Telegram: Desktop exports and the bundled demo corpus."""
