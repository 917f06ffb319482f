"""Vocabularies of the activity kinds. The kind slugs are a contract (URLs, APIs, CSV)."""

from django.db import models

from ipwatch.core.choices import IncidentStatus


class ActivityKind(models.TextChoices):
    ATTACK = "attack", "Attack"
    MEDIA_RELEASE = "media_release", "Media release"
    DESIGNATION = "designation", "Designation or sanction"
    ARREST = "arrest", "Arrest or disrupted plot"
    LEGAL_CASE = "legal_case", "Legal case"
    PLEDGE = "pledge", "Pledge or province change"
    LEADERSHIP = "leadership", "Leadership event"
    TERRITORY = "territory", "Territory held"

    @classmethod
    def slugs(cls) -> list[str]:
        return [value for value, _ in cls.choices]


# Series colours of the kinds on the timeline (group=kind); the map keeps colour by province and tells
# kinds apart by marker shape.
KIND_COLORS = {
    "attack": "#c0392b",
    "media_release": "#d35400",
    "designation": "#1f4e9c",
    "arrest": "#00796b",
    "legal_case": "#5e35b1",
    "pledge": "#ad1457",
    "leadership": "#558b2f",
    "territory": "#6d4c41",
}

# The kinds stored in the Activity table; attacks stay in core.Incident.
NON_ATTACK_KINDS = [(value, label) for value, label in ActivityKind.choices if value != ActivityKind.ATTACK]


class MediaType(models.TextChoices):
    STATEMENT = "statement", "Statement"
    NEWSLETTER = "newsletter", "Newsletter issue"
    INFOGRAPHIC = "infographic", "Infographic"
    PHOTO_SET = "photo_set", "Photo set"
    VIDEO = "video", "Video"
    AUDIO = "audio", "Audio speech"
    OTHER = "other", "Other"


class Authority(models.TextChoices):
    UN_SECURITY_COUNCIL = "un_security_council", "UN Security Council"
    US_STATE = "us_state", "US Department of State"
    US_TREASURY = "us_treasury", "US Department of the Treasury"
    UK = "uk", "United Kingdom"
    EU = "eu", "European Union"
    OTHER = "other", "Other authority"


class DesignatedEntity(models.TextChoices):
    GROUP = "group", "The group"
    PROVINCE = "province", "A province"
    PERSON = "person", "A person"
    OTHER = "other", "Other entity"


class CaseStage(models.TextChoices):
    CHARGE = "charge", "Charge"
    TRIAL = "trial", "Trial"
    VERDICT = "verdict", "Verdict"
    SENTENCE = "sentence", "Sentence"
    APPEAL = "appeal", "Appeal"


class PledgeType(models.TextChoices):
    ALLEGIANCE = "allegiance", "Pledge of allegiance"
    PROVINCE_ANNOUNCED = "province_announced", "Province announced"
    PROVINCE_RENAMED = "province_renamed", "Province renamed"
    PROVINCE_MERGED = "province_merged", "Province merged"


class LeadershipEvent(models.TextChoices):
    KILLED = "killed", "Killed"
    CAPTURED = "captured", "Captured"
    NAMED = "named", "Named / appointed"
    APPEARING = "appearing", "Appearance"
    OTHER = "other", "Other"


# The incidents' workflow statuses, less "merged" (a duplicate incident folded into another: activity
# records are not merged).
ACTIVITY_STATUSES = [(value, label) for value, label in IncidentStatus.choices if value != IncidentStatus.MERGED]
