"""Partner-facing representations (explicit fields, public ids only) and the desk's input serializers.

Nested lists read the audience-filtered prefetches set up in ``claims.api.audience`` (attributes
named ``shown_*``), so a representation never reaches past what its reader may see.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.urls import get_script_prefix, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.api.audience import CLAIM_NESTED, Audience
from claims.api.dispute_parts import SIDE_CLAIMS, attach_dispute_parts
from claims.figures import Kind, Reading, spreads
from claims.models import (
    Actor,
    ActorRole,
    Annotation,
    Claim,
    ClaimDispute,
    ClaimLink,
    Dispute,
    Figure,
    Review,
    Scope,
    Side,
    Statement,
)
from claims.ratings import BEST, BY_RATING, WORST
from sources.models import Outlet, Story


def absolute(request: Any, path: str) -> str:
    """``path`` as an absolute URL on the request's origin (worked out once per request: a list
    page builds hundreds of URLs)."""
    if request is None:
        return path
    origin = getattr(request, "_api_origin", None)
    if origin is None:
        origin = request._api_origin = request.build_absolute_uri("/")[:-1]
    return origin + path


_ID_SLOT = "00000000-0000-4000-8000-000000000000"


@functools.cache
def _route(view_name: str, script_prefix: str) -> tuple[str, str]:
    """A one-id route's path before and after its id, reversed once (per script prefix)."""
    head, _, tail = reverse(view_name, args=[_ID_SLOT]).partition(_ID_SLOT)
    return head, tail


def record_url(request: Any, view_name: str, public_id: Any) -> str:
    """The absolute URL of the record ``public_id`` at the one-id route ``view_name``: the same as
    ``reverse`` gives, without resolving the route for every record of a page."""
    head, tail = _route(view_name, get_script_prefix())
    return absolute(request, f"{head}{public_id}{tail}")


def record_urls(request: Any) -> Callable[[str, Any], str]:
    """``record_url`` for the many records of one request's page, with the request's origin and
    script prefix read once."""
    origin, prefix = absolute(request, ""), get_script_prefix()

    def url(view_name: str, public_id: Any) -> str:
        head, tail = _route(view_name, prefix)
        return f"{origin}{head}{public_id}{tail}"

    return url


class ApiUrlField(serializers.HyperlinkedIdentityField):
    """The resource's stable URL in the API, built from its public id."""

    def __init__(self, basename: str, **kwargs: Any):
        super().__init__(view_name=f"api:{basename}-detail", lookup_field="public_id", **kwargs)

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> str | None:
        if format:  # a format-suffixed request (".jsonld") links with the suffix: DRF's own way
            return super().get_url(obj, view_name, request, format)
        return record_url(request, view_name, obj.public_id)


class PublicPageUrlField(serializers.Field):
    """The resource's page on the public site."""

    def __init__(self, name: str, **kwargs: Any):
        self.page_name = name
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return record_url(self.context.get("request"), f"public:{self.page_name}", value.public_id)


extend_schema_field(OpenApiTypes.URI)(PublicPageUrlField)


# --- small references --------------------------------------------------------------------------
class SideSerializer(serializers.ModelSerializer):
    class Meta:
        model = Side
        fields = ["key", "name", "kind"]


class ScopeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scope
        fields = ["key", "label", "kind", "place", "start", "end"]


class OutletRefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("outlet")

    class Meta:
        model = Outlet
        fields = ["id", "url", "name"]


class ActorRefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("actor")
    side = SideSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Actor
        fields = ["id", "url", "name", "side"]


class StoryRefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("story")
    link = serializers.CharField(source="url", read_only=True, help_text="The story on the outlet's site.")
    outlet = OutletRefSerializer(read_only=True)

    class Meta:
        model = Story
        fields = ["id", "url", "headline", "link", "outlet", "published_on", "published_precision"]


class StatementRefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("statement")

    class Meta:
        model = Statement
        fields = ["id", "url", "occasion", "said_on", "description"]


class ClaimRefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("claim")

    class Meta:
        model = Claim
        fields = ["id", "url", "quote"]


class FigureSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    whose = SideSerializer(read_only=True, allow_null=True)
    scope = ScopeSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Figure
        fields = [
            "id",
            "version",
            "measure",
            "counted",
            "whose",
            "scope",
            "tally",
            "qualifier",
            "value",
            "raw",
            "low",
            "high",
            "approximate",
            "as_of",
        ]


class ReviewRefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("review")
    rating_label = serializers.CharField(source="get_rating_display", read_only=True)
    rating_value = serializers.SerializerMethodField(
        help_text=f"reviewRating.ratingValue on the scale {WORST} (worst) to {BEST} (best); null when unproven."
    )
    supersedes = serializers.SerializerMethodField(help_text="The review this one corrects, when you may see it.")

    class Meta:
        model = Review
        fields = ["id", "url", "rating", "rating_label", "rating_value", "published_at", "supersedes"]

    def get_rating_value(self, review: Review) -> int | None:
        step = BY_RATING.get(review.rating)
        return step.value if step else None

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_supersedes(self, review: Review) -> str | None:
        # read from the audience-filtered prefetch (``Audience.reviews_for_representation``): a
        # missing one is an error, never a silent fallback to the unfiltered relation
        shown = review.shown_supersedes
        return str(shown.public_id) if shown is not None else None


class AnnotationNoteSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Annotation
        fields = ["id", "body", "is_public", "created_at", "updated_at"]


class ClaimLinkSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ClaimLink.Kind.choices)
    direction = serializers.ChoiceField(
        choices=[("outgoing", "outgoing"), ("incoming", "incoming")],
        help_text="outgoing: this claim <kind> the other; incoming: the other <kind> this claim.",
    )
    claim = ClaimRefSerializer()
    noted_on = serializers.DateField(allow_null=True)


class AnchorSerializer(serializers.Serializer):
    revision = serializers.IntegerField(help_text="The story revision's number (1 is the first import).")
    start = serializers.IntegerField(help_text="Offset in Unicode code points into the revision's text.")
    end = serializers.IntegerField()
    prefix = serializers.CharField()
    suffix = serializers.CharField()


class ClaimDisputeRefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="dispute.public_id", read_only=True)
    url = serializers.SerializerMethodField()
    title = serializers.CharField(source="dispute.title", read_only=True)
    kind = serializers.CharField(source="dispute.kind", read_only=True)
    blames = SideSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ClaimDispute
        fields = ["id", "url", "title", "kind", "stance", "blames", "version"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, placed: ClaimDispute) -> str:
        return record_url(self.context.get("request"), "api:dispute-detail", placed.dispute.public_id)


