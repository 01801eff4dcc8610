from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    """The product's one-line test of coproduction (DOMAIN.md section 4)."""

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
