from django.urls import path

from fuqing.projects.views import beneficiaries, overview, progress, volunteers

app_name = "projects"
urlpatterns = [
    path("", overview.overview, name="overview"),
    path("add/", overview.project_add, name="add"),
    path("copy/", overview.copy_year, name="copy"),
    path("<int:pk>/", overview.project_detail, name="detail"),
    path("<int:pk>/edit/", overview.project_edit, name="edit"),
    path("<int:pk>/indicators/add/", overview.indicator_add, name="indicator-add"),
    path("indicators/<int:pk>/", overview.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/edit/", overview.indicator_edit, name="indicator-edit"),
    path("indicators/<int:pk>/split/", overview.split_edit, name="split"),
    path("report/", progress.report, name="report"),
    path("progress/", progress.progress_list, name="progress"),
    path("progress/<int:pk>/", progress.progress_detail, name="progress-detail"),
    path("beneficiaries/", beneficiaries.beneficiary_list, name="beneficiaries"),
    path("beneficiaries/add/", beneficiaries.beneficiary_add, name="beneficiary-add"),
    path("beneficiaries/<uuid:pk>/", beneficiaries.beneficiary_detail, name="beneficiary"),
    path("beneficiaries/<uuid:pk>/delete/", beneficiaries.beneficiary_delete, name="beneficiary-delete"),
    path("women/", beneficiaries.woman_search, name="woman-search"),
    path("volunteers/", volunteers.volunteer_list, name="volunteers"),
    path("volunteers/add/", volunteers.volunteer_add, name="volunteer-add"),
    path("volunteers/<uuid:pk>/", volunteers.volunteer_detail, name="volunteer"),
    path(
        "volunteers/<uuid:pk>/request-account/",
        volunteers.volunteer_request_account,
        name="volunteer-request",
    ),
    path("volunteer-accounts/", volunteers.volunteer_accounts, name="volunteer-accounts"),
    path("volunteer-accounts/<uuid:pk>/issue/", volunteers.volunteer_issue, name="volunteer-issue"),
    path("volunteer-accounts/<uuid:pk>/grant/", volunteers.volunteer_grant, name="volunteer-grant"),
    path("households/", volunteers.household_list, name="households"),
    path("households/add/", volunteers.household_add, name="household-add"),
    path("households/<uuid:pk>/", volunteers.household_detail, name="household"),
    path("pairs/", volunteers.pair_list, name="pairs"),
    path("pairs/add/", volunteers.pair_add, name="pair-add"),
    path("pairs/<int:pk>/end/", volunteers.pair_end, name="pair-end"),
    path("my/", volunteers.my_households, name="my-households"),
]
