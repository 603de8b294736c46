"""Who is asking, and so which records they may see.

Partners (API keys), anonymous readers of the public pages and logged-in users without a desk role
see only what the desk has published, by the visibility rule of the models' ``visible()`` QuerySet
methods. Desk members (a role with view permissions) see the desk's work as it is, unpublished
drafts and internal notes included. Every nested list is filtered by the same rule as the list it
sits in, so nothing hidden can ride in on a visible parent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from claims import visibility
from claims.models import (
    Actor,
    Annotation,
    Claim,
    ClaimDispute,
    ClaimLink,
    ClaimVia,
    Dispute,
    Figure,
    Review,
    Statement,
)
from sources.models import Outlet, Story

# The nested lists of a claim's representation: always in its detail, in a list only when its
# ``expand`` parameter names them (docs/api.md), each with the prefetch attribute it reads.
CLAIM_NESTED_ATTRS = {
    "via": {"shown_via"},
    "figures": {"shown_figures"},
    "links": {"shown_links_out", "shown_links_in"},
    "reviews": {"shown_reviews"},
    "annotations": {"shown_annotations"},
}
CLAIM_NESTED = frozenset(CLAIM_NESTED_ATTRS)
UNSHOWN_CLAIM_COLUMNS = (
    "search_vector",
    "revision__body",
    "revision__raw_html",
    "revision__search_vector",
    "story__search_vector",
    "speaker__search_vector",
    "statement__search_vector",
)


def is_desk_user(request) -> bool:
    """A logged-in desk member (a role with view permissions), who sees unpublished work too.
    A partner key's principal holds no desk permission, so it is never one."""
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and user.has_perm("claims.view_claim")


