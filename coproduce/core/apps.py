from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "coproduce.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Django's blank choice ("- Select an option -") has no Welsh in Django's catalogue:
        # every select that may be left empty offers ours instead (Django reads it when a form
        # field is built, so this is the one place for it).
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("Choose an option")
