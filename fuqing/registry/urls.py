from django.urls import path

from fuqing.registry import views, views_groups, views_privacy

app_name = "registry"
urlpatterns = [
    path("", views.woman_list, name="list"),
    path("add/", views.woman_add, name="add"),
    path("lookup/", views.woman_lookup, name="lookup"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("women/<uuid:pk>/", views.woman_detail, name="detail"),
    path("women/<uuid:pk>/edit/", views.woman_edit, name="edit"),
    path("women/<uuid:pk>/merge/", views.woman_merge, name="merge"),
    path("women/<uuid:pk>/unmask/", views_privacy.woman_unmask, name="unmask"),
    path("women/<uuid:pk>/consents/", views_privacy.consent_give, name="consent-give"),
    path("women/<uuid:pk>/close/", views_privacy.woman_close, name="close"),
    path("women/<uuid:pk>/reopen/", views_privacy.woman_reopen, name="reopen"),
    path("women/<uuid:pk>/remove/", views_privacy.woman_remove, name="remove"),
    path("women/<uuid:pk>/export/", views_privacy.woman_export, name="export"),
    path("consents/<int:pk>/withdraw/", views_privacy.consent_withdraw, name="consent-withdraw"),
    path("groups/", views_groups.group_list, name="groups"),
    path("groups/<int:pk>/", views_groups.group_edit, name="group-edit"),
]
