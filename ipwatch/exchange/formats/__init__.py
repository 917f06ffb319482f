"""The import formats, by the name `--format` takes."""

from .acled import AcledFormat
from .base import Format
from .gtd import GtdFormat
from .ipwatch import IpwatchFormat
from .ucdp import UcdpFormat

FORMATS: dict[str, Format] = {f.name: f for f in (AcledFormat(), GtdFormat(), UcdpFormat(), IpwatchFormat())}

__all__ = ["FORMATS", "Format"]
