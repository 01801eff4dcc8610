"""Decisions, the positions members take on them, and how proposals were amended.

Perspectives are copied onto each row when it is written, so the power-sharing figures stay true
to who someone was in the group at the time, even if their membership changes later.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.people.models import Organisation, Person, PerspectiveCode
from coproduce.projects.models import Meeting, Project

# Carers speak from lived experience too; the power-sharing figures count both.
LIVED_PERSPECTIVES = frozenset({PerspectiveCode.LIVED_EXPERIENCE, PerspectiveCode.CARER})


class Method(models.TextChoices):
    # "By ..." reads well wherever the method is shown, and keeps these apart from the
    # catalogue's "Consent" (to the use of personal data).
    CONSENT = "consent", _("By consent")
    CONSENSUS = "consensus", _("By consensus")
    ADVICE = "advice", _("By advice process")
    VOTE = "vote", _("By vote")


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    AMENDED = "amended", _("Adopted with changes")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Stance(models.TextChoices):
    CONSENT = "consent", _("I consent")
    OBJECT = "object", _("I object")
    STAND_ASIDE = "stand_aside", _("I stand aside")
    AGREE = "agree", _("I agree")
    ABSTAIN = "abstain", _("I abstain")
    DISAGREE = "disagree", _("I disagree")
    BLOCK = "block", _("I block")
    YES = "yes", _("I vote yes")
    NO = "no", _("I vote no")
    ADVICE = "advice", _("My advice")


STANCES_BY_METHOD = {
    Method.CONSENT: (Stance.CONSENT, Stance.OBJECT, Stance.STAND_ASIDE),
    Method.CONSENSUS: (Stance.AGREE, Stance.ABSTAIN, Stance.DISAGREE, Stance.BLOCK),
    Method.VOTE: (Stance.YES, Stance.NO, Stance.ABSTAIN),
    Method.ADVICE: (Stance.ADVICE,),
}
# Stances that stop a proposal until they are resolved.
OBJECTING = frozenset({Stance.OBJECT, Stance.BLOCK})
# Stances that say "I support this proposal".
SUPPORTIVE = frozenset({Stance.CONSENT, Stance.AGREE, Stance.YES})
# Stances that must give a reason: an objection or block without one cannot be resolved.
NEEDS_REASON = frozenset({Stance.OBJECT, Stance.BLOCK, Stance.ADVICE})


class Decision(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    title = models.CharField(_("title"), max_length=200)
    proposal = models.TextField(_("proposal"))
    # Empty only for decisions taken outside the group, which nobody in it proposed.
    proposer = models.ForeignKey(
        Person,
        verbose_name=_("proposer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    proposer_perspective = models.CharField(
        _("proposer's perspective"), max_length=20, choices=PerspectiveCode.choices, blank=True
    )
    # Empty only for decisions taken outside the group.
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_statement = models.TextField(_("outcome statement"), blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    # Members are reminded before this date if they have not taken a position.
    respond_by = models.DateField(_("positions wanted by"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    taken_outside_group = models.BooleanField(_("taken outside the group"), default=False)
    outside_reason = models.TextField(_("why it was taken outside the group"), blank=True)
    outside_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation that decided"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions_taken_alone",
    )
    # Advice process: the person who decides, after seeking advice.
    decider = models.ForeignKey(
        Person,
        verbose_name=_("decider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions_to_make",
    )
    advice_notes = models.TextField(_("how the advice was weighed"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "-created_at"])]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == DecisionStatus.OPEN

    @property
    def stance_choices(self) -> list[tuple[str, str]]:
        return [(s.value, s.label) for s in STANCES_BY_METHOD.get(self.method, ())]


class Position(models.Model):
    """A member's current position. Earlier positions live in the audit trail (old and new
    stance on each change)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="positions")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="positions")
    perspective = models.CharField(_("perspective"), max_length=20, choices=PerspectiveCode.choices)
    stance = models.CharField(_("position"), max_length=12, choices=Stance.choices)
    comment = models.TextField(_("reason or comment"), blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)
    resolution_note = models.TextField(_("how it was resolved"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["updated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "person"], name="one_position_per_person")
        ]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        # No name here: this text is kept in the audit trail, which must survive erasure.
        return f"position {self.pk} on decision {self.decision_id}"

    @property
    def stands(self) -> bool:
        """An objection or block that has not been resolved."""
        return self.stance in OBJECTING and not self.resolved


class Amendment(models.Model):
    """One change to a proposal's text, and the objection that led to it (if any). The
    objection's stance and perspective are copied here because the objector may later change
    their position to consent."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="amendments")
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments"
    )
    objection_stance = models.CharField(max_length=12, choices=Stance.choices, blank=True)
    objector_perspective = models.CharField(
        max_length=20, choices=PerspectiveCode.choices, blank=True
    )
    old_text = models.TextField()
    new_text = models.TextField()
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self) -> str:
        return f"amendment {self.pk} to decision {self.decision_id}"
