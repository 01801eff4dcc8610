"""Invitations: an organisation's admins and coproduction leads invite people with a role; the
invitee opens the e-mailed link and accepts, making their account if they have none."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View

from coproduce.core.mixins import ActionFormView, ObjectPermissionMixin, add_validation_error
from coproduce.people.models import Organisation

from . import actions, invitations
from .forms import AcceptInvitationForm, InvitationForm
from .models import Invitation

# The backend a new account is signed in with straight after accepting (it has just set its
# password, so asking for it again would add nothing).
SIGN_IN_BACKEND = "coproduce.accounts.backends.ModelBackend"


class InvitationList(ActionFormView):
    permission_required = "accounts.invite"
    template_name = "accounts/invitations.html"
    form_class = InvitationForm

    @cached_property
    def organisation(self):
        return get_object_or_404(Organisation, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.organisation

    def get_form_kwargs(self):
        roles = invitations.invitable_roles(self.request.user, self.organisation)
        return super().get_form_kwargs() | {"roles": roles}

    def get_context_data(self, **kwargs):
        sent = Invitation.objects.filter(organisation=self.organisation).select_related(
            "invited_by"
        )[:100]
        return super().get_context_data(
            organisation=self.organisation,
            invitations=sent,
            days=settings.INVITATION_MAX_AGE_DAYS,
            **kwargs,
        )

    def perform(self, form):
        invitation = actions.invite(
            by=self.request.user, organisation=self.organisation, **form.cleaned_data
        )
        messages.success(
            self.request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
        )
        return invitation

    def get_success_url(self, result=None):
        return reverse("accounts:invitations", args=[self.organisation.slug])


class InvitationWithdraw(ObjectPermissionMixin, View):
    permission_required = "accounts.withdraw_invitation"

    @cached_property
    def invitation(self):
        return get_object_or_404(
            Invitation.objects.select_related("organisation"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.invitation

    def post(self, request, *args, **kwargs):
        try:
            actions.revoke_invitation(by=request.user, invitation=self.invitation)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is withdrawn.") % {"email": self.invitation.email},
            )
        return redirect("accounts:invitations", slug=self.invitation.organisation.slug)


class InvitationAccept(View):
    """Anyone with the link may open it; what they see depends on who they are: someone with no
    account makes one here, the invitee signed in accepts with one button, and anyone else is
    told to sign in as the invitee."""

    template_name = "accounts/invitation_accept.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.invitation = invitations.from_token(kwargs["token"])
        except invitations.InvitationUnusable as exc:
            status = 404 if exc.reason == "invalid" else 410
            return render(
                request, "accounts/invitation_unusable.html", {"reason": exc.reason}, status=status
            )
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            # Someone who has not chosen a language here yet sees the page in the language their
            # invitation was written in, whatever their browser says.
            translation.activate(self.invitation.language)
            request.LANGUAGE_CODE = self.invitation.language
        return super().dispatch(request, *args, **kwargs)

    def _state(self) -> str:
        user = self.request.user
        if user.is_authenticated:
            return "confirm" if user.email.lower() == self.invitation.email else "other"
        if get_user_model().objects.filter(email=self.invitation.email).exists():
            return "sign_in"
        return "new"

    def _render(self, state, form=None, status=200):
        context = {
            "invitation": self.invitation,
            "state": state,
            "form": form,
            "sign_in_url": reverse("account_login") + "?next=" + self.request.path,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        state = self._state()
        form = AcceptInvitationForm(initial={"full_name": self.invitation.full_name})
        return self._render(state, form if state == "new" else None)

    def post(self, request, *args, **kwargs):
        state = self._state()
        if state == "confirm":
            try:
                actions.accept_invitation(by=request.user, invitation=self.invitation)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return self._render(state, status=400)
        elif state == "new":
            form = AcceptInvitationForm(request.POST)
            if not form.is_valid():
                return self._render(state, form)
            try:
                user = actions.accept_invitation(
                    by=None,
                    invitation=self.invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
            except ValidationError as exc:
                add_validation_error(form, exc)
                return self._render(state, form)
            login(request, user, backend=SIGN_IN_BACKEND)
        else:
            return self._render(state, status=400)
        messages.success(
            request,
            _("Welcome. You have joined %(organisation)s.")
            % {"organisation": self.invitation.organisation.name},
        )
        return redirect("home")
