from django.urls import path

from fuqing.oversight.views import cadres, cases, schemes

app_name = "oversight"
urlpatterns = [
    path("", schemes.scheme_list, name="schemes"),
    path("schemes/add/", schemes.scheme_add, name="scheme-add"),
    path("schemes/<int:pk>/", schemes.scheme_detail, name="scheme-detail"),
    path("schemes/<int:pk>/items/add/", schemes.item_add, name="item-add"),
    path("items/<int:pk>/edit/", schemes.item_edit, name="item-edit"),
    path("items/<int:pk>/delete/", schemes.item_delete, name="item-delete"),
    path("schemes/<int:pk>/copy/", schemes.scheme_copy, name="scheme-copy"),
    path("schemes/<int:pk>/assign/", schemes.assignment_add, name="assignment-add"),
    path("assignments/<int:pk>/delete/", schemes.assignment_delete, name="assignment-delete"),
    path("schemes/<int:pk>/publish/", schemes.scheme_publish, name="scheme-publish"),
    path("ranking/", schemes.ranking, name="ranking"),
    path("sheets/<int:scheme>/<int:unit>/", schemes.sheet_detail, name="sheet"),
    path("items/<int:pk>/score/", schemes.score_edit, name="score"),
    path("scores/<int:pk>/evidence/", schemes.score_evidence, name="score-evidence"),
    path("cadres/", cadres.cadre_list, name="cadres"),
    path("cadres/<int:pk>/recommend/", cadres.recommend, name="recommend"),
    path("recommendations/", cadres.recommendation_list, name="recommendations"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/add/", cases.case_add, name="case-add"),
    path("cases/<int:pk>/", cases.case_detail, name="case-detail"),
    path("cases/<int:pk>/action/", cases.case_action, name="case-action"),
    path("cases/<int:pk>/evidence/", cases.case_evidence, name="case-evidence"),
    path("publicity/", cases.publicity_list, name="publicity"),
    path("publicity/add/", cases.publicity_add, name="publicity-add"),
    path("practices/", cases.practice_list, name="practices"),
    path("practices/add/", cases.practice_add, name="practice-add"),
    path("practices/<int:pk>/document/", cases.practice_document, name="practice-document"),
]
