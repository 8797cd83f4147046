"""The one scoping mechanism (ORG-3, SEC-1, SEC-2).

Every model holding federation data reaches an ``Org`` through ``scope_field`` and uses a manager built
on ``ScopedQuerySet``. A user's scope is the subtree of her own organisation plus explicit grants; the
filter is a set of path ranges on the materialised path, so it uses the index on every engine.

A volunteer's scope is narrower still (PRJ-5): it carries ``volunteer`` (her user id), and every
scoped queryset then keeps only what the model declares a volunteer may see, through its
``scope_volunteer`` attribute:

* ``VOLUNTEER_ALL``: the ordinary scope (the organisation tree, the campaign of the year);
* a lookup path to a user (``"volunteer__user"``): only rows tied to her by that path;
* a callable ``(queryset, user_id) -> queryset``;
* nothing declared: nothing at all (a new model is closed to volunteers until it says otherwise).

The narrowing is applied by ``visible_to`` and ``editable_by`` themselves — also where a model's
queryset overrides them — so no view has to remember it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's MP_Node alphabet


def org_model():
    """The organisation tree's model (``settings.ORG_MODEL``): core names no app, like the user model."""
    return apps.get_model(settings.ORG_MODEL)


def path_upper(path: str) -> str | None:
    """The smallest path greater than every path starting with ``path`` (None: no upper bound).

    Built inside the alphabet (carrying past 'Z') so the range holds under any collation.
    """
    chars = list(path)
    while chars:
        index = ALPHABET.index(chars[-1])
        if index + 1 < len(ALPHABET):
            chars[-1] = ALPHABET[index + 1]
            return "".join(chars)
        chars.pop()
    return None


def subtree_q(path: str, field: str = "path") -> Q:
    """Rows whose ``field`` (a materialised path) lies in the subtree rooted at ``path``."""
    q = Q(**{f"{field}__gte": path})
    upper = path_upper(path)
    if upper is not None:
        q &= Q(**{f"{field}__lt": upper})
    return q


VOLUNTEER_ALL = "*"  # scope_volunteer: a volunteer sees these rows as her ordinary scope allows


@dataclass(frozen=True)
class Scope:
    """The subtrees a user may read, and those she may change; for a volunteer, her user id."""

    read_paths: tuple[str, ...]
    edit_paths: tuple[str, ...]
    volunteer: int | None = None

    @staticmethod
    def normalise(paths) -> tuple[str, ...]:
        kept: list[str] = []
        for path in sorted(set(paths)):
            if not any(path.startswith(k) for k in kept):
                kept.append(path)
        return tuple(kept)

    def paths(self, edit: bool) -> tuple[str, ...]:
        return self.edit_paths if edit else self.read_paths

    def covers(self, path: str, edit: bool = False) -> bool:
        return any(path.startswith(p) for p in self.paths(edit))


EMPTY_SCOPE = Scope((), ())


def user_scope(user) -> Scope:
    """The user's scope, computed once per user object (a request holds one)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_fuqing_scope", None)
    if cached is None:
        cached = user.compute_scope()
        user._fuqing_scope = cached
    return cached


def scope_q(user, field: str, edit: bool = False) -> Q:
    """A filter on ``field`` (a path to an Org, '' for Org itself) limited to the user's scope."""
    path_field = f"{field}__path" if field else "path"
    paths = user_scope(user).paths(edit)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= subtree_q(path, path_field)
    return q


def volunteer_narrowed(queryset, user):
    """``queryset`` as a volunteer may see it (unchanged for anyone else); see the module docstring."""
    volunteer = user_scope(user).volunteer
    if volunteer is None:
        return queryset
    rule = getattr(queryset.model, "scope_volunteer", None)
    if rule is None:
        return queryset.none()
    if rule == VOLUNTEER_ALL:
        return queryset
    if callable(rule):
        return rule(queryset, volunteer)
    own = queryset.model._base_manager.filter(**{rule: volunteer}).values("pk")
    return queryset.filter(pk__in=own)


