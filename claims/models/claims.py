"""Claims: one assertion in one story, anchored to its exact words, with its figures and links."""

from __future__ import annotations

import uuid

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from claims import visibility
from claims.models.actors import Actor, Side
from claims.models.disputes import Dispute, Scope
from core.history import track_history
from core.search import search_vector
from core.versioning import Versioned
from sources.models import Outlet, Story, StoryRevision


class StatementQuerySet(models.QuerySet):
    def visible(self) -> StatementQuerySet:
        """What may leave the desk (claims/visibility.py): statements with a visible version (claim)."""
        return visibility.statements(self)


class Statement(Versioned):
    """One speech act: one speaker, one occasion. The claims that report it are its versions."""

    class Occasion(models.TextChoices):
        ADDRESS = "address", "Address or speech"
        WRITTEN_STATEMENT = "written_statement", "Written statement"
        PRESS_CONFERENCE = "press_conference", "Press conference or call"
        INTERVIEW = "interview", "Interview"
        SOCIAL_MEDIA = "social_media", "Social media post"
        OFFICIAL_STATEMENT = "official_statement", "Official statement"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(max_length=120, unique=True, null=True, blank=True)
    speaker = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="statements")
    occasion = models.CharField(max_length=20, choices=Occasion.choices, default=Occasion.OTHER)
    said_on = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=500, blank=True)
    responds_to = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="responses")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=search_vector("description", weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-said_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(responds_to=F("pk")), name="claims_statement_not_own_response"),
        ]
        indexes = [
            # a speaker's statements over time (actor page, version matching)
            models.Index(name="claims_statement_speaker_date", fields=["speaker", "said_on"]),
            # search: statements by their description
            GinIndex(name="claims_statement_search", fields=["search_vector"]),
        ]

    def __str__(self) -> str:
        when = f" ({self.said_on:%d %b %Y})" if self.said_on else ""
        return f"{self.speaker}: {self.description or self.get_occasion_display()}{when}"


class ClaimQuerySet(models.QuerySet):
    @staticmethod
    def active_condition(prefix: str = "") -> Q:
        """The rule for a claim in use (not withdrawn), for claims reached through ``prefix``
        ("claim__" from a figure or a place in a dispute): one definition for every filter."""
        return Q(**{f"{prefix}withdrawn_at__isnull": True})

    def active(self) -> ClaimQuerySet:
        """Claims not withdrawn."""
        return self.filter(self.active_condition())

    def visible(self) -> ClaimQuerySet:
        """What may leave the desk (claims/visibility.py): published, not withdrawn, in a visible dispute."""
        return visibility.claims(self)

    def figures_disagree(self) -> ClaimQuerySet:
        """Claims in use whose words, after a story's revision, no longer say what their figures do
        ("at least 7" became "11"): the inbox lists them until an editor updates the figures or
        logs the new words as a revising claim (claims.corrections). A maintained flag with a
        partial index, so the list stays cheap however large the archive."""
        return self.filter(figures_disagree=True, withdrawn_at__isnull=True)

    def with_card_data(self) -> ClaimQuerySet:
        """Everything a claim card or list row shows (speaker, side and roles, outlet, statement,
        figures with whose and scope, the outlets it came via) in a fixed number of queries: the
        one definition for the dispute page's cards, the claim page, lists, search and exports."""
        return self.select_related("speaker__side", "story__outlet", "statement__speaker").prefetch_related(
            models.Prefetch("figures", Figure.objects.select_related("whose", "scope")), "via__outlet", "speaker__roles"
        )