# --- claims ----------------------------------------------------------------------------------
class ClaimSerializer(serializers.ModelSerializer):
    """One assertion in one story, with everything it hangs on and everything said about it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("claim")
    public_url = PublicPageUrlField("claim")
    anchor = serializers.SerializerMethodField()
    speaker = ActorRefSerializer(read_only=True, allow_null=True)
    via = serializers.SerializerMethodField(help_text="Intermediary outlets, nearest the speaker first.")
    story = StoryRefSerializer(read_only=True)
    statement = StatementRefSerializer(read_only=True, allow_null=True)
    disputes = ClaimDisputeRefSerializer(source="shown_disputes", many=True, read_only=True)
    figures = FigureSerializer(source="shown_figures", many=True, read_only=True)
    links = serializers.SerializerMethodField()
    reviews = ReviewRefSerializer(source="shown_reviews", many=True, read_only=True)
    annotations = AnnotationNoteSerializer(source="shown_annotations", many=True, read_only=True)
    withdrawn = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "url",
            "public_url",
            "version",
            "quote",
            "anchor",
            "mode",
            "status",
            "said_on",
            "is_published",
            "published_at",
            "withdrawn",
            "speaker",
            "via",
            "story",
            "statement",
            "disputes",
            "figures",
            "links",
            "reviews",
            "annotations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(AnchorSerializer)
    def get_anchor(self, claim: Claim) -> dict[str, Any]:
        return {
            "revision": claim.revision.number,
            "start": claim.start,
            "end": claim.end,
            "prefix": claim.prefix,
            "suffix": claim.suffix,
        }

    @extend_schema_field(OutletRefSerializer(many=True))
    def get_via(self, claim: Claim) -> list[dict[str, Any]]:
        return OutletRefSerializer([v.outlet for v in claim.shown_via], many=True, context=self.context).data

    @extend_schema_field(ClaimLinkSerializer(many=True))
    def get_links(self, claim: Claim) -> list[dict[str, Any]]:
        links = [
            {"kind": link.kind, "direction": "outgoing", "claim": link.target, "noted_on": link.noted_on}
            for link in claim.shown_links_out
        ] + [
            {"kind": link.kind, "direction": "incoming", "claim": link.source, "noted_on": link.noted_on}
            for link in claim.shown_links_in
        ]
        return ClaimLinkSerializer(links, many=True, context=self.context).data

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_withdrawn(self, claim: Claim) -> bool:
        return claim.withdrawn_at is not None

    def get_fields(self) -> dict[str, serializers.Field]:
        """A list leaves out the nested lists its ``expand`` did not ask for (context ``nested``)."""
        fields = super().get_fields()
        for name in CLAIM_NESTED - self.context.get("nested", CLAIM_NESTED):
            del fields[name]
        return fields


class ClaimListItemSerializer(ClaimSerializer):
    """A claim as the list shows it (for the schema): the nested lists only when ``expand`` names them."""

    via = OutletRefSerializer(many=True, required=False, help_text="With `expand=via`.")
    figures = FigureSerializer(source="shown_figures", many=True, required=False, help_text="With `expand=figures`.")
    links = ClaimLinkSerializer(many=True, required=False, help_text="With `expand=links`.")
    reviews = ReviewRefSerializer(source="shown_reviews", many=True, required=False, help_text="With `expand=reviews`.")
    annotations = AnnotationNoteSerializer(
        source="shown_annotations", many=True, required=False, help_text="With `expand=annotations`."
    )


# --- disputes --------------------------------------------------------------------------------
class DisputeClaimSerializer(serializers.ModelSerializer):
    """A claim as a dispute shows it: its stance there, who says it, where, and its numbers."""

    id = serializers.UUIDField(source="claim.public_id", read_only=True)
    url = serializers.SerializerMethodField()
    quote = serializers.CharField(source="claim.quote", read_only=True)
    mode = serializers.CharField(source="claim.mode", read_only=True)
    status = serializers.CharField(source="claim.status", read_only=True)
    said_on = serializers.DateField(source="claim.said_on", read_only=True, allow_null=True)
    blames = SideSerializer(read_only=True, allow_null=True)
    speaker = ActorRefSerializer(source="claim.speaker", read_only=True, allow_null=True)
    story = StoryRefSerializer(source="claim.story", read_only=True)
    figures = FigureSerializer(source="claim.shown_figures", many=True, read_only=True)
    reviews = ReviewRefSerializer(source="claim.shown_reviews", many=True, read_only=True)

    class Meta:
        model = ClaimDispute
        fields = [
            "id",
            "url",
            "quote",
            "mode",
            "status",
            "said_on",
            "stance",
            "blames",
            "speaker",
            "story",
            "figures",
            "reviews",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, placed: ClaimDispute) -> str:
        return record_url(self.context.get("request"), "api:claim-detail", placed.claim.public_id)


class SideGroupSerializer(serializers.Serializer):
    side = SideSerializer(allow_null=True, help_text="The speakers' side; null for outlets' own voice.")
    count = serializers.IntegerField(help_text="How many claims this side has in the dispute.")
    claims = DisputeClaimSerializer(many=True, help_text=f"The first {SIDE_CLAIMS}, oldest story first.")
    more = serializers.URLField(
        allow_null=True,
        help_text="The claims list with all of them (filtered by dispute, and side when there is one); "
        "null when every claim is shown here.",
    )


class SpreadFigureSerializer(serializers.Serializer):
    claim = serializers.UUIDField()
    source = serializers.CharField(help_text="Who gives the figure: the speaker, or the outlet in its own voice.")
    value = serializers.IntegerField()
    qualifier = serializers.CharField()
    raw = serializers.CharField()
    low = serializers.IntegerField(allow_null=True, help_text="The compared range's low end (null: open).")
    high = serializers.IntegerField(allow_null=True, help_text="The compared range's high end (null: open).")
    as_of = serializers.DateField(allow_null=True, help_text="When the figure held (as-of, said or published).")
    whose = serializers.CharField(help_text="The side the counted belong to; empty for none or all sides.")
    scope = serializers.CharField(help_text="The scope's label; empty for none.")
    tally = serializers.CharField()


class SpreadTrendSerializer(serializers.Serializer):
    source = serializers.CharField()
    fell = serializers.BooleanField(help_text="A later total lies below an earlier one: a correction or a revision.")
    summary = serializers.CharField()
    figures = SpreadFigureSerializer(many=True, help_text="Oldest first.")


class SpreadSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=[k.value for k in Kind], help_text="agree, differ or not_comparable.")
    distance = serializers.IntegerField(
        allow_null=True, help_text="0 when they agree; the gap between the nearest bounds when they differ."
    )
    reason = serializers.CharField(help_text="Why the figures cannot be compared; empty otherwise.")
    measure = serializers.CharField()
    counted = serializers.CharField(allow_null=True, help_text="Null when the figures count different people.")
    whose = SideSerializer(allow_null=True, help_text="Null for all sides, or when the figures differ in it.")
    scope = ScopeSerializer(allow_null=True, help_text="Null for none, or when the figures differ in it.")
    as_of = serializers.DateField(allow_null=True, help_text="The date compared; null when the figures differ in it.")
    low = serializers.IntegerField(allow_null=True, help_text="agree: the range all allow; differ: the lower bound.")
    high = serializers.IntegerField(allow_null=True, help_text="agree: the range all allow; differ: the upper bound.")
    apart = serializers.IntegerField(allow_null=True, help_text="Deprecated: the same as distance.")
    percent = serializers.IntegerField(allow_null=True, help_text="differ: the distance as a % of the upper bound.")
    sources = serializers.IntegerField(help_text="How many claims give a figure here.")
    summary = serializers.CharField()
    figures = SpreadFigureSerializer(many=True)
    trends = SpreadTrendSerializer(many=True)


class DisputeListSerializer(serializers.ListSerializer):
    """A page of disputes, their sides' first claims and spreads' figures read for the page at once."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        disputes = list(data.all() if hasattr(data, "all") else data)
        attach_dispute_parts(disputes, Audience.of(self.context.get("request")))
        return super().to_representation(disputes)


