"""Colours for charts that stack many series (the timeline's provinces or types).

Seventeen provinces cannot get seventeen colours a reader tells apart in a stacked bar. The palette
below is checked with CIEDE2000 (ΔE00, CIE 2000 colour difference, sRGB → CIELAB under D65): every
pair differs by at least MIN_DELTA_E, well above the ≈ 10 at which neighbouring bars of a chart stop
being confused at a glance. The largest series get these colours in order; the rest are grouped
into one hatched "other" series (the table under the chart keeps every series).
"""

import math

# Tableau 10 (Maureen Stone's palette), grey left out: grey is reserved for "other" and "no province".
PALETTE = (
    "#4e79a7",  # blue
    "#f28e2b",  # orange
    "#e15759",  # red
    "#76b7b2",  # teal
    "#59a14f",  # green
    "#edc948",  # yellow
    "#b07aa1",  # purple
    "#ff9da7",  # pink
    "#9c755f",  # brown
)
OTHER_COLOR = "#bab0ac"
MIN_DELTA_E = 15.0


def _linear(channel: float) -> float:
    channel /= 255
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def hex_to_lab(color: str) -> tuple[float, float, float]:
    r, g, b = (_linear(int(color[i : i + 2], 16)) for i in (1, 3, 5))
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1, lab2) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005), kL = kC = kH = 1."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    c_mean7 = ((c1 + c2) / 2) ** 7
    g = 0.5 * (1 - math.sqrt(c_mean7 / (c_mean7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dl = l2 - l1
    dc = c2p - c1p
    if c1p * c2p == 0:
        dh_angle = 0.0
    elif abs(h2p - h1p) <= 180:
        dh_angle = h2p - h1p
    elif h2p - h1p > 180:
        dh_angle = h2p - h1p - 360
    else:
        dh_angle = h2p - h1p + 360
    dh = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh_angle / 2))
    l_mean = (l1 + l2) / 2
    c_mean = (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_mean = (h1p + h2p + 360) / 2
    else:
        h_mean = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    d_theta = 30 * math.exp(-(((h_mean - 275) / 25) ** 2))
    c_mean7 = c_mean**7
    r_c = 2 * math.sqrt(c_mean7 / (c_mean7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dh / s_h) ** 2 + r_t * (dc / s_c) * (dh / s_h))


def delta_e(color1: str, color2: str) -> float:
    return ciede2000(hex_to_lab(color1), hex_to_lab(color2))


def min_pairwise_delta_e(colors) -> float:
    colors = list(colors)
    return min(delta_e(a, b) for i, a in enumerate(colors) for b in colors[i + 1 :])


def assign_colors(series: list[dict], *, keep=("_none",)) -> list[dict]:
    """Colour chart series, given largest first: the first len(PALETTE) get the palette in order;
    the rest are marked ``other`` (drawn as one hatched "other" stack). Series keys in ``keep`` (no
    province) keep their own neutral colour and are never grouped."""
    ranked = [entry for entry in series if entry["key"] not in keep]
    for rank, entry in enumerate(ranked):
        if rank < len(PALETTE):
            entry["color"], entry["other"] = PALETTE[rank], False
        else:
            entry["color"], entry["other"] = OTHER_COLOR, True
    return series
