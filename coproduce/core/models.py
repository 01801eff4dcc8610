from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One write, recorded in the same transaction as the write itself.

    Deliberately holds ids and labels rather than foreign keys: an audit trail must outlive the
    rows it describes and must never block their deletion or erasure.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    on_behalf_of_id = models.BigIntegerField(_("on behalf of (person id)"), null=True, blank=True)
    on_behalf_of_label = models.CharField(_("on behalf of"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )


class ReminderSent(models.Model):
    """Which reminders went to whom, so running the reminder job again sends nothing twice."""

    kind = models.CharField(max_length=40)
    object_key = models.CharField(max_length=80)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "person"], name="unique_reminder_sent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_key} -> {self.person_id}"
