"""The impact chain of a project (docs/domain.md §6): what was said, by whom and where → the
response, and why not when it was not adopted → the actions taken → the outcome measured against
a baseline → when feedback went back to the people who said it."""

from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.people.models import Person
from coproduce.projects.models import Meeting, Project


class SourceKind(models.TextChoices):
    MEMBER = "member", _("Member")
    MEETING = "meeting", _("Meeting")
    PUBLIC = "public", _("Public feedback")
    SURVEY = "survey", _("Survey")
    OTHER = "other", _("Other")


class Input(models.Model):
    """What was said. `contributor` is a project member; anyone else (a group, the public) is
    described in `contributor_label`. Public pages show the source kind and the label, never the
    contributor's name."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="inputs")
    text = models.TextField(_("what was said"))
    source = models.CharField(_("source"), max_length=10, choices=SourceKind.choices)
    # SET_NULL rather than PROTECT: what was said stays on the record even if a person goes.
    contributor = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inputs",
        verbose_name=_("contributor"),
    )
    contributor_label = models.CharField(_("said by"), max_length=200, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inputs",
        verbose_name=_("meeting"),
    )
    said_on = models.DateField(_("date said"), default=timezone.localdate)
    is_public = models.BooleanField(_("shown on the public page"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-said_on", "-id"]
        verbose_name = _("input")
        verbose_name_plural = _("inputs")

    def __str__(self) -> str:
        # No names or text: this is kept in the audit trail, which must survive erasure.
        return f"input {self.pk} to {self.project}"

    @property
    def current_response(self):
        """The response, or None while it is awaited (templates cannot catch the exception)."""
        try:
            return self.response
        except ObjectDoesNotExist:
            return None


class Decision(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly_adopted", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class Response(models.Model):
    """The project's answer to one input. A later link to a decisions record would be a new
    nullable field (not `decision`, which is this answer's kind)."""

    input = models.OneToOneField(Input, on_delete=models.CASCADE, related_name="response")
    decision = models.CharField(_("response"), max_length=20, choices=Decision.choices)
    # Required unless adopted: the chain must say plainly what could not be changed and why.
    reason = models.TextField(_("reason"), blank=True)
    responded_on = models.DateField(_("date of response"), default=timezone.localdate)
    responder = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responded by"),
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"response to input {self.input_id}"


class Action(models.Model):
    input = models.ForeignKey(Input, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("what will be done"))
    owner = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    owner_label = models.CharField(_("who will do it"), max_length=200, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_on", "due_on", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return f"action {self.pk} on input {self.input_id}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.done_on is None and self.due_on is not None and self.due_on < timezone.localdate()
        )


def plain_number(value: Decimal) -> str:
    """42.00 -> "42", 3.50 -> "3.5" (Decimal.normalize alone would turn 100 into 1E+2)."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


class OutcomeMeasure(models.Model):
    input = models.ForeignKey(Input, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(_("measure"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    baseline_value = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2)
    baseline_on = models.DateField(_("baseline date"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outcome measure")
        verbose_name_plural = _("outcome measures")

    def __str__(self) -> str:
        return f"measure {self.pk} on input {self.input_id}"

    def show(self, value: Decimal) -> str:
        """A value of this measure with its unit: "42 people", "18%"."""
        number = plain_number(value)
        if not self.unit:
            return number
        return f"{number}{self.unit}" if self.unit == "%" else f"{number} {self.unit}"


class FollowUp(models.Model):
    measure = models.ForeignKey(OutcomeMeasure, on_delete=models.CASCADE, related_name="follow_ups")
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    measured_on = models.DateField(_("date measured"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["measured_on", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"follow-up {self.pk} of measure {self.measure_id}"


class FeedbackMethod(models.TextChoices):
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("At a meeting")
    NEWSLETTER = "newsletter", _("Newsletter")
    OTHER = "other", _("Other")


class FeedbackSent(models.Model):
    """When (and how) the contributors were told what happened to what they said."""

    input = models.ForeignKey(Input, on_delete=models.CASCADE, related_name="feedback")
    sent_on = models.DateField(_("date sent"))
    method = models.CharField(_("how"), max_length=10, choices=FeedbackMethod.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["sent_on", "id"]
        verbose_name = _("feedback sent")
        verbose_name_plural = _("feedback sent")

    def __str__(self) -> str:
        return f"feedback {self.pk} on input {self.input_id}"
