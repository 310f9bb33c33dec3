import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import the URLconf (django-ninja and its schemas) when the worker starts, not on its first
# request: measured, a cold worker's first request took 0.3–0.9 s.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns
