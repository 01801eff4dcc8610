"""Coproduction in consultations (docs/domain.md §9): patient-reported measures collected
without identifiers, and observed consultations rated by one or two observers.

A survey response holds no name, NHS number, contact detail, IP address, user agent or time of
day (only the date it arrived), and no link to a token: nothing in it can be traced to a patient.
"""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.people.models import Organisation, Person


def new_code() -> str:
    return secrets.token_urlsafe(9)


def new_token() -> str:
    # Short enough to type from a printed card; no letters that look alike.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Settings(models.Model):
    """Per-organisation settings; a missing row means the defaults."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="consultation_settings"
    )
    minimum_responses = models.PositiveIntegerField(
        _("minimum complete responses before a figure is shown"), default=25
    )

    def __str__(self) -> str:
        return f"consultation settings of {self.organisation_id}"


class InstrumentPermission(models.Model):
    """The organisation's record that it holds permission to use an instrument's wording, with
    the wording it entered (the product ships none for structure-only instruments)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="instrument_permissions"
    )
    instrument = models.CharField(_("instrument"), max_length=60)
    granted_by = models.CharField(_("who granted permission"), max_length=200)
    reference = models.CharField(_("reference or note"), max_length=300, blank=True)
    granted_on = models.DateField(_("date permission was granted"))
    wording = models.JSONField(default=dict)  # {"en": [item texts], "cy": [item texts]}
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "instrument"], name="consultations_one_permission"
            )
        ]

    def __str__(self) -> str:
        return f"permission for {self.instrument} ({self.organisation_id})"


class Team(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="consultation_teams"
    )
    name = models.CharField(_("team name"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    CLINICIAN = "clinician", _("Clinician")
    OBSERVER = "observer", _("Observer")


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consultation_roles")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person__full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person", "role"], name="consultations_unique_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})"


class SurveyLink(models.Model):
    """A link (and QR code) a clinician or team hands to patients."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="links")
    clinician = models.ForeignKey(
        TeamMember,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="links",
        verbose_name=_("clinician"),
    )
    instrument = models.CharField(_("questionnaire"), max_length=60)
    code = models.CharField(max_length=20, unique=True, default=new_code)
    valid_from = models.DateField(_("open from"))
    valid_to = models.DateField(_("open until"))
    one_use = models.BooleanField(_("only with one-use codes"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-valid_from", "-id"]

    def __str__(self) -> str:
        return f"survey link {self.pk}"


class Token(models.Model):
    """A one-use code printed on a card; once used it is refused."""

    link = models.ForeignKey(SurveyLink, on_delete=models.CASCADE, related_name="tokens")
    code = models.CharField(max_length=12, unique=True, default=new_token)
    used_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"token {self.pk}"


class Source(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper form entered by staff")


class Response(models.Model):
    """One anonymous answer to a questionnaire. Deliberately no patient, token, time of day,
    IP address or user agent. (To spot a burst of identical answers, the cache holds each
    online answer's arrival time for ten minutes, then forgets it: see bursts.py.)"""

    link = models.ForeignKey(SurveyLink, on_delete=models.PROTECT, related_name="responses")
    instrument = models.CharField(max_length=60)
    answers = models.JSONField(default=dict)  # {item key: value or None}
    language = models.CharField(max_length=2, default="en")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ONLINE)
    received_on = models.DateField()
    # Part of a burst of identical answers (bursts.py): kept, but left out of every figure.
    burst = models.BooleanField(default=False)

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"response {self.pk}"


class Mode(models.TextChoices):
    RECORDED = "recorded", _("Recorded (audio or video)")
    OBSERVED = "observed", _("Observed in person")


class Consultation(models.Model):
    """A consultation observers rate. `reference` must not identify the patient."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="consultations")
    clinician = models.ForeignKey(
        TeamMember, on_delete=models.CASCADE, related_name="consultations"
    )
    instrument = models.CharField(_("checklist"), max_length=60)
    reference = models.CharField(_("reference"), max_length=60)
    occurred_on = models.DateField(_("date of the consultation"))
    mode = models.CharField(_("how it was seen"), max_length=10, choices=Mode.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"consultation {self.reference}"


class Observation(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="observations"
    )
    rater = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="observations")
    ratings = models.JSONField(default=dict)  # {item key: value or None (not applicable)}
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "rater"], name="consultations_one_rating_each"
            )
        ]

    def __str__(self) -> str:
        return f"observation {self.pk}"
