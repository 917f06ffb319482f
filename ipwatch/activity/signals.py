"""Keeps each activity record's search text (ipwatch.activity.search) in step with what it is made
of: the record, its reports and their sources, its place, province, outlet and campaign. Bulk writes
send no signals: generate_synthetic refreshes the text itself."""

from django.db.models.signals import post_delete, post_save

from ipwatch.core.models import Campaign, Place, Province, Source
from ipwatch.core.search import store_text

from . import search
from .models import Activity, ActivityReport


def _activity_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        store_text(instance, search.activity_search_text(instance))


def _report_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw or _deleting_activity(origin):
        return
    search.refresh(Activity.objects.filter(pk=instance.activity_id))


def _deleting_activity(origin) -> bool:
    """A report deleted with its record (``origin``: what delete() was called on) needs no new text."""
    return isinstance(origin, Activity) or getattr(origin, "model", None) is Activity


def _related_saved(field):
    def handler(sender, instance, raw=False, **kwargs):
        if not raw:
            search.refresh(Activity.objects.filter(**{field: instance}))

    return handler


def _source_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        records = Activity.objects.filter(pk__in=ActivityReport.objects.filter(source=instance).values("activity_id"))
        search.refresh(records | Activity.objects.filter(outlet=instance))


def connect() -> None:
    post_save.connect(_activity_saved, sender=Activity, dispatch_uid="search-activity")
    post_save.connect(_report_changed, sender=ActivityReport, dispatch_uid="search-activity-report-saved")
    post_delete.connect(_report_changed, sender=ActivityReport, dispatch_uid="search-activity-report-deleted")
    for model, field in ((Place, "place"), (Province, "province"), (Campaign, "campaign")):
        post_save.connect(_related_saved(field), sender=model, weak=False, dispatch_uid=f"search-activity-{field}")
    post_save.connect(_source_saved, sender=Source, dispatch_uid="search-activity-source")