def _narrowing(door):
    """Wrap a door so what it returns is narrowed for a volunteer (also when a subclass overrides it)."""

    def wrapped(self, user):
        return volunteer_narrowed(door(self, user), user)

    wrapped.__name__ = door.__name__
    wrapped.__doc__ = door.__doc__
    wrapped.__wrapped__ = door
    return wrapped


class ScopedQuerySet(models.QuerySet):
    """Querysets of federation data. ``visible_to`` and ``editable_by`` are the only doors."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in ("visible_to", "editable_by"):
            if name in cls.__dict__ and not hasattr(cls.__dict__[name], "__wrapped__"):
                setattr(cls, name, _narrowing(cls.__dict__[name]))

    @_narrowing
    def visible_to(self, user):
        return self.filter(scope_q(user, self.model.scope_field, edit=False))

    @_narrowing
    def editable_by(self, user):
        return self.filter(scope_q(user, self.model.scope_field, edit=True))

    def in_subtree(self, org):
        """Rows under ``org`` (for aggregates of one unit, already inside a visible_to filter)."""
        field = self.model.scope_field
        return self.filter(subtree_q(org.path, f"{field}__path" if field else "path"))


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


def is_scoped(model) -> bool:
    manager = model._default_manager
    return isinstance(manager, models.Manager) and issubclass(manager._queryset_class, ScopedQuerySet)


def scoped_models() -> list[type[models.Model]]:
    """Every concrete model whose default manager is scoped (for the access-matrix tests)."""
    return [m for m in apps.get_models() if is_scoped(m) and not m._meta.abstract]


def org_of(obj):
    """The organisation an object belongs to, following ``scope_field``."""
    field = obj.__class__.scope_field  # __class__, not type(): request.user is a lazy proxy
    if not field:
        return obj
    for part in field.split("__"):
        obj = getattr(obj, part)
    return obj


class ScopeDenied(Http404):
    """An object exists but lies outside the user's scope: answered as 404, recorded as denied."""

    def __init__(self, model, lookup: dict):
        super().__init__("not found")
        self.object_type = f"{model._meta.app_label}.{model._meta.model_name}"
        self.object_id = ",".join(str(v) for v in lookup.values())[:64]


def get_visible_or_404(queryset_or_model, user, edit: bool = False, **lookup):
    """The one door to a single object: outside the scope it does not exist (404, not 403)."""
    qs = queryset_or_model
    if isinstance(qs, type):
        qs = qs._default_manager.all()
    scoped = qs.editable_by(user) if edit else qs.visible_to(user)
    try:
        return scoped.get(**lookup)
    except (ValueError, TypeError, ValidationError):
        raise Http404 from None
    except qs.model.DoesNotExist:
        if qs.model._default_manager.filter(**lookup).exists():
            raise ScopeDenied(qs.model, lookup) from None
        raise Http404 from None


def can_edit(user, obj) -> bool:
    return user_scope(user).covers(org_of(obj).path, edit=True)


def ensure_editable(user, obj) -> None:
    """A visible object the user may only read: refuse the change with a clear reason."""

    if not can_edit(user, obj):
        raise PermissionDenied("只读范围：您可以查看该单位的数据，但不能修改。")


def resolve_input(queryset_or_model, user, value, *, edit: bool = False, field: str = "pk"):
    """An id that came from input (a form, a query string, a JSON body) through the door.

    The object if it exists and lies in the user's scope (and in ``queryset``, when one is given: the
    choices a form offers); ``None`` otherwise — malformed, missing and out of scope alike, so the
    caller answers "not found" and never shows, lists or names what lies outside.
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, models.Model):
        value = value.pk
    qs = queryset_or_model
    if isinstance(qs, type):
        qs = qs._default_manager.all()
    scoped = qs.editable_by(user) if edit else qs.visible_to(user)
    try:
        return scoped.filter(**{field: value}).first()
    except (ValueError, TypeError, ValidationError, OverflowError):
        return None


def resolve_inputs(queryset_or_model, user, values, *, edit: bool = False, field: str = "pk") -> list:
    """Several ids from input through the door; those malformed or out of scope are dropped."""
    found = []
    for value in values or ():
        obj = resolve_input(queryset_or_model, user, value, edit=edit, field=field)
        if obj is not None and obj not in found:
            found.append(obj)
    return found
