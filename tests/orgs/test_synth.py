"""``manage.py synth`` builds a realistic federation at city scale (and province scale in benchmarks)."""

import re

from django.core.management import call_command

from fuqing.orgs.models import Org, OrgKind, User


def test_synth_city_builds_harbin_with_real_townships_and_cadres(db, capsys):
    call_command("synth", "--scale", "city")
    root = Org.objects.get(depth=1)
    assert root.name == "哈尔滨市妇联"
    assert Org.objects.filter(kind=OrgKind.DISTRICT).count() == 18
    assert Org.objects.filter(kind=OrgKind.TOWNSHIP, name="新阳路街道").exists()
    communities = Org.objects.filter(kind=OrgKind.COMMUNITY)
    assert communities.count() > 2000
    assert (
        communities.filter(name__endswith="村").exists()
        and communities.filter(name__endswith="社区").exists()
    )
    from django.db.models import Count

    assert not Org.objects.values("path").annotate(n=Count("id")).filter(n__gt=1).exists()
    numchild = {o.path: o.numchild for o in Org.objects.filter(depth__lte=3)}
    assert numchild[root.path] == Org.objects.filter(depth=2).count()
    users = User.objects.all()
    assert users.count() > 2000
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", u.name) for u in users[:200])
    leader = users.filter(position="chair", org__kind=OrgKind.DISTRICT).first()
    assert leader.has_module_perm("registry", "view")
    Org.objects.add_child(Org.objects.get(name="新阳路街道"), {"name": "新建社区", "kind": OrgKind.COMMUNITY})