class Claim(Versioned):
    """One assertion as it appears in one story, anchored to its exact span of text.

    ``start`` and ``end`` are offsets in Unicode code points into the revision's ``body``;
    ``quote`` is the exact text there, and ``prefix``/``suffix`` a little context either side,
    so the anchor can be found again in a later revision (the W3C TextQuoteSelector idea).
    """

    class Mode(models.TextChoices):
        VERBATIM = "verbatim", "Verbatim quote"
        PARAPHRASE = "paraphrase", "Paraphrase"
        OUTLET_VOICE = "outlet_voice", "Outlet's own voice"

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", "Unverified"
        VERIFIED = "verified", "Verified"
        DISPUTED = "disputed", "Disputed"
        FALSE = "false", "False"
        RETRACTED = "retracted", "Retracted by speaker"

    CONTEXT_CHARS = 32

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(max_length=120, unique=True, null=True, blank=True)
    story = models.ForeignKey(Story, on_delete=models.PROTECT, related_name="claims")
    revision = models.ForeignKey(StoryRevision, on_delete=models.PROTECT, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.PARAPHRASE)
    speaker = models.ForeignKey(Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="claims")
    said_on = models.DateField(null=True, blank=True, help_text="When it was said, if not the publication date.")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, null=True, blank=True, related_name="versions")
    disputes = models.ManyToManyField(Dispute, through="ClaimDispute", related_name="claims", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNVERIFIED)
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(max_length=500, blank=True)
    needs_reanchoring = models.BooleanField(
        default=False, help_text="The story has a newer revision where this quote was not found again."
    )
    figures_disagree = models.BooleanField(
        default=False,
        help_text="Re-anchored to words whose numbers differ from its figures, until an editor resolves it.",
    )
    from_suggestion = models.BooleanField(default=False, help_text="Logged by accepting an assistant suggestion.")
    partner_visible = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="Partners may see it (claims/visibility.py): kept by database triggers, never set by hand.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=search_vector("quote", weight="A"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["story", "start", "id"]
        permissions = [
            ("publish_claim", "Can publish and withdraw claims"),
            ("change_claim_status", "Can change a claim's verification status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="claims_claim_start_lt_end"),
            models.CheckConstraint(
                condition=~Q(mode="outlet_voice") | Q(speaker__isnull=True),
                name="claims_claim_outlet_voice_has_no_speaker",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="claims_claim_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="claims_claim_withdrawal_has_reason",
            ),
        ]
        indexes = [
            # story reader: a revision's claims in text order
            models.Index(name="claims_claim_revision_start", fields=["revision", "start"]),
            models.Index(name="claims_claim_story_start", fields=["story", "start"]),
            # actor page: a speaker's claims over time
            models.Index(name="claims_claim_speaker_said", fields=["speaker", "said_on"]),
            # actor page: a speaker's claims newest logged first, keyset-paged (claims.views.people)
            models.Index(name="claims_claim_speaker_created", fields=["speaker", "-created_at", "-id"]),
            models.Index(name="claims_claim_statement", fields=["statement"]),
            # desk: newest claims, and the API's published listing
            models.Index(name="claims_claim_created", fields=["-created_at", "-id"]),
            models.Index(
                name="claims_claim_published",
                fields=["id"],
                condition=Q(is_published=True, withdrawn_at__isnull=True),
            ),
            # the partner API's claim list (cursor on public_id) and every "visible claims" filter
            models.Index(name="claims_claim_partner_visible", fields=["public_id"], condition=Q(partner_visible=True)),
            GinIndex(name="claims_claim_search", fields=["search_vector"]),
            # the assistant's search for statements reported in other words (claims.extraction.matching)
            GinIndex(
                name="claims_claim_statement_search",
                fields=["search_vector"],
                condition=Q(statement__isnull=False, withdrawn_at__isnull=True),
            ),
            # the inbox: claims whose words and figures disagree after a revision, per story
            models.Index(
                name="claims_claim_figures_disagree",
                fields=["story", "id"],
                condition=Q(figures_disagree=True, withdrawn_at__isnull=True),
            ),
            # the inbox: stories with claims waiting to be re-anchored (few, so a small index)
            models.Index(
                name="claims_claim_needs_reanchoring",
                fields=["story"],
                condition=Q(needs_reanchoring=True, withdrawn_at__isnull=True),
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="claims_claim_no_delete", operation=pgtrigger.Delete),
            # An anchor must lie inside its revision's text, and the revision must be the story's.
            pgtrigger.Trigger(
                name="claims_claim_anchor_in_revision",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func="""
                    DECLARE body_length integer; revision_story bigint;
                    BEGIN
                        SELECT char_length(body), story_id INTO body_length, revision_story
                          FROM sources_storyrevision WHERE id = NEW.revision_id;
                        IF NEW."end" > body_length THEN
                            RAISE EXCEPTION 'claim anchor end % is past the revision text (% characters)',
                                NEW."end", body_length USING ERRCODE = 'check_violation';
                        END IF;
                        IF revision_story <> NEW.story_id THEN
                            RAISE EXCEPTION 'claim revision % belongs to another story', NEW.revision_id
                                USING ERRCODE = 'check_violation';
                        END IF;
                        RETURN NEW;
                    END;
                """,
            ),
        ]

    def __str__(self) -> str:
        quote = self.quote if len(self.quote) <= 80 else self.quote[:77] + "..."
        return f"“{quote}”"

    def get_absolute_url(self) -> str:
        return reverse("claims:claim_detail", args=[self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class ClaimVia(models.Model):
    """One link in the chain from speaker to reader: "Russia's Interfax news agency said"."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="via")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=1, help_text="1 is nearest the speaker.")

    class Meta:
        ordering = ["claim", "position"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "position"], name="claims_claimvia_unique_position"),
        ]

    def __str__(self) -> str:
        return f"via {self.outlet}"


class ClaimDisputeQuerySet(models.QuerySet):
    def active(self) -> ClaimDisputeQuerySet:
        """Places of claims in use (not withdrawn): the claim's rule, through the join."""
        return self.filter(ClaimQuerySet.active_condition("claim__"))


class ClaimDispute(Versioned):
    """How a claim sits in one dispute: asserts, denies, or counters with another version."""

    class Stance(models.TextChoices):
        ASSERTS = "asserts", "Asserts"
        DENIES = "denies", "Denies"
        COUNTERS = "counters", "Counters with another version"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="dispute_links")
    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="claim_links")
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.ASSERTS)
    blames = models.ForeignKey(
        Side,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For attribution disputes: the side this claim holds responsible.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimDisputeQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "dispute"], name="claims_claimdispute_unique"),
        ]
        indexes = [
            # dispute page and API: a dispute's claims
            models.Index(name="claims_claimdispute_dispute", fields=["dispute", "claim"]),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.stance} in {self.dispute_id}"


