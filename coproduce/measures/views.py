from django.http import Http404
from django.views.generic import TemplateView

from . import selectors


class FrameworkList(TemplateView):
    """Public reference page: every framework the product measures against, with sources."""

    template_name = "measures/frameworks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["frameworks"] = selectors.current_frameworks()
        return context


class FrameworkDetail(TemplateView):
    template_name = "measures/framework.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = list(selectors.framework_versions(self.kwargs["key"]).prefetch_related("items"))
        if not versions:
            raise Http404
        wanted = self.request.GET.get("version")
        framework = next((v for v in versions if str(v.version) == wanted), versions[0])
        context.update(framework=framework, versions=versions)
        return context
