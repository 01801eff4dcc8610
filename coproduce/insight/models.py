"""Insight studies (docs/domain.md §8): qualitative research coded with COM-B and turned into
barrier/facilitator tables, a framework matrix, attributed quotes and recommended interventions.

Text is stored once per source; turns and codings point into it with Unicode code-point offsets
(first character 0, end exclusive), the convention REFI-QDA uses, so `text[start:end]` is the quote.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.people.models import Organisation, Person
from coproduce.projects.models import Project


class Study(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="studies")
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="studies"
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("aims and description"), blank=True)
    # How a quote is attributed, e.g. "{setting} clinician, {role}" (participant attributes).
    descriptor_template = models.CharField(
        _("quote descriptor template"), max_length=200, default="{sample_group}"
    )
    bcw_variant = models.CharField(
        _("Behaviour Change Wheel version"),
        max_length=4,
        choices=[("2011", "2011"), ("2014", "2014")],
        default="2014",
    )
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = _("study")

    def __str__(self) -> str:
        return self.title


class StudyRole(models.TextChoices):
    LEAD = "lead", _("Lead researcher")
    CODER = "coder", _("Coder")
    VIEWER = "viewer", _("Reader")


class StudyMember(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="study_memberships")
    role = models.CharField(_("role"), max_length=10, choices=StudyRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "person"], name="insight_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.study}"


class AttributeType(models.TextChoices):
    # The REFI-QDA variable types.
    TEXT = "text", _("Text")
    INTEGER = "integer", _("Whole number")
    FLOAT = "float", _("Number")
    BOOLEAN = "boolean", _("Yes or no")
    DATE = "date", _("Date")


# Attributes the seed study reports in its Table 1, offered to every new study.
STANDARD_ATTRIBUTES = [
    ("role", _("Role")),
    ("setting", _("Setting")),
    ("sample_group", _("Sample group")),
    ("area", _("Area")),
    ("gender", _("Gender")),
    ("age_band", _("Age band")),
    ("disability", _("Disability")),
    ("employment", _("Employment")),
    ("deprivation_quintile", _("Deprivation quintile")),
]


class Attribute(models.Model):
    """A participant characteristic (a case variable in REFI-QDA terms)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="attributes")
    name = models.SlugField(_("name"), max_length=60)
    label = models.CharField(_("label"), max_length=100)
    type = models.CharField(
        _("type"), max_length=10, choices=AttributeType.choices, default=AttributeType.TEXT
    )
    # Demographic and health attributes are special-category data (shown only to the study team).
    special_category = models.BooleanField(_("special-category data"), default=False)
    order = models.PositiveIntegerField(default=0)
    guid = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "name"], name="insight_attribute_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Participant(models.Model):
    """A case: an interviewee or focus-group member, known only by a study identifier."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="participants")
    identifier = models.CharField(_("identifier"), max_length=60)
    # Speaker labels used for this participant in transcripts ("P03", "Mrs Jones" before
    # pseudonymisation), matched when turns are linked to participants.
    speaker_labels = models.JSONField(default=list, blank=True)
    # {attribute name: value as text}; typed by the study's Attribute rows.
    attributes = models.JSONField(default=dict, blank=True)
    guid = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["identifier"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "identifier"], name="insight_participant_unique"
            )
        ]

    def __str__(self) -> str:
        return self.identifier


class SourceKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    FOCUS_GROUP = "focus_group", _("Focus group")
    DOCUMENT = "document", _("Document")


class Source(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=12, choices=SourceKind.choices, default=SourceKind.INTERVIEW
    )
    text = models.TextField()
    original_filename = models.CharField(max_length=255, blank=True)
    participants = models.ManyToManyField(Participant, blank=True, related_name="sources")
    guid = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["study", "name"], name="insight_source_name")
        ]

    def __str__(self) -> str:
        return self.name


class Turn(models.Model):
    """A speaker turn: [start, end) in the source text, with who spoke."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="turns")
    index = models.PositiveIntegerField()
    speaker = models.CharField(max_length=100, blank=True)
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="turns"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["source", "index"]
        constraints = [
            models.UniqueConstraint(fields=["source", "index"], name="insight_turn_index")
        ]

    def __str__(self) -> str:
        return f"{self.speaker or '?'} [{self.start}:{self.end}]"