class Figure(Versioned):
    """The number in a quantitative claim, with what was counted, whose, and over which scope.

    ``low`` and ``high`` are inclusive bounds derived from the qualifier (see claims.figures);
    an open end is NULL. A removed figure is deleted; its history keeps it, and it can be restored
    with the same ids (claims.corrections).
    """

    class Measure(models.TextChoices):
        KILLED = "killed", "Killed"
        WOUNDED = "wounded", "Wounded"
        MISSING = "missing", "Missing"
        CAPTURED = "captured", "Captured"
        DISPLACED = "displaced", "Displaced"
        HOUSES_DAMAGED = "houses_damaged", "Houses damaged"
        OTHER = "other", "Other"

    class Counted(models.TextChoices):
        CIVILIANS = "civilians", "Civilians"
        SOLDIERS = "soldiers", "Soldiers"
        PEOPLE = "people", "People"
        CHILDREN = "children", "Children"
        BUILDINGS = "buildings", "Buildings"
        UNSPECIFIED = "unspecified", "Unspecified"

    class Tally(models.TextChoices):
        TOTAL = "total", "Cumulative total"
        INCREMENT = "increment", "Increment"

    class Qualifier(models.TextChoices):
        EXACT = "exact", "exactly"
        AT_LEAST = "at_least", "at least"
        MORE_THAN = "more_than", "more than"
        OVER = "over", "over"
        UP_TO = "up_to", "up to"
        ABOUT = "about", "about"
        NEARLY = "nearly", "nearly"
        SOME = "some", "some"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="figures")
    measure = models.CharField(max_length=20, choices=Measure.choices)
    counted = models.CharField(max_length=20, choices=Counted.choices, default=Counted.UNSPECIFIED)
    whose = models.ForeignKey(
        Side,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The side the counted belong to.",
    )
    scope = models.ForeignKey(Scope, on_delete=models.PROTECT, null=True, blank=True, related_name="figures")
    tally = models.CharField(max_length=10, choices=Tally.choices, default=Tally.TOTAL)
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    value = models.PositiveIntegerField()
    raw = models.CharField(max_length=300, blank=True, help_text="The words as written: “some two dozen”.")
    low = models.PositiveIntegerField(null=True, blank=True)
    high = models.PositiveIntegerField(null=True, blank=True)
    approximate = models.BooleanField(default=False)
    as_of = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["claim", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=F("high")),
                name="claims_figure_low_le_high",
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=False) | Q(high__isnull=False),
                name="claims_figure_has_a_bound",
            ),
        ]
        indexes = [
            # comparable figures: same measure, whose and scope
            models.Index(name="claims_figure_comparable", fields=["measure", "whose", "scope"]),
        ]

    def __str__(self) -> str:
        return self.raw or f"{self.get_qualifier_display()} {self.value} {self.measure}"

    @property
    def label(self) -> str:
        """The figure in one line of text, for exports: "at least 60 killed civilians (Azerbaijan)
        in Ganja [increment], as of 2020-10-21". Needs ``whose`` and ``scope`` loaded."""
        return figure_text(
            qualifier=self.qualifier,
            value=self.value,
            measure=self.measure,
            counted=self.counted,
            whose=self.whose.name if self.whose_id else None,
            scope=self.scope.label if self.scope_id else None,
            tally=self.tally,
            as_of=self.as_of.isoformat() if self.as_of else None,
        )

    def comparable_key(self) -> tuple:
        return (self.measure, self.whose_id, self.scope_id)


