"""Shared behaviour of the thin views: permission checks on an object, and forms whose
submission calls an action and shows the action's validation errors on the form."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import FormView
from rules.contrib.views import PermissionRequiredMixin


def add_validation_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                for message in error.messages:
                    form.add_error(target if target != NON_FIELD_ERRORS else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class ObjectPermissionMixin(PermissionRequiredMixin):
    """Refuses with 403 (signed in) or sends to sign-in (anonymous)."""

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            self.raise_exception = False
        else:
            self.raise_exception = True
        return super().handle_no_permission()


class ActionFormView(ObjectPermissionMixin, FormView):
    """GET shows the form; a valid POST runs `perform(form)` (which calls an action) and
    redirects; an action's ValidationError is shown on the re-displayed form."""

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as exc:
            add_validation_error(form, exc)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url(result))

    def perform(self, form):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def get_success_url(self, result=None):
        return super().get_success_url()
