"""The desk's pages about stories that the sources app owns: import from the browser, revisions."""

from sources import views

app_name = "sources"

urlpatterns = views.urlpatterns
