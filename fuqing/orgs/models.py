"""The organisation tree, people, roles and data scope (ORG-1 … ORG-5, SEC-3, SEC-5)."""

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from fuqing.core.permissions import ADMIN_ABILITIES, ADMIN_KINDS, all_codes
from fuqing.core.scoping import VOLUNTEER_ALL, Scope, ScopedQuerySet

VOLUNTEER_ROLE = "volunteer"  # the built-in role of 巾帼志愿者 accounts (projects.view only)


class OrgKind(models.TextChoices):
    PROVINCE = "province", _("省妇联")
    CITY = "city", _("市妇联")
    DEPARTMENT = "department", _("部(室)")
    DISTRICT = "district", _("区县(市)妇联")
    TOWNSHIP = "township", _("街道(乡镇)妇联")
    COMMUNITY = "community", _("社区(村)妇联")
    WOMENS_GROUP = "womens_group", _("妇女小组")


# Which kinds may sit under which (ORG-1). None: a root.
ALLOWED_PARENTS = {
    OrgKind.PROVINCE: {None},
    OrgKind.CITY: {None, OrgKind.PROVINCE},
    OrgKind.DEPARTMENT: {OrgKind.PROVINCE, OrgKind.CITY, OrgKind.DISTRICT},
    OrgKind.DISTRICT: {OrgKind.CITY},
    OrgKind.TOWNSHIP: {OrgKind.DISTRICT},
    OrgKind.COMMUNITY: {OrgKind.TOWNSHIP},
    OrgKind.WOMENS_GROUP: {OrgKind.COMMUNITY},
}


class OrgQuerySet(ScopedQuerySet, MP_NodeQuerySet):
    def federations(self):
        return self.exclude(kind__in=[OrgKind.DEPARTMENT, OrgKind.WOMENS_GROUP])

    def of_kind(self, *kinds):
        return self.filter(kind__in=kinds)


class OrgManager(MP_NodeManager.from_queryset(OrgQuerySet)):
    def get_queryset(self):
        return OrgQuerySet(self.model, using=self._db).order_by("path")


