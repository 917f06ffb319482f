"""Keeps each incident's search text (ipwatch.core.search) in step with what it is made of: the
incident itself, its reports and their sources, its place and its province. Bulk writes send no
signals: the importer and generate_synthetic call ``search.refresh`` themselves."""

from django.db.models.signals import post_delete, post_save

from . import search
from .models import Incident, Place, Province, Report, Source


def _incident_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.store_text(instance, search.search_text(instance))


def _report_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    incident = Incident.objects.filter(pk=instance.incident_id)
    if incident.exists():
        search.refresh(incident)


def _place_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.refresh(Incident.objects.filter(place=instance))


def _province_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.refresh(Incident.objects.filter(province=instance))


def _source_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.refresh(Incident.objects.filter(reports__source=instance).distinct())


def connect() -> None:
    post_save.connect(_incident_saved, sender=Incident, dispatch_uid="search-incident")
    post_save.connect(_report_changed, sender=Report, dispatch_uid="search-report-saved")
    post_delete.connect(_report_changed, sender=Report, dispatch_uid="search-report-deleted")
    post_save.connect(_place_saved, sender=Place, dispatch_uid="search-place")
    post_save.connect(_province_saved, sender=Province, dispatch_uid="search-province")
    post_save.connect(_source_saved, sender=Source, dispatch_uid="search-source")
