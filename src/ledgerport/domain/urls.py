"""URL checks for values users configure (profile redirect, allowed origins)."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_web_url(text: str) -> bool:
    """An absolute http(s) URL with a host: the only kind a browser can be sent to."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)
