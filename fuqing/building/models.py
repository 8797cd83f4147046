"""Organisation building (BLD-1 … BLD-6, notice part (三)): Women's Homes and their activities, women's
groups and flexible organisations, term elections with their teams, three-level training, the handbook
library, and the conditions of women's work.

Every row belongs to a unit of the tree (``org``) and is scoped through it; what a federation sets for
its whole subtree (a training session, a handbook) is visible down the tree like a campaign.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.campaigns.models import InheritedDownQuerySet
from fuqing.core.crypto import EncryptedTextField, MaskField
from fuqing.core.masking import mask_phone
from fuqing.core.scoping import ScopedQuerySet

AMOUNT = {"max_digits": 14, "decimal_places": 2}
HOURS = {"max_digits": 6, "decimal_places": 1}


class HomeSetting(models.Model):
    """Where a Women's Home is set up (BLD-1): 村, 社区, 非公企业, 商务楼宇, 专业合作组织 … — a dictionary the
    federation extends. ``is_place`` settings (村, 社区) count toward the coverage of villages and
    communities; the others are the new fields the notice asks to reach."""

    scope_exempt = "a platform-wide dictionary: every unit counts Homes by the same settings"

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    is_place = models.BooleanField(_("计入村(社区)覆盖"), default=False)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)
    is_builtin = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("妇女之家设置领域")
        verbose_name_plural = _("妇女之家设置领域")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class DemoLevel(models.TextChoices):
    NONE = "none", _("非示范点")
    DISTRICT = "district", _("区县级示范点")
    CITY = "city", _("市级示范点")
    PROVINCE = "province", _("省级示范点")


class HomeFunction(models.TextChoices):
    """The three functions of a Women's Home (notice (三)3)."""

    EDUCATION = "education", _("宣传教育")
    DELIBERATION = "deliberation", _("议事协商")
    SERVICE = "service", _("关爱服务")


class HomeQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def demonstration(self):
        return self.exclude(demo_level=DemoLevel.NONE)


