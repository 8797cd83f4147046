from django.urls import path

from fuqing.assistance.views import hot, needs, pairings, suggestions

app_name = "assistance"
urlpatterns = [
    path("", needs.need_list, name="need-list"),
    path("needs/add/", needs.need_add, name="need-add"),
    path("needs/<uuid:pk>/", needs.need_detail, name="need-detail"),
    path("needs/<uuid:pk>/edit/", needs.need_edit, name="need-edit"),
    path("needs/<uuid:pk>/resolve/", needs.need_resolve, name="need-resolve"),
    path("needs/<uuid:pk>/counsel/", needs.need_counsel, name="need-counsel"),
    path("needs/<uuid:pk>/escalate/", needs.need_escalate, name="need-escalate"),
    path("needs/<uuid:pk>/reopen/", needs.need_reopen, name="need-reopen"),
    path("visits/<uuid:pk>/convert/", needs.visit_convert, name="visit-convert"),
    path("women/search/", needs.woman_search, name="woman-search"),
    path("women/<uuid:pk>/timeline/", pairings.woman_timeline_view, name="woman-timeline"),
    path("pairings/", pairings.pairing_list, name="pairing-list"),
    path("pairings/add/", pairings.pairing_add, name="pairing-add"),
    path("pairings/<uuid:pk>/", pairings.pairing_detail, name="pairing-detail"),
    path("pairings/<uuid:pk>/edit/", pairings.pairing_edit, name="pairing-edit"),
    path("actions/", pairings.action_list, name="action-list"),
    path("actions/add/", pairings.action_add, name="action-add"),
    path("actions/<uuid:pk>/", pairings.action_edit, name="action-edit"),
    path("suggestions/", suggestions.suggestion_list, name="suggestion-list"),
    path("suggestions/add/", suggestions.suggestion_add, name="suggestion-add"),
    path("suggestions/<uuid:pk>/", suggestions.suggestion_detail, name="suggestion-detail"),
    path("suggestions/<uuid:pk>/edit/", suggestions.suggestion_edit, name="suggestion-edit"),
    path("suggestions/<uuid:pk>/outcomes/", suggestions.outcome_add, name="outcome-add"),
    path("outcomes/<int:pk>/document/", suggestions.outcome_document, name="outcome-document"),
    path("hot/", hot.hot_issues_view, name="hot-issues"),
    path("todo/", hot.todo, name="todo"),
    path("categories/", hot.category_list, name="categories"),
    path("categories/<int:pk>/", hot.category_edit, name="category-edit"),
]
