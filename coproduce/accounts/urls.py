from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path(
        "organisations/<slug:slug>/invitations/",
        views.InvitationList.as_view(),
        name="invitations",
    ),
    path(
        "invitations/<int:pk>/withdraw/",
        views.InvitationWithdraw.as_view(),
        name="invitation_withdraw",
    ),
    path(
        "invitations/accept/<str:token>/",
        views.InvitationAccept.as_view(),
        name="invitation_accept",
    ),
]
