from django.urls import path

from fuqing.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/add/", views.org_add, name="add"),
    path("<int:pk>/edit/", views.org_edit, name="edit"),
    path("<int:pk>/move/", views.org_move, name="move"),
    path("users/", views.user_list, name="users"),
    path("users/add/", views.user_add, name="user-add"),
    path("users/<uuid:uuid>/", views.user_detail, name="user-detail"),
    path("users/<uuid:uuid>/edit/", views.user_edit, name="user-edit"),
    path("users/<uuid:uuid>/roles/", views.user_roles, name="user-roles"),
    path("users/<uuid:uuid>/active/", views.user_active, name="user-active"),
    path("users/<uuid:uuid>/password/", views.user_password, name="user-password"),
    path("users/<uuid:uuid>/unlock/", views.user_unlock, name="user-unlock"),
    path("users/<uuid:uuid>/grants/", views.user_grant, name="user-grant"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant-revoke"),
    path("roles/", views.role_list, name="roles"),
    path("roles/add/", views.role_edit, name="role-add"),
    path("roles/<int:pk>/", views.role_edit, name="role-edit"),
]
