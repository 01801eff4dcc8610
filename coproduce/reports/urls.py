from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("projects/<int:pk>/you-said-we-did/", views.ChainList.as_view(), name="chain"),
    path(
        "projects/<int:pk>/you-said-we-did/new/", views.InputCreate.as_view(), name="input_create"
    ),
    path("inputs/<int:pk>/", views.InputDetail.as_view(), name="input"),
    path("inputs/<int:pk>/respond/", views.Respond.as_view(), name="respond"),
    path("inputs/<int:pk>/actions/new/", views.ActionCreate.as_view(), name="action_create"),
    path("actions/<int:pk>/done/", views.ActionDone.as_view(), name="action_done"),
    path("inputs/<int:pk>/measures/new/", views.MeasureCreate.as_view(), name="measure_create"),
    path(
        "measures/<int:pk>/follow-ups/new/",
        views.FollowUpCreate.as_view(),
        name="follow_up_create",
    ),
    path("inputs/<int:pk>/feedback/new/", views.FeedbackCreate.as_view(), name="feedback_create"),
    path("inputs/<int:pk>/public/", views.Publish.as_view(), name="publish"),
    path("p/<int:pk>/", views.PublicPage.as_view(), name="public"),
    path("projects/<int:pk>/dashboard/", views.ProjectDashboard.as_view(), name="dashboard"),
    path(
        "organisations/<slug:slug>/projects/",
        views.OrganisationProjects.as_view(),
        name="organisation",
    ),
]