class DisputeSerializer(serializers.ModelSerializer):
    """The contested question, its claims grouped by side, and how far apart the figures are."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("dispute")
    public_url = PublicPageUrlField("dispute")
    sides = serializers.SerializerMethodField()
    spreads = serializers.SerializerMethodField(help_text="Comparable figures: same measure, whose and scope.")
    annotations = AnnotationNoteSerializer(source="shown_annotations", many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "url",
            "public_url",
            "version",
            "title",
            "kind",
            "status",
            "summary",
            "place",
            "event_start",
            "event_end",
            "is_published",
            "published_at",
            "created_at",
            "updated_at",
            "sides",
            "spreads",
            "annotations",
        ]
        read_only_fields = fields
        list_serializer_class = DisputeListSerializer

    def to_representation(self, dispute: Dispute) -> dict[str, Any]:
        if not hasattr(dispute, "side_groups"):  # a single dispute (a list attaches its page's at once)
            attach_dispute_parts([dispute], Audience.of(self.context.get("request")))
        return super().to_representation(dispute)

    @extend_schema_field(SideGroupSerializer(many=True))
    def get_sides(self, dispute: Dispute) -> list[dict[str, Any]]:
        claims_list = reverse("api:claim-list")
        groups = []
        for group in dispute.side_groups:
            more = None
            if group["count"] > SIDE_CLAIMS:
                query = f"?dispute={dispute.public_id}" + (f"&side={group['side'].key}" if group["side"] else "")
                more = absolute(self.context.get("request"), claims_list + query)
            groups.append({**group, "more": more})
        return SideGroupSerializer(groups, many=True, context=self.context).data

    @extend_schema_field(SpreadSerializer(many=True))
    def get_spreads(self, dispute: Dispute) -> list[dict[str, Any]]:
        """The same verdicts as the dispute's pages (claims.figures.spreads), over the figures of
        all the dispute's claims."""
        figures = dispute.spread_figures
        claim_ids = {figure.claim_id: figure.claim.public_id for figure in figures}

        def figure_data(reading: Reading) -> dict[str, Any]:
            figure = reading.figure
            return {
                "claim": claim_ids[figure.claim_id],
                "source": reading.source,
                "value": figure.value,
                "qualifier": figure.qualifier,
                "raw": figure.raw,
                "low": reading.low,
                "high": reading.high,
                "as_of": reading.day,
                "whose": reading.whose,
                "scope": reading.scope,
                "tally": figure.tally,
            }

        def common(values: list[Any]) -> Any:
            return values[0] if len(set(values)) == 1 else None

        result = []
        for verdict in spreads(figures):
            shown = [r.figure for r in verdict.readings]
            result.append(
                {
                    "verdict": verdict.kind.value,
                    "distance": verdict.distance,
                    "reason": verdict.reason,
                    "measure": shown[0].measure,
                    "counted": common([f.counted for f in shown]),
                    "whose": shown[0].whose if common([f.whose_id for f in shown]) else None,
                    "scope": shown[0].scope if common([f.scope_id for f in shown]) else None,
                    "as_of": verdict.day,
                    "low": verdict.low,
                    "high": verdict.high,
                    "apart": verdict.distance,
                    "percent": verdict.percent,
                    "sources": len({f.claim_id for f in shown}),
                    "summary": verdict.summary(),
                    "figures": [figure_data(r) for r in verdict.readings],
                    "trends": [
                        {
                            "source": trend.source,
                            "fell": trend.fell,
                            "summary": trend.summary(),
                            "figures": [figure_data(r) for r in trend.readings],
                        }
                        for trend in verdict.trends
                    ],
                }
            )
        return SpreadSerializer(result, many=True, context=self.context).data


