"""The desk's pages. Each views module owns its URL patterns; they are all mounted here."""

from claims.views import claim_pages, desk, disputes, merges, people, reviews, search, stories, suggestions

app_name = "claims"

urlpatterns = [
    *desk.urlpatterns,
    *stories.urlpatterns,
    *disputes.urlpatterns,
    *claim_pages.urlpatterns,
    *search.urlpatterns,
    *people.urlpatterns,
    *reviews.urlpatterns,
    *merges.urlpatterns,
    *suggestions.urlpatterns,
]
