"""The claim assistant in the write API: a story's suggestions, as the reader's panel offers them.

``GET /api/v1/stories/<public_id>/suggestions/`` returns the candidates the assistant offers for
the story's current text (not already logged as claims, not dismissed), in text order, each with
its offsets (code points into the revision text), kind, speaker as written and resolved, figures,
and its ranked statement and dispute matches with reasons. Desk users only: the assistant works
on unpublished material, so partner keys and users without a desk role get 403.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.audience import is_desk_user
from claims.api.base import api_error
from claims.extraction.offers import suggestions_offered
from sources.models import Story


class MatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
    label = serializers.CharField()
    claim_id = serializers.IntegerField(required=False, help_text="For statements: the best matching version.")


class FigureSuggestionSerializer(serializers.Serializer):
    measure = serializers.CharField()
    counted = serializers.CharField()
    whose_id = serializers.IntegerField(allow_null=True)
    whose = serializers.CharField(allow_null=True)
    value = serializers.IntegerField()
    qualifier = serializers.CharField()
    low = serializers.IntegerField(allow_null=True)
    high = serializers.IntegerField(allow_null=True)
    approximate = serializers.BooleanField()
    tally = serializers.CharField()
    raw = serializers.CharField()


class ProposedActorSerializer(serializers.Serializer):
    """A speaker the desk does not know (or could not tell with confidence), as written: never a guess."""

    name = serializers.CharField(help_text="The name as written, or the description when no name is given.")
    title = serializers.CharField(allow_null=True, help_text="The title or description written with the name.")
    kind = serializers.ChoiceField(
        choices=["person", "organisation", "government_body"], allow_null=True, help_text="When the words tell."
    )
    side_id = serializers.IntegerField(allow_null=True, help_text="The side the words name, when they name one.")
    side = serializers.CharField(allow_null=True)


class CandidateSerializer(serializers.Serializer):
    fingerprint = serializers.CharField(help_text="Identifies the suggestion (kind and quote).")
    start = serializers.IntegerField(help_text="Offset of the first character, in code points.")
    end = serializers.IntegerField(help_text="Offset after the last character, in code points.")
    quote = serializers.CharField()
    kind = serializers.ChoiceField(choices=["statement", "figure", "denial", "accusation", "assertion"])
    mode = serializers.CharField()
    speaker = serializers.CharField(allow_null=True, help_text="The speaker as written.")
    actor_id = serializers.IntegerField(allow_null=True)
    actor_name = serializers.CharField(allow_null=True)
    speaker_method = serializers.CharField(
        allow_null=True,
        help_text="How the speaker was resolved: alias, name, role, typo, country, pronoun, reference, "
        "previous; unknown for a proposed new actor.",
    )
    speaker_confidence = serializers.FloatField(
        help_text="0..1; a resolution below the assistant's threshold is a proposed new actor instead."
    )
    proposed_actor = ProposedActorSerializer(
        allow_null=True, help_text="Set when actor_id is null and the words name a speaker: a new actor to create."
    )
    via = serializers.ListField(child=serializers.DictField())
    figure = FigureSuggestionSerializer(allow_null=True)
    figures = FigureSuggestionSerializer(many=True)
    blames_id = serializers.IntegerField(allow_null=True)
    statement_matches = MatchSerializer(many=True)
    dispute_matches = MatchSerializer(many=True)


class ReprintSerializer(serializers.Serializer):
    story_id = serializers.IntegerField()
    containment = serializers.FloatField()


class StorySuggestionsSerializer(serializers.Serializer):
    story = serializers.UUIDField()
    revision = serializers.IntegerField(allow_null=True)
    already_logged = serializers.IntegerField()
    dismissed = serializers.IntegerField()
    reprints = ReprintSerializer(many=True)
    candidates = CandidateSerializer(many=True)


class StorySuggestionsView(APIView):
    """The assistant's suggestions for a story (desk users only)."""

    def handle_exception(self, exc: Exception) -> Response:
        return super().handle_exception(api_error(exc))

    @extend_schema(
        summary="The claim assistant's suggestions for a story",
        responses={200: StorySuggestionsSerializer},
        description="Candidates in text order, not yet logged nor dismissed. Desk users only.",
    )
    def get(self, request: Request, public_id: str) -> Response:
        if not (is_desk_user(request) and request.user.has_perm("sources.view_story")):
            raise exceptions.PermissionDenied("The claim assistant is for desk users.")
        story = get_object_or_404(Story.objects.select_related("current_revision"), public_id=public_id)
        offer = suggestions_offered(story)
        data = {
            "story": story.public_id,
            "revision": story.current_revision.number if story.current_revision else None,
            "already_logged": offer.logged,
            "dismissed": offer.dismissed,
            "reprints": [{"story_id": r.story_id, "containment": r.containment} for r in offer.reprints],
            "candidates": [candidate.as_json() for candidate in offer.suggestions],
        }
        return Response(StorySuggestionsSerializer(data).data)
