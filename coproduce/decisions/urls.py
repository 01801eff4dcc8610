from django.urls import path

from . import views

app_name = "decisions"
urlpatterns = [
    path("projects/<int:pk>/decisions/", views.DecisionList.as_view(), name="list"),
    path("projects/<int:pk>/decisions/new/", views.DecisionCreate.as_view(), name="create"),
    path(
        "projects/<int:pk>/decisions/outside/",
        views.OutsideDecisionCreate.as_view(),
        name="outside",
    ),
    path("projects/<int:pk>/power/", views.PowerSharing.as_view(), name="power"),
    path("decisions/review/", views.ReviewList.as_view(), name="review"),
    path("decisions/<int:pk>/", views.DecisionDetail.as_view(), name="detail"),
    path("decisions/<int:pk>/position/", views.PositionSet.as_view(), name="position"),
    path("decisions/<int:pk>/close/", views.DecisionClose.as_view(), name="close"),
    path("positions/<int:pk>/resolve/", views.ResolveObjection.as_view(), name="resolve"),
]
