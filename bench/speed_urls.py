"""The project's URLs plus one bare view, for `bench/page_speed.py` (never served otherwise)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    """The floor: a view that does nothing, behind the same middleware as every page."""
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench-hello/", hello), *project_urlpatterns]
