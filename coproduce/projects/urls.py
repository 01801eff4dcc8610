from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.ProjectList.as_view(), name="list"),
    path("projects/new/", views.ProjectCreate.as_view(), name="create"),
    path("projects/<int:pk>/", views.ProjectDetail.as_view(), name="detail"),
    path("projects/<int:pk>/edit/", views.ProjectUpdate.as_view(), name="update"),
    path("projects/<int:pk>/members/new/", views.MembershipCreate.as_view(), name="member_create"),
    path("memberships/<int:pk>/edit/", views.MembershipUpdate.as_view(), name="member_update"),
    path("projects/<int:pk>/meetings/new/", views.MeetingCreate.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetail.as_view(), name="meeting"),
    path("meetings/<int:pk>/edit/", views.MeetingUpdate.as_view(), name="meeting_update"),
    path("meetings/<int:pk>/papers/new/", views.PaperCreate.as_view(), name="paper_create"),
    path("meetings/<int:pk>/attendance/", views.AttendanceUpdate.as_view(), name="attendance"),
    path("meetings/<int:pk>/calendar.ics", views.MeetingCalendar.as_view(), name="calendar"),
    path("papers/<int:pk>/", views.PaperDownload.as_view(), name="paper"),
]
