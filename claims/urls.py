"""The desk's pages. Each views module owns its URL patterns; they are all mounted here."""

from claims.views import (
    alerts,
    claim_corrections,
    claim_edit,
    claim_pages,
    desk,
    disputes,
    inbox,
    merges,
    notes,
    people,
    publishing,
    review_decisions,
    reviews,
    revisions,
    search,
    speakers,
    stories,
    story_import,
    suggestions,
)

app_name = "claims"

urlpatterns = [
    *desk.urlpatterns,
    *inbox.urlpatterns,
    *alerts.urlpatterns,
    *story_import.urlpatterns,
    *revisions.urlpatterns,
    *stories.urlpatterns,
    *disputes.urlpatterns,
    *claim_pages.urlpatterns,
    *claim_edit.urlpatterns,
    *claim_corrections.urlpatterns,
    *publishing.urlpatterns,
    *notes.urlpatterns,
    *search.urlpatterns,
    *people.urlpatterns,
    *reviews.urlpatterns,
    *review_decisions.urlpatterns,
    *merges.urlpatterns,
    *suggestions.urlpatterns,
    *speakers.urlpatterns,
]
