"""Deleting a code from the codebook: a confirmation page and its POST.

Lead researchers only (insight.manage_study), like every other change to the codebook. Only a
code nobody has coded with and with no sub-codes can go (actions.delete_code); for any other the
page says why, with the counts, and offers no button. What deleting would touch (the themes that
hold the code, the memos about it) is shown before anyone confirms.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from .. import actions
from ..models import Code
from ..selectors.codebook import code_uses
from .coding import CodingPage


class CodeDelete(CodingPage, TemplateView):
    permission_required = "insight.manage_study"
    template_name = "insight/coding/code_delete.html"
    section = "codebook"

    @cached_property
    def code(self):
        return get_object_or_404(Code.objects.filter(study=self.study), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(code=self.code, uses=code_uses(self.code), **kwargs)

    def post(self, request, *args, **kwargs):
        name = self.code.name
        try:
            uses = actions.delete_code(by=request.user, code=self.code)
        except ValidationError as exc:
            # Someone coded with it (or added a sub-code) since the page was shown.
            context = self.get_context_data(errors=exc.messages)
            return self.render_to_response(context)
        done = [_("Code deleted: %(name)s.") % {"name": name}]
        if uses.themes:
            done.append(
                ngettext(
                    "It was taken out of %(num)d theme.",
                    "It was taken out of %(num)d themes.",
                    len(uses.themes),
                )
                % {"num": len(uses.themes)}
            )
        if uses.memos:
            done.append(
                ngettext(
                    "%(num)d memo about it is kept as a memo about the study.",
                    "%(num)d memos about it are kept as memos about the study.",
                    len(uses.memos),
                )
                % {"num": len(uses.memos)}
            )
        messages.success(request, " ".join(done))
        return HttpResponseRedirect(reverse("insight:codebook", args=[self.study.slug]))


urls = [
    path(
        "insight/<slug:slug>/codes/<int:pk>/delete/",
        CodeDelete.as_view(),
        name="code_delete",
    ),
]
