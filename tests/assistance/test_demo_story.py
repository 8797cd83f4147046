"""The demo tells one Harbin 2014 story across the apps (NEED-1, NEED-3, SUP-3, RES-2): the needs the
demo visits found are real needs of the register, actions name the demo's livelihood projects, and
道里区's drafted summary and research figures have numbers in them."""

from fuqing.assistance.models import Action, Need
from fuqing.assistance.services import pending_visit_lines
from fuqing.campaigns.models import Campaign
from fuqing.campaigns.summaries import summary_figures, summary_scope
from fuqing.core import figures as report_figures
from fuqing.core.figures import ANNUAL, SURVEY_MONTH, FigureScope
from fuqing.fieldwork.models import Visit
from fuqing.orgs.models import Org


def test_need1_need3_sup3_res2_the_demo_is_one_story(db):
    from fuqing.core.loaders import load_all_demo

    load_all_demo("Demo@2014pass")
    with_text = Visit.objects.exclude(needs_text="")
    assert with_text.count() > 20
    for visit in with_text:
        assert pending_visit_lines(visit) == []  # every line is a need of the register
    from_visits = Need.objects.filter(visit__isnull=False)
    assert from_visits.count() >= with_text.count()
    assert not from_visits.filter(category__code="other").exists()  # the prefixes named categories
    funded = Action.objects.exclude(project_name="")
    assert funded.count() == 3 and not funded.filter(project__isnull=True).exists()
    assert set(funded.values_list("project__year", flat=True)) == {2014}

    daoli = Org.objects.get(name="道里区妇联")
    campaign = Campaign.objects.get(year=2014, org__depth=1)
    for kind in (SURVEY_MONTH, ANNUAL):
        figs = {f.key: f for f in summary_figures(summary_scope(daoli, campaign, kind))}
        for key in ("visits", "women_met", "needs_found", "reports"):
            assert figs[key].value, (kind, key)
        assert all(rate > 0 for _name, rate in figs["targets"].breakdown)  # progress on every indicator
        assert figs["women_met"].breakdown  # by vulnerable group, from the visits' group counts
    scope = FigureScope.of_year(daoli, 2014)
    for key in ("visit_count", "women_visited", "women_visited_by_group", "needs_count", "needs_by_category"):
        assert report_figures.compute(key, scope).value, key
    assert report_figures.compute("women_visited_by_group", scope).breakdown
    assert "未标注" not in dict(report_figures.compute("needs_by_category", scope).breakdown)
    annual = summary_scope(daoli, campaign, ANNUAL)
    assert {f.key: f for f in summary_figures(annual)}["targets"].value  # some reached by year end