class Org(MP_Node):
    """A node of the federation tree: a federation, a department or a women's group."""

    scope_field = ""  # the org itself
    scope_volunteer = VOLUNTEER_ALL  # the tree's names are no one's personal data

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    division_code = models.CharField(_("行政区划代码"), max_length=12, blank=True, db_index=True)
    code_year = models.PositiveSmallIntegerField(_("代码年份"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgManager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")

    def __str__(self):
        return self.name

    @property
    def kind_label(self):
        return self.get_kind_display()

    @property
    def is_federation(self) -> bool:
        return self.kind not in (OrgKind.DEPARTMENT, OrgKind.WOMENS_GROUP)

    def ancestor_paths(self) -> list[str]:
        """Paths of every ancestor, root first, without a query."""
        return [self.path[: i * self.steplen] for i in range(1, self.depth)]

    def lineage(self) -> list["Org"]:
        """Ancestors and self, root first (one query)."""
        return list(Org.objects.filter(path__in=[*self.ancestor_paths(), self.path]))


class Role(models.Model):
    """A named set of module permissions (ORG-4); admin roles carry one of the three kinds (SEC-5).

    Roles are platform configuration, the same for every unit; who holds one, and where, is scoped
    through the user.
    """

    scope_exempt = "platform-wide configuration: the same roles for every unit"

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    permissions = models.JSONField(_("权限"), default=list, blank=True)
    admin_kind = models.CharField(_("管理员类别"), max_length=20, choices=ADMIN_KINDS.items(), blank=True)
    is_builtin = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["id"]

    def __str__(self):
        return self.name

    def clean(self):
        unknown = set(self.permissions) - set(all_codes())
        if unknown:
            raise ValidationError({"permissions": _("未知的权限：%s") % ", ".join(sorted(unknown))})


class Position(models.TextChoices):
    CHAIR = "chair", _("主席")
    VICE_CHAIR_FULL = "vice_chair_full", _("专职副主席")
    VICE_CHAIR_PART = "vice_chair_part", _("兼职副主席")
    LEADERSHIP_MEMBER = "leadership_member", _("班子成员")
    DEPARTMENT_HEAD = "department_head", _("部长")
    CADRE = "cadre", _("干部")
    EXECUTIVE_MEMBER = "executive_member", _("执委")
    VOLUNTEER = "volunteer", _("巾帼志愿者")
    OTHER = "other", _("其他")


LEADERSHIP_POSITIONS = {
    Position.CHAIR,
    Position.VICE_CHAIR_FULL,
    Position.VICE_CHAIR_PART,
    Position.LEADERSHIP_MEMBER,
}


class Rank(models.TextChoices):
    BUREAU = "bureau", _("厅局级")
    DIVISION = "division", _("县处级")
    SECTION = "section", _("乡科级")
    OTHER = "other", _("其他")


class FuqingUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """A cadre, volunteer or administrator (ORG-2). Her scope starts at ``org`` (ORG-3)."""

    scope_field = "org"
    scope_volunteer = "pk"  # a volunteer sees herself, no other account

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    org = models.ForeignKey(
        Org, verbose_name=_("所属组织"), on_delete=models.PROTECT, null=True, related_name="users"
    )
    position = models.CharField(_("职务"), max_length=30, choices=Position.choices, default=Position.CADRE)
    rank = models.CharField(_("职级"), max_length=20, choices=Rank.choices, default=Rank.OTHER)
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), blank=True, related_name="users")
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    objects = FuqingUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["org__path", "username"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """How the interface, history and documents name her: 刘春梅, never the login (issue 11 pt 7).
        The login only when the account has no name at all (an administrator made by the command line
        without ``--name``); every form that creates an account asks for the name."""
        return self.name.strip() or self.username

    @property
    def is_volunteer(self) -> bool:
        return self.position == Position.VOLUNTEER

    @cached_property
    def is_volunteer_only(self) -> bool:
        """A volunteer by position, or a user whose projects permissions come only from the volunteer
        role (PRJ-5): her scope is narrowed to her own pairs and households."""
        if self.position == Position.VOLUNTEER:
            return True
        roles = self.role_list
        if not any(r.code == VOLUNTEER_ROLE for r in roles):
            return False
        return not any(
            r.code != VOLUNTEER_ROLE and any(p.startswith("projects.") for p in r.permissions) for r in roles
        )

    @property
    def is_leader(self) -> bool:
        return self.position in LEADERSHIP_POSITIONS

    @cached_property
    def role_list(self) -> list[Role]:
        return list(self.roles.all()) if self.pk else []

    @cached_property
    def permission_codes(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return frozenset(code for role in self.role_list for code in role.permissions)

    @cached_property
    def admin_kind(self) -> str:
        kinds = {role.admin_kind for role in self.role_list if role.admin_kind}
        return kinds.pop() if len(kinds) == 1 else ""

    @property
    def is_administrator(self) -> bool:
        return bool(self.admin_kind)

    def has_module_perm(self, module: str, action: str) -> bool:
        return f"{module}.{action}" in self.permission_codes

    def has_admin_ability(self, ability: str) -> bool:
        return self.is_active and ability in ADMIN_ABILITIES.get(self.admin_kind, set())

    def compute_scope(self) -> Scope:
        """Own subtree plus explicit grants; nothing without an organisation or a role (SEC-1).

        A volunteer (PRJ-5) reads her own unit's tree narrowed to her own pairs and households (each
        model declares how, ``scope_volunteer``), and changes nothing."""
        if self.org_id is None or not self.role_list or not self.org.is_active:
            return Scope((), ())
        own = self.org.path
        if self.is_volunteer_only:
            return Scope((own,), (), volunteer=self.pk)
        grants = list(self.scope_grants.select_related("org").filter(org__is_active=True))
        read = Scope.normalise([own, *(g.org.path for g in grants)])
        edit = Scope.normalise([own, *(g.org.path for g in grants if g.can_edit)])
        return Scope(read, edit)

    def password_expired(self, max_age_days: int) -> bool:
        if self.must_change_password:
            return True
        if not max_age_days or not self.has_usable_password():
            return False
        changed = self.password_changed_at or self.date_joined
        return timezone.now() - changed > timezone.timedelta(days=max_age_days)


class ScopeGrant(models.Model):
    """Scope beyond the user's own subtree, e.g. city-wide read for city departments and leaders."""

    scope_field = "user__org"
    scope_volunteer = "user"  # a volunteer sees only her own

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="scope_grants")
    org = models.ForeignKey(Org, verbose_name=_("授权组织"), on_delete=models.CASCADE, related_name="+")
    can_edit = models.BooleanField(_("可编辑"), default=False)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("数据范围授权")
        verbose_name_plural = _("数据范围授权")
        constraints = [models.UniqueConstraint(fields=["user", "org"], name="scopegrant_unique")]

    def __str__(self):
        return f"{self.user} → {self.org} ({'编辑' if self.can_edit else '查看'})"


class LoginSession(models.Model):
    """A live web session, so disabling an account can end it at once (SEC-6)."""

    scope_field = "user__org"
    scope_volunteer = "user"  # a volunteer sees only her own

    session_key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    def __str__(self):
        return f"{self.user} @ {self.ip}"


class ApiToken(models.Model):
    """A bearer token for the API (PLT-3); only its SHA-256 digest is stored."""

    scope_field = "user__org"
    scope_volunteer = "user"  # a volunteer sees only her own

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()

    def __str__(self):
        return f"{self.prefix}… ({self.user})"
