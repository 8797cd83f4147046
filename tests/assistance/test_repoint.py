"""REG-4 hook: after the registry merges two records of one woman, her needs, pairs and actions follow
with one UPDATE per model."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fuqing.assistance import pairings
from fuqing.assistance.models import Action, Need, Pairing
from fuqing.assistance.services import repoint_woman
from fuqing.registry.models import Woman
from tests.assistance.conftest import DAY


def test_reg4_repoint_moves_every_link_in_one_update_per_model(daoli, colleague, woman, make_need):
    duplicate = Woman.objects.create(org=woman.org, name="张秀英", registered_on=DAY)
    need = make_need(daoli, woman.org, woman=duplicate)
    pairings.create_pairing(
        daoli, org=woman.org, kind="one_to_one", woman=duplicate, starts_on=DAY, helper_users=[colleague]
    )
    pairings.record_action(daoli, need=need, service="policy", given_on=DAY, given_by=daoli)
    with CaptureQueriesContext(connection) as ctx:
        counts = repoint_woman(duplicate, woman)
    updates = [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert counts == {"needs": 1, "pairings": 1, "actions": 1} and len(updates) == 3
    assert not Need.objects.filter(woman=duplicate).exists()
    assert Pairing.objects.get().woman == woman and Action.objects.get().woman == woman
