from django.urls import path
from django.views.generic import RedirectView

from fuqing.core.routes import unscoped
from fuqing.research.views import books, cup, reports, topics

app_name = "research"
urlpatterns = [
    path(
        "",
        unscoped("a redirect to the reports list")(RedirectView.as_view(pattern_name="research:reports")),
        name="index",
    ),
    path("topics/", topics.topic_list, name="topics"),
    path("topics/check/", topics.topic_check, name="topic-check"),
    path("topics/add/", topics.topic_add, name="topic-add"),
    path("topics/<int:pk>/", topics.topic_detail, name="topic-detail"),
    path("topics/<int:pk>/edit/", topics.topic_edit, name="topic-edit"),
    path("topics/<int:pk>/delete/", topics.topic_delete, name="topic-delete"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/add/", reports.report_add, name="report-add"),
    path("reports/figures/", reports.figure_help, name="figures"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report-edit"),
    path("reports/<int:pk>/evidence/", reports.report_evidence, name="report-evidence"),
    path("reports/<int:pk>/action/", reports.report_action, name="report-action"),
    path("reports/<int:pk>/word/", reports.report_word, name="report-word"),
    path("reports/<int:pk>/delete/", reports.report_delete, name="report-delete"),
    path("cup/", cup.cup_list, name="cup"),
    path("cup/add/", cup.cup_add, name="cup-add"),
    path("cup/<int:pk>/", cup.cup_detail, name="cup-detail"),
    path("cup/<int:pk>/edit/", cup.cup_edit, name="cup-edit"),
    path("cup/<int:pk>/criteria/", cup.cup_criteria, name="cup-criteria"),
    path("cup/<int:pk>/judges/", cup.cup_judges, name="cup-judges"),
    path("cup/<int:pk>/entries/", cup.cup_entries, name="cup-entries"),
    path("cup/<int:pk>/publish/", cup.cup_publish, name="cup-publish"),
    path("cup/<int:pk>/judging/", cup.cup_judging, name="cup-judging"),
    path("cup/entries/<int:pk>/score/", cup.entry_score, name="entry-score"),
    path("cup/entries/<int:pk>/remove/", cup.entry_remove, name="entry-remove"),
    path("books/", books.book_list, name="books"),
    path("books/add/", books.book_add, name="book-add"),
    path("books/<int:pk>/", books.book_detail, name="book-detail"),
    path("books/<int:pk>/edit/", books.book_edit, name="book-edit"),
    path("books/<int:pk>/generate/", books.book_generate, name="book-generate"),
]
