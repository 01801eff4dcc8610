"""What every page of one study shares: the study from the URL, checked against a permission."""

from django.http import Http404
from django.utils.functional import cached_property

from coproduce.core.mixins import ObjectPermissionMixin
from coproduce.people.roles import roles_for

from ..rules import remember_study_role
from ..selectors.studies import study_with_role


class StudyMixin(ObjectPermissionMixin):
    """Loads /insight/<slug>/..., checks `permission_required` against it, and puts it in the
    page as `study`. Views of one source or code look their object up within this study."""

    permission_required = "insight.view_study"
    # What pages show of the study beyond its own fields; the coding endpoints need neither.
    study_related = ("organisation", "project")

    @cached_property
    def study(self):
        user = self.request.user
        person_id = roles_for(user).person_id
        study = study_with_role(self.kwargs["slug"], person_id, related=self.study_related)
        if study is None:
            raise Http404
        if person_id is not None:
            remember_study_role(user, study.pk, study.my_study_role)
        return study

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
