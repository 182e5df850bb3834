"""The WSGI callable, `application`, that gunicorn serves (and `runserver` too)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# What the process holds from start-up to exit (modules, settings, the URL patterns and the
# views they import: some 200,000 objects) leaves the garbage collector's generations, so its
# full collections stop walking all of it. On the bigger pages such a collection came every
# hundred or so requests and took 150-250 ms, about 1 ms a request on average
# (docs/speed.md, the pass of 7-8 December).
get_resolver().url_patterns  # noqa: B018 (reading it imports every view module)
gc.collect()
gc.freeze()
