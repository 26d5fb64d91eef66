"""Who may read the web app: decided from the address it listens on, before anything starts."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """Whether an address only this machine can reach: 127.0.0.0/8, ::1, `localhost`."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
