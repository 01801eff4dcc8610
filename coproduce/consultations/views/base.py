"""What the consultation pages share: the language of the answers, an organisation's wording
of an instrument, the instruments it may use, and the form page."""

from django.utils.translation import get_language

from coproduce.core.mixins import ActionFormView

from .. import actions, instruments
from ..models import (
    InstrumentPermission,
)

# The newest answers of a burst are enough to see what it was; a flood could be thousands.
EXCLUDED_SHOWN = 200


def _language():
    return "cy" if (get_language() or "").startswith("cy") else "en"


def _wording(organisation, instrument):
    permission = actions.permission_for(organisation, instrument)
    return permission.wording if permission else None


def _usable(organisation) -> set[str]:
    permitted = set(
        InstrumentPermission.objects.filter(organisation=organisation).values_list(
            "instrument", flat=True
        )
    )
    return {
        key
        for key, i in instruments.all_instruments().items()
        if not i.needs_permission or key in permitted
    }


class FormPage(ActionFormView):
    template_name = "consultations/form.html"
    heading = ""
    submit_text = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading,
            submit_text=self.submit_text,
            back=self.back_link(),
            **kwargs,
        )

    def back_link(self):
        return None
