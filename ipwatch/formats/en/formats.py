from ipwatch.formats.en_GB.formats import *  # noqa: F403 — the same ISO dates whichever English
