"""The WSGI application (gunicorn in production and in the benchmarks).

Once Django and the URL patterns are loaded, everything the process holds so far is moved out of
the garbage collector's view (``gc.freeze``): those objects live as long as the process, and a
full collection walking them all took 350 ms in a worker at 100k claims, the slowest requests of
the change feed and of every page that allocates a lot (docs/performance.md, "Garbage collector
pauses"). Collections now walk only what requests create.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - import every view module now, before the freeze
gc.freeze()
