"""The cast of every test: a small federation tree and users at known positions in it.

    city (root) ── 研究室 (department)
       ├── 道里区 (district A) ── 新阳路街道 (township A1) ── 友谊社区 (community A1a)
       └── 南岗区 (district B) ── 花园街道 (township B1)
    齐齐哈尔市 (another root: unrelated)

``daoli`` is a district cadre of A; ``colleague`` works beside her; ``nangang`` is the sibling district's
cadre — the outsider who must see nothing of A (healthchecks' alice / bob / charlie).
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from fuqing.orgs import services as org_services
from fuqing.orgs.models import Org, OrgKind, Position, Rank, Role, ScopeGrant, User

PASSWORD = "Test@2014pass"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]  # speed; Argon2 tested on its own
    settings.EXPORT_RATE_PER_HOUR = 1000
    # Figures are computed from the rows unless a test builds and enables the analytics tables
    # (tests/core/test_analytics.py): a stray cell never stands in for the rows a test counts.
    settings.ANALYTICS_ENABLED = False
    # One process's memory, cleared per test: no test sees another's (xdist workers share var/).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    # A request in English leaves English active in the thread; every test starts in Chinese.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


class Tree:
    def __init__(self):
        add = org_services.add_org
        self.city = add(None, parent=None, name="哈尔滨市妇联", kind=OrgKind.CITY, division_code="230100")
        self.research = add(None, parent=self.city, name="研究室", kind=OrgKind.DEPARTMENT)
        self.a = add(None, parent=self.city, name="道里区妇联", kind=OrgKind.DISTRICT, division_code="230102")
        self.a1 = add(
            None, parent=self.a, name="新阳路街道", kind=OrgKind.TOWNSHIP, division_code="230102002"
        )
        self.a1a = add(None, parent=self.a1, name="友谊社区", kind=OrgKind.COMMUNITY)
        self.b = add(None, parent=self.city, name="南岗区妇联", kind=OrgKind.DISTRICT, division_code="230103")
        self.b1 = add(None, parent=self.b, name="花园街道", kind=OrgKind.TOWNSHIP, division_code="230103001")
        self.other = add(None, parent=None, name="齐齐哈尔市妇联", kind=OrgKind.CITY, division_code="230200")
        for org in (self.city, self.a, self.a1, self.b):
            org.refresh_from_db()

    def positions(self) -> dict[str, Org]:
        """own / child / parent / sibling / unrelated, relative to district A (the cast's home)."""
        return {
            "own": self.a,
            "child": self.a1,
            "parent": self.city,
            "sibling": self.b,
            "unrelated": self.other,
        }


@pytest.fixture
def tree(db) -> Tree:
    return Tree()


_counter = itertools.count(1)


def make_user(org: Org, *roles: str, username: str | None = None, **fields) -> User:
    username = username or f"user{next(_counter)}"
    user = User.objects.create(
        username=username,
        name=fields.pop("name", username),
        org=org,
        password=make_password(PASSWORD),
        password_changed_at=datetime.datetime.now(datetime.UTC),
        position=fields.pop("position", Position.CADRE),
        rank=fields.pop("rank", Rank.OTHER),
        **fields,
    )
    if roles:
        user.roles.set(Role.objects.filter(code__in=roles))
    return user


@pytest.fixture
def daoli(tree) -> User:
    return make_user(
        tree.a, "leader", username="daoli", position=Position.VICE_CHAIR_FULL, rank=Rank.DIVISION
    )


@pytest.fixture
def colleague(tree) -> User:
    return make_user(tree.a, "cadre", username="colleague")


@pytest.fixture
def nangang(tree) -> User:
    return make_user(tree.b, "leader", username="nangang")


@pytest.fixture
def city_leader(tree) -> User:
    return make_user(tree.city, "leader", username="city", position=Position.CHAIR, rank=Rank.BUREAU)


@pytest.fixture
def researcher(tree) -> User:
    user = make_user(tree.research, "researcher", username="research")
    ScopeGrant.objects.create(user=user, org=tree.city, can_edit=False)
    return user


@pytest.fixture
def sysadmin(tree) -> User:
    return make_user(tree.city, "system-admin", username="sysadmin")


@pytest.fixture
def secadmin(tree) -> User:
    return make_user(tree.city, "security-admin", username="secadmin")


@pytest.fixture
def auditor(tree) -> User:
    return make_user(tree.city, "audit-admin", username="auditor")


@pytest.fixture
def district_sysadmin(tree) -> User:
    return make_user(tree.a, "system-admin", username="daoli_sysadmin")


@pytest.fixture
def district_secadmin(tree) -> User:
    return make_user(tree.a, "security-admin", username="daoli_secadmin")


def verified_login(client, user: User) -> None:
    """Log in as an administrator who has passed TOTP (the session carries the verified device)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def login(client, user: User) -> None:
    if user.is_administrator:
        verified_login(client, user)
    else:
        client.force_login(user)


@pytest.fixture
def login_as(client):
    def do(user: User):
        client.logout()
        login(client, user)
        return client

    return do
