"""Django is configured once for every Channels test here, before any test module imports it."""

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="ecosystem-tests",
        INSTALLED_APPS=["channels"],
        USE_TZ=True,
        ALLOWED_HOSTS=["*"],
    )
    django.setup()
