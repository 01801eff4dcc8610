import uuid

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    """The product's one-line test of coproduction (docs/domain.md §1)."""

    DOING_TO = "doing_to", _("Doing to")
    DOING_FOR = "doing_for", _("Doing for")
    DOING_WITH = "doing_with", _("Doing with")


class FrameworkKind(models.TextChoices):
    LADDER = "ladder", _("Ladder")
    CROSSWALK = "crosswalk", _("Crosswalk")
    PRINCIPLES = "principles", _("Principles")
    LEVELS = "levels", _("Levels")
    STAGES = "stages", _("Stages")
    CRITERIA = "criteria", _("Criteria")


def _in_language(en: str, cy: str) -> str:
    return cy if translation.get_language() == "cy" and cy else en


class Framework(models.Model):
    """One version of a framework, loaded from coproduce/measures/frameworks/*.yaml.

    A loaded version never changes: answers point at its items, so a new version is a new row and
    earlier answers keep meaning what they meant.
    """

    key = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=FrameworkKind.choices)
    title_en = models.CharField(max_length=200)
    title_cy = models.CharField(max_length=200)
    notes_en = models.TextField(blank=True)
    notes_cy = models.TextField(blank=True)
    citation = models.TextField()
    source_url = models.URLField(blank=True)
    licence = models.TextField()
    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="unique_framework_version")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_cy)

    @property
    def notes(self) -> str:
        return _in_language(self.notes_en, self.notes_cy)


class FrameworkItem(models.Model):
    """A rung, principle, level, stage, criterion or crosswalk row of one framework version."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="items")
    key = models.SlugField(max_length=60)
    position = models.PositiveIntegerField()
    band = models.CharField(max_length=20, choices=Band.choices, blank=True)
    group = models.SlugField(max_length=60, blank=True)
    label_en = models.CharField(max_length=200)
    label_cy = models.CharField(max_length=200)
    description_en = models.TextField(blank=True)
    description_cy = models.TextField(blank=True)
    # Crosswalk rows: {"doing_to": {"en": ..., "cy": ...}, ...}
    cells = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="unique_framework_item")
        ]

    def __str__(self) -> str:
        return f"{self.framework}: {self.key}"

    @property
    def label(self) -> str:
        return _in_language(self.label_en, self.label_cy)

    @property
    def description(self) -> str:
        return _in_language(self.description_en, self.description_cy)

    def cell(self, band: str) -> str:
        value = self.cells.get(band) or {}
        return _in_language(value.get("en", ""), value.get("cy", ""))


# ---------------------------------------------------------------------------------------------
# Readiness check ("Is coproduction right here?", docs/domain.md §3) and the coproduction
# pulse (§4). Answers point at FrameworkItem rows of the version a round or pulse was
# opened with, so loading a new framework version never changes what earlier answers mean.


class ReadinessRound(models.Model):
    """One sitting of the six-criteria check for a project. Rounds can be re-run; earlier rounds
    stay for comparison."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="readiness_rounds"
    )
    criteria = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    # The ladder the recommendation is given on, fixed when the round opens for the same reason.
    ladder = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closes_on = models.DateField(_("closing date"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"readiness round {self.pk} of {self.project}"

    @property
    def is_open(self) -> bool:
        if self.closed_at is not None:
            return False
        return self.closes_on is None or timezone.localdate() <= self.closes_on


class ReadinessResponse(models.Model):
    """One member's answers to one round. Visible to the member and to the project's managers;
    other members see only aggregates."""

    round = models.ForeignKey(ReadinessRound, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="readiness_responses"
    )
    # The perspective they answered from, kept even if their membership changes later.
    perspective = models.CharField(max_length=20)
    answered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="one_readiness_response")
        ]

    def __str__(self) -> str:
        # No name: this text is kept in the audit trail, which must survive erasure.
        return f"readiness response {self.pk} to round {self.round_id}"


class ReadinessRating(models.IntegerChoices):
    NOT_MET = 0, _("Not met")
    PARTLY_MET = 1, _("Partly met")
    MOSTLY_MET = 2, _("Mostly met")
    FULLY_MET = 3, _("Fully met")


class ReadinessAnswer(models.Model):
    response = models.ForeignKey(
        ReadinessResponse, on_delete=models.CASCADE, related_name="answers"
    )
    criterion = models.ForeignKey(FrameworkItem, on_delete=models.PROTECT, related_name="+")
    # 0-3; null is "don't know", which is an answer, not a gap.
    rating = models.PositiveSmallIntegerField(
        choices=ReadinessRating.choices, null=True, blank=True
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "criterion"], name="one_readiness_answer")
        ]

    def __str__(self) -> str:
        return f"readiness answer {self.pk}"


class Pulse(models.Model):
    """A short repeated survey open for a window: the ladder rung, the NEF principles and what
    would make the project more equal. Responses are anonymous to other members."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="pulses")
    ladder = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    principles = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closes_on = models.DateField(_("closing date"))
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"pulse {self.pk} of {self.project}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and timezone.localdate() <= self.closes_on


class PulseRespondent(models.Model):
    """Who has responded to a pulse (to stop duplicates and allow changes while it is open).

    Deliberately holds no link to the answers: PulseResponse carries only a keyed hash of
    (pulse, person) that needs the server's secret to recompute, a random primary key and no
    timestamp, so neither ids nor times line a name up with an answer.
    """

    pulse = models.ForeignKey(Pulse, on_delete=models.CASCADE, related_name="respondents")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="pulse_responses"
    )
    responded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pulse", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pulse", "person"], name="one_pulse_respondent")
        ]

    def __str__(self) -> str:
        return f"pulse respondent {self.pk}"


class PulseResponse(models.Model):
    """The answers of one (unnamed) respondent. See PulseRespondent for why there is no link."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pulse = models.ForeignKey(Pulse, on_delete=models.CASCADE, related_name="responses")
    respondent_key = models.CharField(max_length=64)
    # Grouping needs the perspective; groups under three are never shown.
    perspective = models.CharField(max_length=20)
    rung = models.ForeignKey(FrameworkItem, on_delete=models.PROTECT, related_name="+")
    more_equal = models.TextField(blank=True)

    class Meta:
        # respondent_key is effectively random, so this order says nothing about who or when.
        ordering = ["pulse", "respondent_key"]
        constraints = [
            models.UniqueConstraint(fields=["pulse", "respondent_key"], name="one_pulse_response")
        ]

    def __str__(self) -> str:
        return f"pulse response to {self.pulse}"


class Agreement(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, _("Strongly disagree")
    DISAGREE = 2, _("Disagree")
    NEITHER = 3, _("Neither agree nor disagree")
    AGREE = 4, _("Agree")
    STRONGLY_AGREE = 5, _("Strongly agree")


class PulseAgreement(models.Model):
    response = models.ForeignKey(PulseResponse, on_delete=models.CASCADE, related_name="agreements")
    principle = models.ForeignKey(FrameworkItem, on_delete=models.PROTECT, related_name="+")
    # 1-5; null is "don't know".
    agreement = models.PositiveSmallIntegerField(choices=Agreement.choices, null=True, blank=True)

    class Meta:
        ordering = ["response", "principle__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "principle"], name="one_pulse_agreement")
        ]

    def __str__(self) -> str:
        return f"pulse agreement {self.pk}"
