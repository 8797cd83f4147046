"""Data migration: the built-in roles (ORG-4) and the three administrator roles (SEC-5)."""

from django.db import migrations

# Frozen here (not imported) so the migration means the same thing forever.
ACTIONS = ["view", "edit", "approve", "export", "unmask"]
MODULES = ["orgs", "campaigns", "fieldwork", "registry", "assistance", "projects", "research", "building", "oversight"]


def codes(modules, actions):
    return sorted(f"{m}.{a}" for m in modules for a in actions)


ROLES = [
    ("leader", "领导", "主席、副主席：本级及下级全部业务的查看、编辑、审核、导出和查看明文", codes(MODULES, ACTIONS), ""),
    ("cadre", "干部", "妇联干部：本级及下级业务的查看、编辑和导出（个人信息脱敏显示）", codes(MODULES, ["view", "edit", "export"]), ""),
    (
        "researcher",
        "研究室",
        "研究室干部：查看全部业务，编辑和审核调研、活动报送",
        sorted(set(codes(MODULES, ["view", "export"])) | set(codes(["research", "campaigns"], ["edit", "approve"]))),
        "",
    ),
    (
        "caseworker",
        "个案专干",
        "负责帮扶个案的干部：在干部权限之外可查看明文个人信息（须说明理由并留痕）",
        sorted(set(codes(MODULES, ["view", "edit", "export"])) | {"registry.unmask", "assistance.unmask"}),
        "",
    ),
    ("inspector", "督查员", "督查考核：查看和导出全部业务，编辑考核", sorted(set(codes(MODULES, ["view", "export"])) | {"oversight.edit", "oversight.approve"}), ""),
    ("volunteer", "巾帼志愿者", "志愿者：只看到自己结对的家庭", ["projects.view"], ""),
    ("system-admin", "系统管理员", "管理组织机构、用户账户和活动设置", [], "system"),
    ("security-admin", "安全管理员", "授予角色和数据范围、解锁账户、维护角色", [], "security"),
    ("audit-admin", "审计管理员", "查询和导出审计日志", [], "audit"),
]


def create(apps, schema_editor):
    Role = apps.get_model("orgs", "Role")
    for code, name, description, permissions, admin_kind in ROLES:
        Role.objects.update_or_create(
            code=code,
            defaults={"name": name, "description": description, "permissions": permissions, "admin_kind": admin_kind, "is_builtin": True},
        )


def remove(apps, schema_editor):
    apps.get_model("orgs", "Role").objects.filter(code__in=[r[0] for r in ROLES], is_builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
