"""Whose address a log-in came from, for the throttle (settings.AXES_CLIENT_IP_CALLABLE)."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies stand in front: then the address the
    outermost of them saw, which it appended to X-Forwarded-For. (Entries further left are
    whatever the client sent, so they are never trusted.) Without this, every visitor behind
    a proxy would share the proxy's address, and five failures would lock everyone out."""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