class Code(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="codes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=200)
    colour = models.CharField(_("colour"), max_length=7, default="#005eb8")
    definition = models.TextField(_("definition"), blank=True)
    inclusion = models.TextField(_("use when"), blank=True)
    exclusion = models.TextField(_("do not use when"), blank=True)
    # The COM-B sub-component (a key of frameworks/comb.yaml) this code sits under, if any.
    comb = models.CharField(_("COM-B sub-component"), max_length=30, blank=True)
    tdf_domains = models.JSONField(_("TDF domains"), default=list, blank=True)
    # "comb:<key>" / "tdf:<key>" for codes seeded from a framework file; blank for inductive codes.
    framework_key = models.CharField(max_length=60, blank=True)
    order = models.PositiveIntegerField(default=0)
    guid = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "name"]
        indexes = [models.Index(fields=["study", "guid"])]

    def __str__(self) -> str:
        return self.name

    @property
    def inductive(self) -> bool:
        return not self.framework_key


class CodebookVersion(models.Model):
    """A frozen copy of the codebook (codes, hierarchy, definitions) at a point in time."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="codebook_versions")
    number = models.PositiveIntegerField()
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    snapshot = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["study", "number"], name="insight_codebook_number")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class Coder(models.Model):
    """Who made codings: a person here, a user of another tool (from a QDPX import), or the
    suggestion engine. Kept apart from Person so imported coders need no register entry."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="coders")
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="coder_identities"
    )
    name = models.CharField(max_length=200)
    is_suggestion = models.BooleanField(default=False)
    guid = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "person"],
                condition=models.Q(person__isnull=False),
                name="insight_coder_person",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Polarity(models.TextChoices):
    BARRIER = "barrier", _("Barrier")
    FACILITATOR = "facilitator", _("Facilitator")
    NEUTRAL = "neutral", _("Neutral")


class Coding(models.Model):
    """One code applied to [start, end) of a source by one coder. Several codings made together
    share a `selection` (a REFI-QDA PlainTextSelection)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="codings")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="codings")
    coder = models.ForeignKey(Coder, on_delete=models.CASCADE, related_name="codings")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    polarity = models.CharField(
        _("polarity"), max_length=12, choices=Polarity.choices, default=Polarity.NEUTRAL
    )
    selection = models.UUIDField(default=uuid.uuid4, db_index=True)
    guid = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source", "start", "end", "pk"]
        indexes = [
            models.Index(fields=["source", "start"]),
            models.Index(fields=["code", "polarity"]),
        ]

    def __str__(self) -> str:
        return f"{self.code_id} [{self.start}:{self.end}]"


class MemoTarget(models.TextChoices):
    STUDY = "study", _("Study")
    SOURCE = "source", _("Source")
    CODE = "code", _("Code")
    PARTICIPANT = "participant", _("Participant")
    CODING = "coding", _("Coding")


class Memo(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="memos")
    author = models.ForeignKey(Coder, on_delete=models.SET_NULL, null=True, blank=True)
    text = models.TextField(_("memo"))
    source = models.ForeignKey(Source, on_delete=models.CASCADE, null=True, blank=True)
    code = models.ForeignKey(Code, on_delete=models.CASCADE, null=True, blank=True)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, null=True, blank=True)
    coding = models.ForeignKey(Coding, on_delete=models.CASCADE, null=True, blank=True)
    guid = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def target(self) -> str:
        for name in ("coding", "participant", "code", "source"):
            if getattr(self, f"{name}_id"):
                return name
        return MemoTarget.STUDY


class Classification(models.TextChoices):
    BARRIER = "barrier", _("Barrier")
    FACILITATOR = "facilitator", _("Facilitator")
    BOTH = "both", _("Both")


class Theme(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="themes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="subthemes"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    comb = models.CharField(_("COM-B sub-component"), max_length=30, blank=True)
    classification = models.CharField(
        _("barrier or facilitator"), max_length=12, choices=Classification.choices, blank=True
    )
    codes = models.ManyToManyField(Code, blank=True, related_name="themes")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class MatrixCell(models.Model):
    """A framework-matrix summary: what one participant said about one theme."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="cells")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="cells")
    summary = models.TextField(_("summary"))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theme", "participant"], name="insight_cell_unique")
        ]

    def __str__(self) -> str:
        return self.summary[:60]


