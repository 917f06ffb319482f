"""Synthetic activity of every non-attack kind, for load and benchmark work (``generate_synthetic
--activity N``). Never real: every record is flagged ``is_synthetic``, says so in its title and
summary, and cites the Source "Synthetic data"; pages and the map label them."""

import datetime as dt
import random

from django.db import transaction

from ipwatch.core.choices import DatePrecision
from ipwatch.core.dates import period_start
from ipwatch.core.synthetic import (
    BATCH_SIZE,
    STATUS_WEIGHTS,
    _weighted,
    create_in_batches,
    random_date,
    synthetic_setting,
)
from ipwatch.core.workflow import SYSTEM

from .choices import Authority, CaseStage, LeadershipEvent, MediaType, PledgeType
from .models import KIND_FIELDS, Activity, ActivityReport

KIND_WEIGHTS = {
    "media_release": 45,
    "arrest": 20,
    "legal_case": 10,
    "leadership": 8,
    "designation": 7,
    "pledge": 5,
    "territory": 5,
}


def _details(rng: random.Random, kind: str, date: dt.date) -> dict:
    if kind == "media_release":
        return {"media_type": rng.choice(MediaType.values), "language": "Arabic"}
    if kind == "designation":
        return {"authority": rng.choice(Authority.values), "designated_name": "Synthetic entity"}
    if kind == "arrest":
        return {"people_held": rng.randint(1, 6)}
    if kind == "legal_case":
        return {"stage": rng.choice(CaseStage.values)}
    if kind == "pledge":
        return {"pledge_type": rng.choice(PledgeType.values)}
    if kind == "leadership":
        return {"leadership_event": rng.choice(LeadershipEvent.values), "person": "Synthetic person"}
    # territory: held from the date for a few months to a few years, the end known to the month
    end = period_start(date + dt.timedelta(days=rng.randrange(60, 1500)), DatePrecision.MONTH)
    return {"end_date": end, "end_date_precision": DatePrecision.MONTH}


def delete_synthetic_activity() -> int:
    deleted, _ = Activity.objects.filter(is_synthetic=True).delete()
    return deleted


@transaction.atomic
def generate_synthetic_activity(count: int, seed: int = 1, progress=None) -> int:
    rng = random.Random(seed + 7919)  # not the incidents' sequence: the same seed gives other draws
    provinces, places, source = synthetic_setting(rng)
    assert set(KIND_WEIGHTS) == set(KIND_FIELDS)

    def create_batch(created: int, size: int) -> int:
        batch = []
        for _ in range(size):
            kind = _weighted(rng, KIND_WEIGHTS)
            province = rng.choice(provinces)
            country = rng.choice([code for code in province.countries if code in places])
            date, precision = random_date(rng)
            number = created + len(batch) + 1
            batch.append(
                Activity(
                    kind=kind,
                    date=date,
                    date_precision=precision,
                    place=rng.choice(places[country]) if rng.random() > 0.1 else None,
                    province=province,
                    title=f"Synthetic {kind.replace('_', ' ')} #{number} — not real",
                    summary=f"Synthetic record #{number} (seed {seed}) — not a real event.",
                    status=_weighted(rng, STATUS_WEIGHTS),
                    is_synthetic=True,
                    **_details(rng, kind, date),
                )
            )
        records = Activity.objects.bulk_create(batch, batch_size=BATCH_SIZE, acting_user=SYSTEM)
        ActivityReport.objects.bulk_create(
            [ActivityReport(activity=record, source=source, title="Synthetic report") for record in records],
            batch_size=BATCH_SIZE,
        )
        return len(records)

    return create_in_batches(count, create_batch, progress)
