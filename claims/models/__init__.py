"""The claims app's models, one module per concept, re-exported here by name."""

from claims.models.actors import Actor, ActorAlias, ActorRole, Side
from claims.models.alerts import Alert, AlertSeen, Follow
from claims.models.claims import Claim, ClaimDispute, ClaimLink, ClaimVia, Figure, Statement
from claims.models.desk import StoryWithoutClaims, WaitingClaim
from claims.models.disputes import Dispute, DisputeActivity, Scope
from claims.models.merges import Merge
from claims.models.notes import Annotation, Review, StoryReading, SuggestionDismissal

__all__ = [
    "Actor",
    "ActorAlias",
    "ActorRole",
    "Alert",
    "AlertSeen",
    "Annotation",
    "Claim",
    "ClaimDispute",
    "ClaimLink",
    "ClaimVia",
    "Dispute",
    "DisputeActivity",
    "Figure",
    "Follow",
    "Merge",
    "Review",
    "Scope",
    "Side",
    "Statement",
    "StoryReading",
    "StoryWithoutClaims",
    "SuggestionDismissal",
    "WaitingClaim",
]
