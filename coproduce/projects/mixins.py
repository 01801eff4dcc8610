"""View behaviour shared by every page that belongs to one project (/projects/<pk>/...)."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from .models import Project


class ProjectMixin:
    """Loads the project from the URL, checks permissions against it and puts it in the page."""

    @cached_property
    def project(self):
        return get_object_or_404(
            Project.objects.prefetch_related("organisations"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.project

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, **kwargs)
