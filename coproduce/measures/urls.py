from django.urls import path

from . import views

app_name = "measures"
urlpatterns = [
    path("frameworks/", views.FrameworkList.as_view(), name="frameworks"),
    path("frameworks/<slug:key>/", views.FrameworkDetail.as_view(), name="framework"),
]
urlpatterns += [
    path("projects/<int:pk>/readiness/", views.ReadinessOverview.as_view(), name="readiness"),
    path("projects/<int:pk>/readiness/new/", views.ReadinessOpen.as_view(), name="readiness_open"),
    path("readiness/<int:pk>/", views.ReadinessRoundDetail.as_view(), name="readiness_round"),
    path(
        "readiness/<int:pk>/answer/", views.ReadinessAnswerView.as_view(), name="readiness_answer"
    ),
    path("readiness/<int:pk>/close/", views.ReadinessClose.as_view(), name="readiness_close"),
    path("projects/<int:pk>/pulse/", views.PulseList.as_view(), name="pulse_list"),
    path("projects/<int:pk>/pulse/new/", views.PulseOpen.as_view(), name="pulse_open"),
    path("pulse/<int:pk>/", views.PulseDetail.as_view(), name="pulse"),
    path("pulse/<int:pk>/respond/", views.PulseRespond.as_view(), name="pulse_respond"),
    path("pulse/<int:pk>/close/", views.PulseClose.as_view(), name="pulse_close"),
]