# --- statements, actors, reviews, annotations --------------------------------------------------
class StatementSerializer(serializers.ModelSerializer):
    """One speech act; the claims reporting it are its versions, in different words."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("statement")
    speaker = ActorRefSerializer(read_only=True)
    responds_to = serializers.SerializerMethodField()
    versions = ClaimRefSerializer(source="shown_versions", many=True, read_only=True)

    class Meta:
        model = Statement
        fields = ["id", "url", "version", "speaker", "occasion", "said_on", "description", "responds_to", "versions"]
        read_only_fields = fields

    @extend_schema_field(StatementRefSerializer(allow_null=True))
    def get_responds_to(self, statement: Statement) -> dict[str, Any] | None:
        """The statement this one answers, when the reader may see it (``responds_to_shown``)."""
        if statement.responds_to is None or not getattr(statement, "responds_to_shown", False):
            return None
        return StatementRefSerializer(statement.responds_to, context=self.context).data


class ActorRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActorRole
        fields = ["title", "start", "end"]


class ActorSerializer(serializers.ModelSerializer):
    """A speaker, with the names they go by and the roles they held."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("actor")
    side = SideSerializer(read_only=True, allow_null=True)
    aliases = serializers.SlugRelatedField(slug_field="alias", many=True, read_only=True)
    roles = ActorRoleSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = ["id", "url", "version", "name", "kind", "side", "description", "aliases", "roles"]
        read_only_fields = fields


class ReviewSerializer(ReviewRefSerializer):
    """A fact-checker's verdict on a claim."""

    claim = ClaimRefSerializer(read_only=True)
    jsonld_url = serializers.SerializerMethodField(help_text="This review as schema.org ClaimReview JSON-LD.")

    class Meta:
        model = Review
        fields = [
            "id",
            "url",
            "jsonld_url",
            "version",
            "claim",
            "rating",
            "rating_label",
            "rating_value",
            "reasoning",
            "evidence",
            "is_published",
            "published_at",
            "supersedes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_jsonld_url(self, review: Review) -> str:
        path = reverse("api:review-detail", kwargs={"public_id": review.public_id, "format": "jsonld"})
        return absolute(self.context.get("request"), path)


class DeskReviewSerializer(ReviewSerializer):
    """A review as the desk reads it: also whether a second person sent the draft back, and why.
    (Never for partners: they see published reviews only, which are never sent back.)"""

    returned_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "returned_at", "returned_by", "return_comment"]
        read_only_fields = fields


class DisputeRefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("dispute")

    class Meta:
        model = Dispute
        fields = ["id", "url", "title"]


class AnnotationSerializer(AnnotationNoteSerializer):
    """A note on a claim or a dispute."""

    url = ApiUrlField("annotation")
    claim = ClaimRefSerializer(read_only=True, allow_null=True)
    dispute = DisputeRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Annotation
        fields = ["id", "url", "version", "claim", "dispute", "body", "is_public", "created_at", "updated_at"]
        read_only_fields = fields
