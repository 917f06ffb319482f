"""Controlled vocabularies. Modelled on GTD/ACLED so imports map onto them cleanly."""

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class LocationPrecision(models.TextChoices):
    EXACT = "exact", "Exact location"
    NEAR = "near", "Town or village"
    DISTRICT = "district", "District"
    PROVINCE = "province", "Province / region"
    COUNTRY = "country", "Country"


class GeocoderKind(models.TextChoices):
    NONE = "", "Not geocoded"
    GAZETTEER = "gazetteer", "Offline gazetteer"
    ONLINE = "online", "Online service"
    MANUAL = "manual", "Entered by an editor"
    IMPORT = "import", "Imported with the data"


class SourceKind(models.TextChoices):
    GROUP_MEDIA = "group_media", "Group media (IS outlet)"
    NEWS_AGENCY = "news_agency", "News agency"
    NEWS_OUTLET = "news_outlet", "News outlet"
    OFFICIAL = "official", "Official"
    RESEARCH = "research", "Research / analysis"
    NGO = "ngo", "NGO / international organisation"
    SOCIAL_MEDIA = "social_media", "Social media"
    DATASET = "dataset", "Conflict dataset"
    OTHER = "other", "Other"


class IncidentType(models.TextChoices):
    RAID = "raid", "Raid / armed assault"
    BOMBING = "bombing", "Bombing / IED"
    SUICIDE_ATTACK = "suicide_attack", "Suicide attack"
    AMBUSH = "ambush", "Ambush"
    ASSASSINATION = "assassination", "Assassination"
    EXECUTION = "execution", "Execution"
    KIDNAPPING = "kidnapping", "Kidnapping"
    INDIRECT_FIRE = "indirect_fire", "Indirect fire"
    ARSON_SABOTAGE = "arson_sabotage", "Arson / sabotage"
    OTHER = "other", "Other"


class TargetType(models.TextChoices):
    MILITARY = "military", "Military"
    POLICE = "police", "Police"
    CIVILIANS = "civilians", "Civilians"
    GOVERNMENT = "government", "Government"
    RELIGIOUS = "religious", "Religious"
    INFRASTRUCTURE = "infrastructure", "Infrastructure"
    OTHER = "other", "Other"


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", "Claimed by IS"
    ATTRIBUTED = "attributed", "Attributed by others"
    UNCLAIMED = "unclaimed", "Unclaimed"
    DISPUTED = "disputed", "Disputed"


class IncidentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"
    MERGED = "merged", "Merged into another incident"


class AdmiraltyGrade(models.TextChoices):
    """A grade of the "Admiralty" (NATO AJP-2.1) system, labelled "<grade> — <what it means>"."""

    @property
    def meaning(self) -> str:
        return self.label.split(" — ", 1)[1]


class SourceReliability(AdmiraltyGrade):
    """The "Admiralty" (NATO AJP-2.1) grade of the source: how far it has been right before."""

    A = "A", "A — completely reliable"
    B = "B", "B — usually reliable"
    C = "C", "C — fairly reliable"
    D = "D", "D — not usually reliable"
    E = "E", "E — unreliable"
    F = "F", "F — reliability cannot be judged"


class InformationCredibility(AdmiraltyGrade):
    """The "Admiralty" (NATO AJP-2.1) grade of this one piece of information."""

    CONFIRMED = "1", "1 — confirmed by other sources"
    PROBABLE = "2", "2 — probably true"
    POSSIBLE = "3", "3 — possibly true"
    DOUBTFUL = "4", "4 — doubtful"
    IMPROBABLE = "5", "5 — improbable"
    CANNOT_JUDGE = "6", "6 — truth cannot be judged"


class ChangeOrigin(models.TextChoices):
    IMPORT = "import", "Re-import of a dataset"
    EDITOR = "editor", "Editor without publish permission"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
