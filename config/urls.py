from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from claims.api.urls import routes as claims_routes
from claims.api.urls import urlpatterns as claims_api_paths
from ingest.api import urlpatterns as ingest_api_paths
from partners.api import urlpatterns as partner_api_paths

# The one API router: every resource under /api/v1/, named "api:<basename>-detail" and so on.
router = DefaultRouter()
for prefix, viewset, basename in claims_routes:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, error pages, the API).
    # Lazy: the manifest's hashed name is only known once collectstatic has run.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include(([*claims_api_paths, *partner_api_paths, *ingest_api_paths, *router.urls], "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("public/", include("public.urls")),
    path("", include("ingest.views")),
    path("", include("claims.urls")),
]

# JSON errors under /api/, the usual pages elsewhere
handler404 = "core.error_pages.not_found"
handler500 = "core.error_pages.server_error"
