"""Small server-rendered SVG charts (no JavaScript needed): monthly bar charts for the overview
and province pages. The template draws the shapes computed here."""

import datetime as dt
from dataclasses import dataclass

from ipwatch.core.dates import MONTH, add_months, period_start

MAX_MONTHS = 60


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    month: dt.date
    count: int

    @property
    def label(self) -> str:
        return f"{self.month.strftime('%b %Y')}: {self.count} incident{'s' if self.count != 1 else ''}"


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class MonthlyChart:
    bars: list[Bar]
    ticks: list[Tick]
    width: int
    height: int
    plot_height: int
    maximum: int
    first: dt.date | None
    last: dt.date | None
    total: int

    @property
    def description(self) -> str:
        if not self.total:
            return "No published incidents to chart."
        busiest = max(self.bars, key=lambda bar: bar.count)
        return (
            f"Incidents per month from {self.first.strftime('%b %Y')} to {self.last.strftime('%b %Y')}: "
            f"{self.total} in all, busiest month {busiest.label}."
        )


def chart_span(last_date: dt.date | None, on: dt.date, months: int = 36) -> tuple[dt.date, dt.date]:
    """(first month, last month) to chart: the `months` months up to `on`; when the data stops
    before that span (an old dataset), the span ends at the last month with data instead, so the
    chart is never an empty frame."""
    months = max(1, min(months, MAX_MONTHS))
    end_month = period_start(on, MONTH)
    if last_date and last_date < add_months(end_month, -(months - 1)):
        end_month = period_start(last_date, MONTH)
    return add_months(end_month, -(months - 1)), end_month


def monthly_chart(
    counts: dict[dt.date, int], end_month: dt.date, *, width: int = 640, height: int = 140, months: int = 36
) -> MonthlyChart:
    """Bars for the `months` months ending with `end_month` (see chart_span). At most MAX_MONTHS bars."""
    months = max(1, min(months, MAX_MONTHS))
    end_month = period_start(end_month, MONTH)
    start_month = add_months(end_month, -(months - 1))
    series = [add_months(start_month, i) for i in range(months)]
    values = [counts.get(month, 0) for month in series]
    axis = 18  # room for year labels under the bars
    plot_height = height - axis
    maximum = max(values) if values else 0
    slot = width / months
    bars = []
    for i, (month, value) in enumerate(zip(series, values, strict=True)):
        bar_height = (value / maximum) * (plot_height - 4) if maximum else 0
        bars.append(
            Bar(
                x=round(i * slot + 1, 2),
                y=round(plot_height - bar_height, 2),
                width=round(max(slot - 2, 1), 2),
                height=round(bar_height, 2),
                month=month,
                count=value,
            )
        )
    ticks = [
        Tick(x=round(i * slot + 1, 2), label=str(month.year)) for i, month in enumerate(series) if month.month == 1
    ]
    if not ticks or ticks[0].x > slot * 3:
        ticks.insert(0, Tick(x=1, label=series[0].strftime("%b %Y")))
    return MonthlyChart(
        bars=bars,
        ticks=ticks,
        width=width,
        height=height,
        plot_height=plot_height,
        maximum=maximum,
        first=series[0],
        last=series[-1],
        total=sum(values),
    )
