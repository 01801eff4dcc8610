import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.people.models import Organisation, Person, PerspectiveCode


class Scale(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    TEAM = "team", _("Team")
    SERVICE = "service", _("Service")
    ORGANISATION = "organisation", _("Organisation")
    REGION = "region", _("Region")


class Stage(models.TextChoices):
    # Bovaird and Loeffler's four Co's (docs/domain.md §1).
    CO_COMMISSION = "co_commission", _("Co-commissioning")
    CO_DESIGN = "co_design", _("Co-design")
    CO_DELIVER = "co_deliver", _("Co-delivery")
    CO_ASSESS = "co_assess", _("Co-assessment")


class Status(models.TextChoices):
    PLANNING = "planning", _("Planning")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class Project(models.Model):
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"))
    shared_aims = models.TextField(_("shared aims"), blank=True)
    scale = models.CharField(_("scale"), max_length=20, choices=Scale.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNING
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations involved"), related_name="projects"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title


class MemberRole(models.TextChoices):
    CO_CHAIR = "co_chair", _("Co-chair")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class Membership(models.Model):
    """A person in a project. Powers come from the role alone: a lived-experience co-chair can do
    exactly what a staff co-chair can."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    perspective = models.CharField(_("perspective"), max_length=20, choices=PerspectiveCode.choices)
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices)
    joined_on = models.DateField(_("joined"), default=timezone.localdate)
    left_on = models.DateField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["role", "person__full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person"],
                condition=models.Q(left_on__isnull=True),
                name="one_current_membership",
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        # No name here: this text is kept in the audit trail, which must survive erasure.
        return f"membership {self.pk} of {self.project}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class Meeting(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    accessibility = models.TextField(_("accessibility arrangements"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    # Calendar clients match updates by UID and take the highest SEQUENCE.
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title


def paper_path(instance, filename: str) -> str:
    return f"papers/{instance.meeting.project_id}/{uuid.uuid4().hex}/{filename}"


class Paper(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=paper_path, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by_label = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("paper")
        verbose_name_plural = _("papers")

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    APOLOGIES = "apologies", _("Apologies")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    # The perspective they brought to this meeting, kept even if their membership changes later.
    perspective = models.CharField(_("perspective"), max_length=20, choices=PerspectiveCode.choices)
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="unique_attendance")
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"attendance {self.pk} at {self.meeting}"
