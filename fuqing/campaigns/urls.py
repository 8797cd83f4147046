from django.urls import path

from fuqing.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("add/", views.campaign_add, name="add"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/copy/", views.campaign_copy, name="copy"),
    path("<int:pk>/deadlines/add/", views.deadline_add, name="deadline-add"),
    path("deadlines/<int:pk>/edit/", views.deadline_edit, name="deadline-edit"),
]