@dataclass(frozen=True)
class Audience:
    desk: bool = False

    @classmethod
    def of(cls, request) -> Audience:
        """The audience a request belongs to: the desk, or the public (partners and everyone else)."""
        return cls(desk=request is not None and is_desk_user(request))

    # --- top-level querysets ------------------------------------------------------------------
    def disputes(self) -> QuerySet[Dispute]:
        return Dispute.objects.all() if self.desk else Dispute.objects.visible()

    def claims(self) -> QuerySet[Claim]:
        return Claim.objects.all() if self.desk else Claim.objects.visible()

    def reviews(self) -> QuerySet[Review]:
        return Review.objects.all() if self.desk else Review.objects.visible()

    def reviews_for_representation(self, *, of_visible_claims: bool = False) -> QuerySet[Review]:
        """Reviews, each with the review it corrects as ``shown_supersedes``: None when this
        audience may not see that one (a withdrawn verdict is not named to partners).

        ``of_visible_claims``: for the reviews nested in claims already filtered as visible, which
        are then filtered on their own flags only (claims/visibility.py)."""
        reviews = self.reviews()
        if of_visible_claims and not self.desk:
            reviews = Review.objects.filter(visibility.review_own())
        return reviews.prefetch_related(Prefetch("supersedes", queryset=self.reviews(), to_attr="shown_supersedes"))

    def annotations(self) -> QuerySet[Annotation]:
        return Annotation.objects.active() if self.desk else Annotation.objects.visible()

    def annotations_of_visible(self) -> QuerySet[Annotation]:
        """The notes nested in a claim or dispute already filtered as visible: their own flags only."""
        return Annotation.objects.active() if self.desk else Annotation.objects.filter(visibility.annotation_own())

    def statements(self) -> QuerySet[Statement]:
        return Statement.objects.all() if self.desk else Statement.objects.visible()

    def actors(self) -> QuerySet[Actor]:
        return Actor.objects.all() if self.desk else Actor.objects.visible()

    def stories(self) -> QuerySet[Story]:
        return Story.objects.all() if self.desk else visibility.stories()

    def outlets(self) -> QuerySet[Outlet]:
        return Outlet.objects.all() if self.desk else visibility.outlets()

    # --- prefetches for the nested lists of a representation ------------------------------------
    def figures(self) -> QuerySet[Figure]:
        return Figure.objects.select_related("whose", "scope").order_by("claim_id", "id")

    def claim_placements(self) -> QuerySet[ClaimDispute]:
        """The placements a claim's representation lists (of claims already filtered as visible:
        the dispute's own flags only), in the order it lists them."""
        placements = ClaimDispute.objects.all()
        if not self.desk:
            placements = placements.filter(visibility.dispute_own("dispute__"))
        return placements.order_by("claim_id", "dispute__title", "dispute_id")

    def claim_prefetches(self, prefix: str = "", nested: frozenset[str] = CLAIM_NESTED) -> list[Prefetch]:
        """Everything a claim's representation nests, each filtered for this audience; ``nested``
        names the lists wanted (a list page fetches only those its ``expand`` asks for)."""
        prefetches = [
            Prefetch(f"{prefix}figures", queryset=self.figures(), to_attr="shown_figures"),
            Prefetch(
                f"{prefix}via",
                queryset=ClaimVia.objects.select_related("outlet").order_by("claim_id", "position"),
                to_attr="shown_via",
            ),
            Prefetch(
                f"{prefix}dispute_links",
                queryset=self.claim_placements().select_related("dispute", "blames"),
                to_attr="shown_disputes",
            ),
            Prefetch(
                f"{prefix}reviews",
                queryset=self.reviews_for_representation(of_visible_claims=True).order_by(
                    "claim_id", "created_at", "id"
                ),
                to_attr="shown_reviews",
            ),
            Prefetch(
                f"{prefix}annotations",
                queryset=self.annotations_of_visible().order_by("claim_id", "created_at", "id"),
                to_attr="shown_annotations",
            ),
            Prefetch(
                f"{prefix}links_out",
                queryset=ClaimLink.objects.filter(target__in=self.claims())
                .select_related("target")
                .order_by("source_id", "created_at", "id"),
                to_attr="shown_links_out",
            ),
            Prefetch(
                f"{prefix}links_in",
                queryset=ClaimLink.objects.filter(source__in=self.claims())
                .select_related("source")
                .order_by("target_id", "created_at", "id"),
                to_attr="shown_links_in",
            ),
        ]
        wanted = {"shown_disputes"}.union(*(CLAIM_NESTED_ATTRS[name] for name in nested))
        return [prefetch for prefetch in prefetches if prefetch.to_attr in wanted]

    def claims_for_representation(self, nested: frozenset[str] = CLAIM_NESTED) -> QuerySet[Claim]:
        return (
            self.claims()
            .select_related("speaker__side", "story__outlet", "statement", "revision")
            # a claim shows its revision's number only: not its text (~6 KB a story, twice with the
            # HTML) nor any search vector, which made most of a list page's database time at 100k
            .defer(*UNSHOWN_CLAIM_COLUMNS)
            .prefetch_related(*self.claim_prefetches(nested=nested))
        )

    def dispute_claims(self) -> QuerySet[ClaimDispute]:
        """A visible dispute's claims (through their placement, which carries stance and blame): in
        a visible dispute, a claim's own flags make it visible."""
        return (
            (ClaimDispute.objects.all() if self.desk else ClaimDispute.objects.filter(visibility.claim_own("claim__")))
            .select_related("blames", "claim__speaker__side", "claim__story__outlet")
            .order_by("dispute_id", "claim__story__published_on", "claim__story_id", "claim__start", "claim_id")
        )

    def disputes_with_notes(self) -> QuerySet[Dispute]:
        return self.disputes().prefetch_related(
            Prefetch(
                "annotations",
                queryset=self.annotations_of_visible().order_by("dispute_id", "created_at", "id"),
                to_attr="shown_annotations",
            )
        )

    def disputes_for_representation(self) -> QuerySet[Dispute]:
        """With every claim of each (the public dispute page lists them all)."""
        return self.disputes_with_notes().prefetch_related(
            Prefetch("claim_links", queryset=self.dispute_claims(), to_attr="shown_claims"),
            Prefetch("shown_claims__claim__figures", queryset=self.figures(), to_attr="shown_figures"),
            Prefetch(
                "shown_claims__claim__reviews",
                queryset=self.reviews_for_representation(of_visible_claims=True).order_by(
                    "claim_id", "created_at", "id"
                ),
                to_attr="shown_reviews",
            ),
        )