class InterventionCandidate(models.Model):
    """A Behaviour Change Wheel intervention function considered for a barrier theme, with the
    team's APEASE judgement of it."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="candidates")
    function = models.CharField(_("intervention function"), max_length=40)
    apease = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    selected = models.BooleanField(_("take forward"), default=False)
    # The input this candidate became in the project's "you said, we did" log, so it is sent
    # once whatever language its wording was made in (cleared if that input is deleted).
    sent_input = models.ForeignKey(
        "reports.Input", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theme", "function"], name="insight_candidate_unique")
        ]

    def __str__(self) -> str:
        return self.function


class PseudonymKind(models.TextChoices):
    PERSON = "person", _("Person")
    PLACE = "place", _("Place")
    ORGANISATION = "organisation", _("Organisation")
    OTHER = "other", _("Other")


class PseudonymEntry(models.Model):
    """The re-identification key: the original name and what replaced it. Visible only to the
    study's lead researchers and organisation admins, never exported with the study."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="pseudonyms")
    original = models.CharField(max_length=200)
    replacement = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=PseudonymKind.choices)
    occurrences = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["original"]
        constraints = [
            models.UniqueConstraint(fields=["study", "original"], name="insight_pseudonym_unique")
        ]

    def __str__(self) -> str:
        return self.replacement


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """Long work on a study (imports, exports) run by the task worker, with visible progress."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, null=True, related_name="jobs")
    kind = models.CharField(max_length=30)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # What was imported or produced, and any problems, for the person who asked.
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    input_file = models.FileField(upload_to="insight/jobs/", blank=True)
    # The uploaded file's own name, for messages (input_file is stored under a random one).
    input_name = models.CharField(max_length=255, blank=True)
    output_file = models.FileField(upload_to="insight/jobs/", blank=True)
    requested_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the worker last said it was alive (each progress report): a running job silent for
    # longer than the job_silence_seconds limit lost its worker and is marked failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def can_retry(self) -> bool:
        """A failed import whose upload is still kept, or a failed export, can run again."""
        if self.status != JobStatus.FAILED:
            return False
        if self.kind in ("import_qdpx", "import_qdc"):
            return bool(self.input_file)
        return self.kind in ("export_qdpx", "export_xlsx")


class SuggestionRun(models.Model):
    """One pass of the suggestion engine over a study: what it learnt from and how (provenance).
    Its suggestions are Coding rows of a suggestion Coder, so agreement with human coders uses
    the same statistics as between people."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="suggestion_runs")
    coder = models.ForeignKey(Coder, on_delete=models.CASCADE, related_name="suggestion_runs")
    backend = models.CharField(max_length=40)
    model_version = models.CharField(max_length=80)
    unit = models.CharField(max_length=10)
    # Backend settings, per-code thresholds, library versions and counts, as JSON.
    settings = models.JSONField(default=dict, blank=True)
    training_units = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.backend} {self.created_at:%Y-%m-%d %H:%M}"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Suggestion(models.Model):
    """The engine's confidence in one suggested coding, and a person's decision about it. The
    coding stays the suggestion coder's whatever the decision: accepting records who agreed."""

    run = models.ForeignKey(SuggestionRun, on_delete=models.CASCADE, related_name="suggestions")
    coding = models.OneToOneField(Coding, on_delete=models.CASCADE, related_name="suggestion")
    confidence = models.FloatField()
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-confidence", "pk"]
        indexes = [models.Index(fields=["run", "status"])]

    def __str__(self) -> str:
        return f"{self.coding} {self.confidence:.2f} {self.status}"


class TsVectorField(models.Field):
    """A PostgreSQL tsvector (without needing django.contrib.postgres); plain text, left empty,
    on other databases."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class SearchPassage(models.Model):
    """One searchable passage of a source (a speaker turn, the text between turns, or a paragraph
    of a source without turns), kept by coproduce.insight.search. The text is never copied here:
    the passage is `source.text[start:end]`. On PostgreSQL `vector` holds its tsvector (GIN
    index); on SQLite it stays empty and the contentless FTS5 table insight_search_fts, keyed by
    this row's id, is the index. `block` is the passage's place on the transcript page (#turn-N)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="search_passages")
    turn = models.ForeignKey(Turn, on_delete=models.SET_NULL, null=True, related_name="+")
    block = models.PositiveIntegerField(default=0)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # A fingerprint of the indexed text: SQLite can only unindex a passage given the exact text
    # it indexed, so a passage whose source text has changed since is left to a full rebuild.
    digest = models.BigIntegerField(default=0)
    vector = TsVectorField(null=True, editable=False)

    def __str__(self) -> str:
        return f"{self.source_id} [{self.start}:{self.end}]"
