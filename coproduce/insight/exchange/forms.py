"""The import form of a study's import and export page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("REFI-QDA project (.qdpx) or codebook (.qdc)"),
        help_text=_(
            "From NVivo, ATLAS.ti, MAXQDA, QualCoder or another coproduce. Sources, codes, "
            "codings, participants and memos are added to this study; nothing changes if the "
            "file has a problem."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".qdpx,.qdc"}),
    )