def figure_text(
    *,
    qualifier: str,
    value: int,
    measure: str,
    counted: str,
    whose: str | None,
    scope: str | None,
    tally: str,
    as_of: str | None,
) -> str:
    """A figure in one line, from its values (``whose`` and ``scope`` by name): Figure.label, and
    the claim page's history, which has a figure's values but not the figure."""

    def label(choices: type[models.TextChoices], value: str) -> str:
        return choices(value).label if value in choices.values else value

    parts = [label(Figure.Qualifier, qualifier), f"{value:,}", label(Figure.Measure, measure).lower()]
    if counted != Figure.Counted.UNSPECIFIED:
        parts.append(label(Figure.Counted, counted).lower())
    text = " ".join(parts)
    if whose:
        text += f" ({whose})"
    if scope:
        text += f" in {scope}"
    if tally == Figure.Tally.INCREMENT:
        text += " [increment]"
    if as_of:
        text += f", as of {as_of}"
    return text


class ClaimLink(models.Model):
    """A typed, dated relation between two claims, with who recorded it."""

    class Kind(models.TextChoices):
        CONTRADICTS = "contradicts", "contradicts"
        DENIES = "denies", "denies"
        CORROBORATES = "corroborates", "corroborates"
        RESPONDS_TO = "responds_to", "responds to"
        REVISES = "revises", "revises"
        RETRACTS = "retracts", "retracts"

    source = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="links_out")
    target = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="links_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    noted_on = models.DateField(null=True, blank=True, help_text="When the relation arose.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="claims_claimlink_unique"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="claims_claimlink_not_to_self"),
        ]
        indexes = [models.Index(name="claims_claimlink_target", fields=["target", "kind"])]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


for _model in (Statement, Claim, ClaimVia, ClaimDispute, Figure, ClaimLink):
    track_history(_model)