class WomensHome(models.Model):
    """A 妇女之家 (BLD-1) of a unit: where it is, what it meets, who keeps it and when it opens."""

    scope_field = "org"

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    setting = models.ForeignKey(
        HomeSetting, verbose_name=_("设置领域"), on_delete=models.PROTECT, related_name="homes"
    )
    founded_on = models.DateField(_("建立日期"), null=True, blank=True)
    standard = models.CharField(_("达到的标准"), max_length=100, blank=True)
    demo_level = models.CharField(
        _("示范点级别"), max_length=10, choices=DemoLevel.choices, default=DemoLevel.NONE
    )
    functions = models.JSONField(_("发挥的功能"), default=list, blank=True)
    keeper = models.CharField(_("管理员"), max_length=50, blank=True)
    keeper_phone = EncryptedTextField(_("管理员电话"), blank=True)
    keeper_phone_masked = MaskField(source="keeper_phone", masker=mask_phone)
    hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("妇女之家")
        verbose_name_plural = _("妇女之家")
        ordering = ["org__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="home_name_unique")]

    def __str__(self):
        return self.name

    def function_labels(self) -> list[str]:
        labels = dict(HomeFunction.choices)
        return [str(labels[f]) for f in self.functions if f in labels]


class HomePhoto(models.Model):
    """A photo of a Home, checked by ``core.uploads`` and kept in the private store."""

    scope_field = "home__org"

    home = models.ForeignKey(WomensHome, on_delete=models.CASCADE, related_name="photos")
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    file_path = models.CharField(max_length=255)
    file_name = models.CharField(_("文件名"), max_length=150)
    file_size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("妇女之家照片")
        verbose_name_plural = _("妇女之家照片")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.caption or self.file_name


class HomeActivity(models.Model):
    """An activity held at a Home (BLD-1): date, theme, women attending; counted in its campaign year."""

    scope_field = "home__org"

    home = models.ForeignKey(WomensHome, on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField(_("日期"), db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    theme = models.CharField(_("活动主题"), max_length=200)
    attendance = models.PositiveIntegerField(_("参加妇女人数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("妇女之家活动")
        verbose_name_plural = _("妇女之家活动")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["home", "held_on"], name="home_activity_day")]

    def __str__(self):
        return f"{self.held_on} {self.theme}"


class GroupKind(models.TextChoices):
    """Where a women's group is set up (BLD-2), or what it gathers women by (BLD-5)."""

    NATURAL_VILLAGE = "natural_village", _("自然村(屯)")
    COMPOUND = "compound", _("居民小区")
    BUILDING = "building", _("楼栋")
    OCCUPATION = "occupation", _("按从业方式")
    INTEREST = "interest", _("按兴趣爱好")
    CONCERN = "concern", _("按利益诉求")


PLACE_GROUP_KINDS = (GroupKind.NATURAL_VILLAGE, GroupKind.COMPOUND, GroupKind.BUILDING)
FLEXIBLE_GROUP_KINDS = (GroupKind.OCCUPATION, GroupKind.INTEREST, GroupKind.CONCERN)


class GroupQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def flexible(self):
        return self.filter(kind__in=FLEXIBLE_GROUP_KINDS)


class WomensGroup(models.Model):
    """A 妇女小组 in a natural village, compound or building (BLD-2), or a flexible organisation such as a
    巾帼志愿者协会 (BLD-5); its leader and members come from the registry."""

    scope_field = "org"

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=GroupKind.choices)
    place = models.CharField(_("所在地点或组织方式"), max_length=100, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    leader = models.ForeignKey(
        "registry.Woman",
        verbose_name=_("组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("在册"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("妇女小组")
        verbose_name_plural = _("妇女小组")
        ordering = ["org__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="group_name_unique")]

    def __str__(self):
        return self.name

    @property
    def is_flexible(self) -> bool:
        return self.kind in FLEXIBLE_GROUP_KINDS


class GroupMember(models.Model):
    """A woman of the registry in a group (masked wherever shown)."""

    scope_field = "group__org"

    group = models.ForeignKey(WomensGroup, on_delete=models.CASCADE, related_name="members")
    woman = models.ForeignKey("registry.Woman", on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")
        constraints = [models.UniqueConstraint(fields=["group", "woman"], name="group_member_once")]

    def __str__(self):
        return f"{self.group} · {self.woman}"


class GroupActivity(models.Model):
    scope_field = "group__org"

    group = models.ForeignKey(WomensGroup, on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField(_("日期"), db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    theme = models.CharField(_("活动主题"), max_length=200)
    attendance = models.PositiveIntegerField(_("参加妇女人数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("妇女小组活动")
        verbose_name_plural = _("妇女小组活动")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} {self.theme}"


class ElectionQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(is_current=True)


class Election(models.Model):
    """A term election (换届, BLD-3) of a unit and the team it chose. Recording a new one makes it the
    current team; the earlier ones stay as the unit's history."""

    scope_field = "org"

    org = models.ForeignKey("orgs.Org", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("换届日期"))
    term_years = models.PositiveSmallIntegerField(_("任期（年）"))
    next_due = models.DateField(_("下次换届应在"), db_index=True)
    is_current = models.BooleanField(_("现任"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ElectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("换届")
        verbose_name_plural = _("换届")
        ordering = ["org__path", "-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org"], condition=models.Q(is_current=True), name="election_one_current"
            )
        ]

    def __str__(self):
        return f"{self.held_on} {self.org}"


class TeamRole(models.TextChoices):
    CHAIR = "chair", _("主席")
    VICE_FULL = "vice_full", _("专职副主席")
    VICE_PART = "vice_part", _("兼职副主席")
    MEMBER = "member", _("班子成员")


class TeamMember(models.Model):
    """A place in the team an election chose; ``user`` links the person when she has an account."""

    scope_field = "election__org"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("职务"), max_length=12, choices=TeamRole.choices)
    name = models.CharField(_("姓名"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("班子成员")
        verbose_name_plural = _("班子成员")
        ordering = ["election_id", "role", "id"]

    def __str__(self):
        return self.name


class TrainingLevel(models.TextChoices):
    """The three levels of the city's carpet training (notice (三)4)."""

    DISTRICT = "district", _("区县(市)")
    TOWNSHIP = "township", _("街道(乡镇)")
    COMMUNITY = "community", _("社区(村)")


class TrainingSession(models.Model):
    """A training session planned by a federation for cadres of one level of its subtree (BLD-4)."""

    scope_field = "org"
    scope_inherits_down = True

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100)
    level = models.CharField(_("培训对象层级"), max_length=10, choices=TrainingLevel.choices)
    topic = models.CharField(_("主题"), max_length=200)
    hours = models.DecimalField(_("学时"), **HOURS)
    trainer = models.CharField(_("授课人"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InheritedDownQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} {self.topic}"


class Attendance(models.Model):
    """One cadre at one session (BLD-4), under her own unit: who was trained, where, how many hours."""

    scope_field = "org"

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hours = models.DecimalField(_("学时"), **HOURS)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["session_id", "org__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "org", "name"], name="attendance_once_per_session")
        ]

    def __str__(self):
        return f"{self.name} · {self.session}"


class Handbook(models.Model):
    """A document of the library (《妇女工作实用手册》 …), published by a federation for its subtree."""

    scope_field = "org"
    scope_inherits_down = True

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=200)
    levels = models.JSONField(_("适用层级"), default=list)
    description = models.TextField(_("简介"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InheritedDownQuerySet.as_manager()

    class Meta:
        verbose_name = _("手册资料")
        verbose_name_plural = _("手册资料")
        ordering = ["title", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "title"], name="handbook_title_unique")]

    def __str__(self):
        return self.title

    def level_labels(self) -> list[str]:
        labels = dict(TrainingLevel.choices)
        return [str(labels[v]) for v in self.levels if v in labels]


class HandbookVersion(models.Model):
    """One uploaded version; the highest number is current, the earlier ones are kept."""

    scope_field = "handbook__org"
    scope_inherits_down = True

    handbook = models.ForeignKey(Handbook, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    changes = models.TextField(_("本版修改内容"), blank=True)
    file_path = models.CharField(max_length=255)
    file_name = models.CharField(_("文件名"), max_length=150)
    file_size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = InheritedDownQuerySet.as_manager()

    class Meta:
        verbose_name = _("手册版本")
        verbose_name_plural = _("手册版本")
        ordering = ["handbook_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["handbook", "number"], name="handbook_version_unique")]

    def __str__(self):
        return f"{self.handbook} v{self.number}"


class HandbookDownload(models.Model):
    """A download of a version by a cadre, counted for her unit."""

    scope_field = "org"

    version = models.ForeignKey(HandbookVersion, on_delete=models.CASCADE, related_name="downloads")
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("下载单位"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("手册下载")
        verbose_name_plural = _("手册下载")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.version} · {self.org}"


class WorkCondition(models.Model):
    """The conditions of women's work of a unit in a year (BLD-6): funding, venue, full-time staff."""

    scope_field = "org"

    org = models.ForeignKey("orgs.Org", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    funding = models.DecimalField(_("工作经费（元）"), default=0, **AMOUNT)
    funding_in_budget = models.BooleanField(_("经费列入财政预算"), default=False)
    venue = models.CharField(_("办公及活动场所"), max_length=200, blank=True)
    venue_area = models.PositiveIntegerField(_("场所面积（平方米）"), default=0)
    full_time_staff = models.PositiveSmallIntegerField(_("专职工作人员"), default=0)
    part_time_staff = models.PositiveSmallIntegerField(_("兼职工作人员"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("妇女工作条件")
        verbose_name_plural = _("妇女工作条件")
        ordering = ["-year", "org__path"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="condition_one_per_year")]

    def __str__(self):
        return f"{self.year} {self.org}"

    def gaps(self) -> list[str]:
        """What the 市委 opinion asks for and this unit still lacks (BLD-6)."""
        missing = []
        if not self.funding:
            missing.append(str(_("无工作经费")))
        if not self.venue:
            missing.append(str(_("无活动场所")))
        if not self.full_time_staff:
            missing.append(str(_("无专职人员")))
        return missing
