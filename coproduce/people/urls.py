from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("people/", views.PersonList.as_view(), name="list"),
    path("people/new/", views.PersonCreate.as_view(), name="create"),
    path("people/<int:pk>/", views.PersonDetail.as_view(), name="detail"),
    path("people/<int:pk>/edit/", views.PersonUpdate.as_view(), name="update"),
    path("people/<int:pk>/consents/new/", views.ConsentCreate.as_view(), name="consent_create"),
    path(
        "people/<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.ConsentWithdraw.as_view(),
        name="consent_withdraw",
    ),
    path("people/<int:pk>/export/", views.PersonExport.as_view(), name="export"),
    path("people/<int:pk>/erase/", views.PersonErase.as_view(), name="erase"),
    path(
        "people/<int:pk>/organisations/new/",
        views.OrganisationLinkCreate.as_view(),
        name="link_create",
    ),
    path(
        "people/<int:pk>/organisations/<int:link_pk>/remove/",
        views.OrganisationLinkDelete.as_view(),
        name="link_delete",
    ),
    path("me/language/", views.LanguagePreference.as_view(), name="language"),
    path("organisations/", views.OrganisationList.as_view(), name="organisations"),
    path("organisations/new/", views.OrganisationCreate.as_view(), name="organisation_create"),
    path(
        "organisations/<slug:slug>/edit/",
        views.OrganisationUpdate.as_view(),
        name="organisation_update",
    ),
]
