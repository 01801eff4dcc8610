from django.urls import path

from . import views

app_name = "consultations"
urlpatterns = [
    # Public: the anonymous survey and the instruments with their licences.
    path("c/<str:code>/", views.Survey.as_view(), name="survey"),
    path("c/<str:code>/thanks/", views.SurveyThanks.as_view(), name="survey_thanks"),
    path("consultations/instruments/", views.Instruments.as_view(), name="instruments"),
    path("consultations/", views.MyConsultations.as_view(), name="mine"),
    path(
        "organisations/<slug:slug>/consultations/",
        views.OrganisationDashboard.as_view(),
        name="organisation",
    ),
    path(
        "organisations/<slug:slug>/consultations/settings/",
        views.SettingsView.as_view(),
        name="settings",
    ),
    path(
        "organisations/<slug:slug>/consultations/permissions/<str:key>/",
        views.PermissionView.as_view(),
        name="permission",
    ),
    path(
        "organisations/<slug:slug>/consultations/teams/new/",
        views.TeamCreate.as_view(),
        name="team_create",
    ),
    path(
        "organisations/<slug:slug>/consultations/figures.csv",
        views.ExportCsv.as_view(),
        name="export_csv",
    ),
    path(
        "organisations/<slug:slug>/consultations/figures.xlsx",
        views.ExportXlsx.as_view(),
        name="export_xlsx",
    ),
    path("consultations/teams/<int:pk>/", views.TeamDashboard.as_view(), name="team"),
    path(
        "consultations/teams/<int:pk>/members/new/",
        views.MemberCreate.as_view(),
        name="member_create",
    ),
    path("consultations/teams/<int:pk>/links/new/", views.LinkCreate.as_view(), name="link_create"),
    path(
        "consultations/teams/<int:pk>/consultations/new/",
        views.ConsultationCreate.as_view(),
        name="consultation_create",
    ),
    path(
        "consultations/teams/<int:pk>/calibration/",
        views.Calibration.as_view(),
        name="calibration",
    ),
    path(
        "consultations/clinicians/<int:pk>/",
        views.ClinicianDashboard.as_view(),
        name="clinician",
    ),
    path("consultations/links/<int:pk>/", views.LinkDetail.as_view(), name="link"),
    path(
        "consultations/links/<int:pk>/excluded/",
        views.LinkExcluded.as_view(),
        name="link_excluded",
    ),
    path("consultations/links/<int:pk>/qr/", views.LinkQr.as_view(), name="link_qr"),
    path("consultations/links/<int:pk>/codes/", views.TokenBatch.as_view(), name="token_batch"),
    path("consultations/links/<int:pk>/print/", views.LinkPrint.as_view(), name="link_print"),
    path("consultations/links/<int:pk>/paper/", views.PaperEntry.as_view(), name="paper_entry"),
    path("consultations/observations/<int:pk>/rate/", views.Rate.as_view(), name="rate"),
]
