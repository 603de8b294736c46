"""What a dispute's representation shows, read with bounded work whatever the dispute holds.

A dispute shows, per side, how many claims it has and the first ``SIDE_CLAIMS`` of them (the rest
are one keyset-paged request away, ``/claims/?dispute=..&side=..``), and the spreads of the figures
of all its claims. Reading every placement of the largest dispute (~2,000 claims at 100k, each with
its speaker, side, story and outlet as model instances) to show 20 a side was nearly all of its
time (a profile at 100k: 300 of 400 ms). Here the first claims of each side come from one ranked
query (a window per dispute and side, which also counts them), their figures and reviews are read
for those claims only, and the spreads' figures in one query of the figures alone.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, F, Prefetch, Window, prefetch_related_objects
from django.db.models.functions import RowNumber

from claims.api.audience import Audience
from claims.models import Dispute

SIDE_CLAIMS = 20  # claims shown per side in a dispute's representation; the rest are one request away
# a side's claims in the order the representation lists them: oldest story first
CLAIM_ORDER = ("claim__story__published_on", "claim__story_id", "claim__start", "claim_id")
# columns of a spread's figures' claims, speakers and stories that a spread never reads
UNREAD = ("claim__search_vector", "claim__speaker__search_vector", "claim__story__search_vector")


def attach_dispute_parts(disputes: list[Dispute], audience: Audience) -> None:
    """Set on each of ``disputes`` what ``DisputeSerializer`` reads: ``side_groups`` (per side, in
    the order shown: ``side``, ``count``, the first ``claims``) and ``spread_figures``."""
    if not disputes:
        return
    ids = [dispute.pk for dispute in disputes]
    side = F("claim__speaker__side_id")
    order = [F(key).asc() for key in CLAIM_ORDER]
    reviews = audience.reviews_for_representation(of_visible_claims=True).order_by("claim_id", "created_at", "id")
    shown = list(
        audience.dispute_claims()
        .filter(dispute_id__in=ids)
        .annotate(
            position=Window(RowNumber(), partition_by=[F("dispute_id"), side], order_by=order),
            side_count=Window(Count("*"), partition_by=[F("dispute_id"), side]),
        )
        .filter(position__lte=SIDE_CLAIMS)
    )
    prefetch_related_objects(
        [placed.claim for placed in shown],
        Prefetch("figures", queryset=audience.figures(), to_attr="shown_figures"),
        Prefetch("reviews", queryset=reviews, to_attr="shown_reviews"),
    )
    groups: dict[int, dict[int | None, dict[str, Any]]] = defaultdict(dict)
    for placed in shown:  # in the order of dispute_claims(): by dispute, then oldest story first
        speaker_side = placed.claim.speaker.side if placed.claim.speaker_id else None
        key = speaker_side.pk if speaker_side else None
        group = groups[placed.dispute_id].setdefault(key, {"side": speaker_side, "count": placed.side_count})
        group.setdefault("claims", []).append(placed)

    placements = audience.dispute_claims().filter(dispute_id__in=ids).order_by()
    claims_of: dict[int, set[int]] = defaultdict(set)
    for dispute_id, claim_id in placements.values_list("dispute_id", "claim_id"):
        claims_of[dispute_id].add(claim_id)
    figures = list(
        audience.figures()
        # the ids themselves, not a subquery: with one, the planner walked every figure (245 ms)
        .filter(claim_id__in=set().union(*claims_of.values()))
        .select_related("claim__speaker", "claim__story__outlet")
        .defer(*UNREAD)
        .order_by(*CLAIM_ORDER, "id")  # as the claims are listed, as the spreads always read them
    )
    for dispute in disputes:
        dispute.side_groups = sorted(
            groups[dispute.pk].values(), key=lambda g: (g["side"] is None, g["side"].name if g["side"] else "")
        )
        dispute.spread_figures = [figure for figure in figures if figure.claim_id in claims_of[dispute.pk]]
