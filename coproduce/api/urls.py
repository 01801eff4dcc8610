"""REST API, /api/v1. Imports the domain; the domain never imports this package."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import SessionAuth

from coproduce.api.docs import LocalSwagger
from coproduce.projects import selectors
from coproduce.projects.models import Project

api = NinjaAPI(
    title="coproduce API",
    version="1.0.0",
    description="Projects and meetings you can see. Sign in first: the API uses your session.",
    auth=SessionAuth(),
    docs_url="/docs",
    docs=LocalSwagger(),
)


class Error(Schema):
    detail: str


class ValidationErrorBody(Schema):
    detail: list[dict]


ERRORS = {401: Error, 403: Error, 404: Error, 422: ValidationErrorBody}


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str


class ProjectOut(Schema):
    id: int
    title: str
    purpose: str
    shared_aims: str
    scale: str
    stage: str
    status: str
    organisations: list[OrganisationOut]
    member_count: int | None = None


class MeetingOut(Schema):
    id: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    online_link: str
    accessibility: str
    cancelled: bool


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Sign in first."}, status=401)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(request, {"detail": exc.errors}, status=422)


def _project_for(request, project_id: int) -> Project:
    project = get_object_or_404(Project.objects.prefetch_related("organisations"), pk=project_id)
    if not request.user.has_perm("projects.view_project", project):
        raise HttpError(403, "You cannot see this project.")
    return project


@api.get("/projects", response={200: list[ProjectOut], **ERRORS}, tags=["projects"])
@paginate(LimitOffsetPagination)
def list_projects(request):
    """Projects you are a member of, or that your organisations run."""
    return selectors.visible_projects(request.user)


@api.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, tags=["projects"])
def get_project(request, project_id: int):
    return _project_for(request, project_id)


@api.get(
    "/projects/{project_id}/meetings",
    response={200: list[MeetingOut], **ERRORS},
    tags=["projects"],
)
def list_meetings(request, project_id: int):
    project = _project_for(request, project_id)
    return list(project.meetings.order_by("starts_at", "id")[:200])
