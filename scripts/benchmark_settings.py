"""Settings for the scale benchmark's gunicorn: the desk's own, plus one bare view to compare with."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "scripts.benchmark_urls"
