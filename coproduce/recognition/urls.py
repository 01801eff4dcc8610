from django.urls import path

from . import views

app_name = "recognition"
urlpatterns = [
    path("recognition/", views.Statement.as_view(), name="statement"),
    path("recognition/choice/", views.ChoiceView.as_view(), name="choice"),
    path("recognition/time/new/", views.ContributionCreate.as_view(), name="contribution_create"),
    path(
        "recognition/time/<int:pk>/edit/",
        views.ContributionUpdate.as_view(),
        name="contribution_update",
    ),
    path("projects/<int:pk>/time/new/", views.RecordFor.as_view(), name="record_for"),
    path("recognition/expenses/new/", views.ExpenseCreate.as_view(), name="expense_create"),
    path("recognition/expenses/<int:pk>/receipt/", views.Receipt.as_view(), name="receipt"),
    path("recognition/claims/new/", views.ClaimCreate.as_view(), name="claim_create"),
    path("recognition/claims/<int:pk>/", views.ClaimDetail.as_view(), name="claim"),
    path(
        "recognition/claims/<int:pk>/resubmit/",
        views.ClaimResubmit.as_view(),
        name="claim_resubmit",
    ),
    path("recognition/claims/<int:pk>/decide/", views.ClaimDecide.as_view(), name="claim_decide"),
    path("recognition/credits/", views.Credits.as_view(), name="credits"),
    path("organisations/<slug:slug>/finance/", views.Queue.as_view(), name="queue"),
    path(
        "organisations/<slug:slug>/finance/claims.csv", views.ExportCsv.as_view(), name="export_csv"
    ),
    path(
        "organisations/<slug:slug>/finance/claims.xlsx",
        views.ExportXlsx.as_view(),
        name="export_xlsx",
    ),
    path("organisations/<slug:slug>/rates/", views.Rates.as_view(), name="rates"),
    path("organisations/<slug:slug>/recognition/", views.Totals.as_view(), name="totals"),
]
