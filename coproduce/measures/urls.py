from django.urls import path

from . import views

app_name = "measures"
urlpatterns = [
    path("frameworks/", views.FrameworkList.as_view(), name="frameworks"),
    path("frameworks/<slug:key>/", views.FrameworkDetail.as_view(), name="framework"),
]
