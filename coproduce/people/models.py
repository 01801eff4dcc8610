from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    HEALTH_BOARD = "health_board", _("Health board")
    TRUST = "trust", _("NHS trust")
    GP_PRACTICE = "gp_practice", _("GP practice")
    COUNCIL = "council", _("Council")
    COMMUNITY = "community", _("Community organisation")
    RESEARCH = "research", _("Research team")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name for web addresses"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    require_mfa_for_staff = models.BooleanField(
        _("require two-factor authentication for staff roles"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    WELSH = "cy", _("Cymraeg (Welsh)")


class ContactPreference(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    POST = "post", _("Post")
    TEXT = "text", _("Text message")
    IN_PERSON = "in_person", _("In person (through a supporter or group)")


class AccessNeedCode(models.TextChoices):
    EASY_READ = "easy_read", _("Easy read")
    LARGE_PRINT = "large_print", _("Large print")
    BSL = "bsl", _("British Sign Language interpreter")
    INTERPRETER = "interpreter", _("Spoken-language interpreter")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    STEP_FREE = "step_free", _("Step-free access")
    SUPPORTER = "supporter", _("Carer or supporter attending")
    OTHER = "other", _("Other")


class PerspectiveCode(models.TextChoices):
    LIVED_EXPERIENCE = "lived_experience", _("Lived experience")
    CARER = "carer", _("Carer")
    PROFESSIONAL = "professional", _("Professional or staff")
    COMMUNITY = "community", _("Community organisation")


class Person(models.Model):
    """Someone on the involvement register. Many have no account and take part on paper."""

    full_name = models.CharField(_("full name"), max_length=200)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    contact_preference = models.CharField(
        _("how they prefer to be contacted"),
        max_length=20,
        choices=ContactPreference.choices,
        default=ContactPreference.EMAIL,
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    access_needs_other = models.CharField(_("other access needs"), max_length=300, blank=True)
    interests = models.TextField(_("interests"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        ordering = ["full_name", "id"]
        # The register lists people in this order, a page at a time.
        indexes = [models.Index(fields=["full_name", "id"], name="people_person_name_idx")]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name


class AccessNeed(models.Model):
    """Special-category data (it can reveal disability): optional and consented."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_needs")
    code = models.CharField(max_length=20, choices=AccessNeedCode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "code"], name="unique_access_need")
        ]
        indexes = [models.Index(fields=["code", "person"])]

    def __str__(self) -> str:
        return self.get_code_display()


class Perspective(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="perspectives")
    code = models.CharField(max_length=20, choices=PerspectiveCode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "code"], name="unique_perspective")
        ]
        indexes = [models.Index(fields=["code", "person"])]

    def __str__(self) -> str:
        return self.get_code_display()


class ConsentPurpose(models.TextChoices):
    REGISTER = "register", _("Being kept on the involvement register and contacted")
    SPECIAL_CATEGORY = "special_category", _("Recording access needs and perspectives")
    PROJECTS = "projects", _("Taking part in projects")
    QUOTES = "quotes", _("Quotes and photographs in reports")
    RESEARCH = "research", _("Research and evaluation")


class ConsentMethod(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper form")
    VERBAL = "verbal", _("Verbal, recorded by staff")


class Consent(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    method = models.CharField(_("how it was given"), max_length=10, choices=ConsentMethod.choices)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.person_id})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class OrganisationRole(models.TextChoices):
    ADMIN = "admin", _("Organisation admin")
    LEAD = "lead", _("Coproduction lead")
    STAFF = "staff", _("Staff member")
    FINANCE = "finance", _("Finance officer")
    MEMBER = "member", _("Member or volunteer")


STAFF_ROLES = (
    OrganisationRole.ADMIN,
    OrganisationRole.LEAD,
    OrganisationRole.STAFF,
    OrganisationRole.FINANCE,
)


class OrganisationLink(models.Model):
    """A person's link to an organisation; its role also grants what they may do in the product."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="organisation_links")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="links")
    role = models.CharField(_("role"), max_length=10, choices=OrganisationRole.choices)
    job_title = models.CharField(_("job title or description"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="unique_org_link")
        ]
        verbose_name = _("organisation link")
        verbose_name_plural = _("organisation links")

    def __str__(self) -> str:
        return f"{self.person} – {self.organisation} ({self.get_role_display()})"
