"""How other apps plug into a woman's record without the registry importing them.

- Merging (REG-4): every foreign key and many-to-many field pointing at ``Woman`` is re-pointed from the
  merged record to the survivor automatically. An app whose rows need more care (a uniqueness rule, a
  one-to-one link) registers its own re-pointer with ``@repointer(Model)``; after the merge the
  ``women_merged`` signal is sent (sender ``Woman``; ``survivor``, ``merged``, ``actor``).
- Export for her (REG-5): ``@personal_data(label)`` adds a sheet of what the app holds about her.
- Her page: ``@detail_section(label, template)`` adds a section (needs, pairings, benefits …) and
  ``@timeline_source`` adds entries to her history timeline.

Every function receives the viewing/acting user, so it must keep to its own scoping rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.dispatch import Signal

from fuqing.registry.models import Woman

women_merged = Signal()  # sender=Woman, survivor=Woman, merged=Woman, actor=User

_REPOINTERS: dict[type[models.Model], Callable] = {}


def repointer(model: type[models.Model]):
    """Register ``func(survivor, merged, actor) -> int`` (rows moved) for ``model``'s links to Woman."""

    def decorate(func):
        _REPOINTERS[model] = func
        return func

    return decorate


def _registry_owned(model) -> bool:
    return model._meta.app_label == "registry"


def repoint_related(survivor, merged, actor) -> dict[str, int]:
    """Move every row of other apps from ``merged`` to ``survivor``; returns moved rows per model."""

    moved: dict[str, int] = {}
    for model, func in _REPOINTERS.items():
        moved[model._meta.label] = func(survivor, merged, actor)
    for relation in Woman._meta.related_objects:
        model = relation.related_model
        if model is Woman or _registry_owned(model) or model in _REPOINTERS:
            continue
        if relation.many_to_many:
            count = _repoint_m2m(relation, survivor, merged)
        else:
            name = relation.field.name
            count = model._base_manager.filter(**{name: merged}).update(**{name: survivor})
        moved[model._meta.label] = moved.get(model._meta.label, 0) + count
    return {label: n for label, n in moved.items() if n}


def _repoint_m2m(relation, survivor, merged) -> int:
    """A many-to-many from another model (e.g. the women a visit met): keep one link per owner."""
    field = relation.field
    through = field.remote_field.through
    woman_col = field.m2m_reverse_field_name()
    owner_col = field.m2m_field_name()
    rows = through._base_manager
    already = set(rows.filter(**{woman_col: survivor}).values_list(f"{owner_col}_id", flat=True))
    rows.filter(**{woman_col: merged, f"{owner_col}_id__in": already}).delete()
    return rows.filter(**{woman_col: merged}).update(**{woman_col: survivor})


@dataclass(frozen=True)
class PersonalDataSource:
    label: str
    func: Callable  # (woman, user) -> (headers: list[str], rows: list[list])


_PERSONAL_DATA: list[PersonalDataSource] = []


def personal_data(label: str):
    """Add a sheet to her export (REG-5): ``func(woman, user) -> (headers, rows)``, unmasked."""

    def decorate(func):
        _PERSONAL_DATA.append(PersonalDataSource(label, func))
        return func

    return decorate


def personal_data_sources() -> list[PersonalDataSource]:
    return list(_PERSONAL_DATA)


@dataclass(frozen=True)
class DetailSection:
    label: str
    template: str
    context: Callable  # (request, woman) -> dict, or None to hide


_SECTIONS: list[DetailSection] = []


def detail_section(label: str, template: str):
    def decorate(func):
        _SECTIONS.append(DetailSection(label, template, func))
        return func

    return decorate


def detail_sections() -> list[DetailSection]:
    return list(_SECTIONS)


@dataclass(frozen=True)
class TimelineEntry:
    at: object  # aware datetime
    title: str
    actor: str = ""
    detail: str = ""
    kind: str = ""


_TIMELINE: list[Callable] = []


def timeline_source(func):
    """``func(woman_ids, user) -> list[TimelineEntry]`` (ids include records merged into her)."""
    _TIMELINE.append(func)
    return func


def timeline_sources() -> list[Callable]:
    return list(_TIMELINE)
