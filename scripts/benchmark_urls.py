"""The desk's URLs plus the scale benchmark's yardstick: the API list's 50 claims from a bare
JsonResponse view on the same stack (middleware, database, gunicorn), with no DRF."""

from django.http import JsonResponse
from django.urls import path

from claims import visibility
from config.urls import urlpatterns as desk_urlpatterns

FIELDS = ["public_id", "quote", "start", "end", "prefix", "suffix", "mode", "status", "said_on", "is_published",
          "published_at", "created_at", "updated_at", "version", "speaker__public_id", "speaker__name",
          "story__public_id", "story__headline", "story__url", "story__published_on", "story__outlet__public_id",
          "story__outlet__name", "revision__number"]  # fmt: skip


def bare_claims(request):
    return JsonResponse({"results": list(visibility.claims().order_by("public_id").values(*FIELDS)[:50])})


urlpatterns = [path("benchmark/bare-claims/", bare_claims), *desk_urlpatterns]
