"""Response headers every page gets: the browser features we refuse, and no shared caching of
what a signed-in person sees."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

Middleware = Callable[[HttpRequest], HttpResponse]


def permissions_policy(get_response: Middleware) -> Middleware:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def private_cache_for_signed_in_users(get_response: Middleware) -> Middleware:
    """A page built for a signed-in person is never stored by a shared cache or the browser's
    disk cache, unless its view chose its own Cache-Control."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware
