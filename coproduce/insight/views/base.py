"""What every page of one study shares: the study from the URL, checked against a permission."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from coproduce.core.mixins import ObjectPermissionMixin

from ..models import Study


class StudyMixin(ObjectPermissionMixin):
    """Loads /insight/<slug>/..., checks `permission_required` against it, and puts it in the
    page as `study`. Views of one source or code look their object up within this study."""

    permission_required = "insight.view_study"

    @cached_property
    def study(self):
        return get_object_or_404(
            Study.objects.select_related("organisation", "project"), slug=self.kwargs["slug"]
        )

    def get_permission_object(self):
        return self.study

    def get_context_data(self, **kwargs):
        if "study_nav" not in kwargs:
            # Imported here: the studies module's views build on this mixin.
            from .studies import study_nav

            kwargs["study_nav"] = study_nav(self.request, self.study)
        user = self.request.user
        return super().get_context_data(
            study=self.study,
            can_code=user.has_perm("insight.code_study", self.study),
            can_manage=user.has_perm("insight.manage_study", self.study),
            **kwargs,
        )
