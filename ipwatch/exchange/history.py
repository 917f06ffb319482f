"""History rows for bulk-written objects, as django-simple-history records them.

simple_history's own `bulk_history_create` (behind `bulk_create_with_history`) builds one
historical model instance per row and then runs Django's bulk_create over them; for an import that
was over half of the write time. Here the same rows go in with one `executemany` per batch: the
columns come from the historical model's own fields (so a field added to Incident is picked up), and
each value is prepared by that field's `get_db_prep_save`, as Django would.
If the historical model has a column we do not know how to fill, we use simple_history's own path.
"""

import datetime as dt

from django.db import connections, router


def write_history(objs, model, history_type: str, user=None, reason: str = "", when: dt.datetime | None = None):
    """Write one history row per object in `objs` ("+" created, "~" changed), like a save() would."""
    if not objs:
        return
    history_model = model.history.model
    tracked = {field.attname for field in model._meta.concrete_fields}
    extra = {
        "history_date": when,
        "history_change_reason": reason or None,
        "history_type": history_type,
        "history_user_id": getattr(user, "pk", None),
    }
    columns = [
        field for field in history_model._meta.concrete_fields if field.attname != history_model._meta.pk.attname
    ]
    if any(field.attname not in tracked and field.attname not in extra for field in columns):
        model.history.bulk_history_create(
            objs, update=history_type == "~", default_user=user, default_change_reason=reason, default_date=when
        )
        return
    database = router.db_for_write(history_model)
    connection = connections[database]
    quote = connection.ops.quote_name
    rows = [
        [
            field.get_db_prep_save(
                getattr(obj, field.attname) if field.attname in tracked else extra[field.attname], connection
            )
            for field in columns
        ]
        for obj in objs
    ]
    # Table and column names come from the model's _meta, quoted; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(history_model._meta.db_table),
        ", ".join(quote(field.column) for field in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
