from django.urls import include, path

from coproduce.api.urls import api
from coproduce.core import views as core
from coproduce.site import views as site

urlpatterns = [
    path("", site.Home.as_view(), name="home"),
    path("language/<str:code>/", site.SetLanguage.as_view(), name="set_language"),
    path("about/", core.InfoPage.as_view(template_name="core/about.html"), name="about"),
    path(
        "accessibility/",
        core.InfoPage.as_view(template_name="core/accessibility.html"),
        name="accessibility",
    ),
    path("privacy/", core.InfoPage.as_view(template_name="core/privacy.html"), name="privacy"),
    path("me/", site.Me.as_view(), name="me"),
    path("audit/", core.AuditLog.as_view(), name="audit"),
    path("healthz", core.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("coproduce.accounts.urls")),
    path("", include("coproduce.people.urls")),
    path("", include("coproduce.projects.urls")),
    path("", include("coproduce.decisions.urls")),
    path("", include("coproduce.measures.urls")),
    path("", include("coproduce.reports.urls")),
    path("", include("coproduce.recognition.urls")),
    path("", include("coproduce.insight.urls")),
    path("", include("coproduce.consultations.urls")),
    path("api/v1/", api.urls),
]

# Names who can give access (the user's organisation's admins), so it reads the register.
handler403 = "coproduce.site.views.forbidden"
handler404 = "coproduce.core.errors.not_found"
handler500 = "coproduce.core.errors.server_error"
# allauth looks this up when someone hits a rate limit.
handler429 = "coproduce.core.errors.too_many_requests"
