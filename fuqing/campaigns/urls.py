from django.urls import path

from fuqing.campaigns import plan_views, submission_views, views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("add/", views.campaign_add, name="add"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/copy/", views.campaign_copy, name="copy"),
    path("<int:pk>/deadlines/add/", views.deadline_add, name="deadline-add"),
    path("deadlines/<int:pk>/edit/", views.deadline_edit, name="deadline-edit"),
    # CAM-2: what units owe, their submissions (reminders: core's /reminders/)
    path("status/", submission_views.status_view, name="status"),
    path("obligations/<int:pk>/", submission_views.obligation_detail, name="obligation"),
    path("obligations/<int:pk>/submit/", submission_views.obligation_submit, name="obligation-submit"),
    path("obligations/<int:pk>/draft/", submission_views.obligation_draft, name="obligation-draft"),
    path("submissions/<int:pk>/file/", submission_views.submission_download, name="submission-file"),
    # CAM-3: implementation plans
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/add/", plan_views.plan_add, name="plan-add"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", plan_views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/submit/", plan_views.plan_submit, name="plan-submit"),
    path("plans/<int:pk>/attachments/", plan_views.plan_attach, name="plan-attach"),
    path("attachments/<int:pk>/", plan_views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/remove/", plan_views.attachment_remove, name="attachment-remove"),
]
