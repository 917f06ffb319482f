"""Place-name normalisation: the keys the gazetteer index is built on.

Analysts type the same place many ways: "Sebha", "Sabha", "Sabhā", "سبها"; "Al-Fuqaha",
"El-Foqaha", "El Fogha"; "Tall ‘Afar", "Tal Afar", "Telafar". Each name is reduced to keys of
decreasing strictness; the gazetteer tries them in order, so an exact spelling always beats a
looser one:

``exact_key``     case, diacritics, ʿ/ʾ/' marks, hyphens and spacing folded ("Sabhā" → "sabha").
``stripped_key``  the exact key without Arabic articles and hyphenated prefixes
                  ("Al-Baghuz Fawqani" → "baghuz fawqani", "El Arish" → "arish").
``phonetic_key``  transliteration swaps folded (e/a, o/u, ou/u, q/k/g, kh/k, sh/ch, ee/i, double
                  letters, final -h), spaces dropped ("El-Foqaha" and "Fuqaha" → "fukaha").

Arabic-script names get their own exact and stripped keys (hamza/alef/ya/ta marbuta forms
folded, diacritics and the article ال removed); they never mix with Latin keys.
"""

import re
import unicodedata
from functools import lru_cache

# Bump when any key function changes: the gazetteer's cached index is keyed on it.
KEY_VERSION = 5

# Letters NFKD does not decompose into ASCII + combining marks.
_LATIN_FOLD = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "ng",
        "ə": "a",
        "ǝ": "a",
        "ɛ": "e",
        "ɔ": "o",
    }
)

# Apostrophe-like marks used for ʿayn and hamza ("Ta‘izz", "Sa'dah", "Al Fuqahā'"): dropped.
_MARKS_RE = re.compile("['’‘ʼʻʿʾ`´′″\"ˈ]")
_NON_ALNUM_RE = re.compile(r"[^0-9a-z\u0600-\u06ff]+")

# Arabic definite article and its sun-letter assimilations as transliterated, plus the article
# prefixes of other languages found in gazetteers. Only removed as a separate word ("al ", "el-").
_ARTICLES_TEXT = "al el il ul ad ed ar er as es at et az ez an en ash esh ath eth adh edh ech l"
ARTICLES = frozenset(_ARTICLES_TEXT.split())

_ARABIC_DIACRITICS_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ۀ": "ه",
        "ھ": "ه",
        "ہ": "ه",
        "ک": "ك",
        "گ": "ك",
        "ء": "",
        "\u200c": " ",
        "\u200d": "",
    }
)
_ARABIC_LETTERS_RE = re.compile("[\u0600-\u06ff]")

# Ordered rewrites of the phonetic key: digraphs first (plain str.replace is much faster than
# regular expressions, and the index applies the same chain to every spelling), then letters.
_PHONETIC_DIGRAPHS = (
    ("dzh", "j"),
    ("dsch", "j"),
    ("tsch", "s"),
    ("dj", "j"),
    ("zh", "j"),
    ("tch", "s"),
    ("sch", "s"),
    ("sh", "s"),
    ("ch", "s"),
    ("kh", "k"),
    ("gh", "k"),
    ("ck", "k"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("x", "ks"),
)
_PHONETIC_LETTERS = str.maketrans("qgcvoye", "kkkwuia")
_AW_RE = re.compile(r"aw(?=[^aiu]|$)")  # "Awbari" ~ "Ubari", "Fawqani" ~ "Fuqani"
_SILENT_H_RE = re.compile(r"(?<=[aiu])h(?=[^aiu]|$)")  # "Sabhah" ~ "Sabha", "Rafah" ~ "Rafa"
_DOUBLE_RE = re.compile(r"(.)(?=\1)")  # drop a letter followed by itself: "Tall" ~ "Tal"
_VOWELS_RE = re.compile("[aiuw]")
_FINAL_H_RE = re.compile(r"(?<=[aeiou])h\b")
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def is_arabic(text: str) -> bool:
    """True when the name is written (mostly) in Arabic script."""
    return bool(_ARABIC_LETTERS_RE.search(text))


def _exact(name: str) -> str:
    if _ARABIC_LETTERS_RE.search(name):
        return arabic_key(name)
    text = name.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_LATIN_FOLD))
        text = _COMBINING_RE.sub("", text)
    text = _MARKS_RE.sub("", text)
    return _NON_ALNUM_RE.sub(" ", text).strip()


def arabic_key(name: str) -> str:
    text = _ARABIC_DIACRITICS_RE.sub("", name).translate(_ARABIC_FOLD)
    text = re.sub(r"[^\u0600-\u06ff0-9]+", " ", text)
    return " ".join(text.split())


def _stripped(exact: str) -> str:
    if not exact:
        return exact
    words = exact.split()
    if _ARABIC_LETTERS_RE.search(exact):
        return " ".join(w[2:] if w.startswith("ال") and len(w) > 3 else w for w in words)
    kept = [word for word in words if word not in ARTICLES]
    return " ".join(kept) if kept else exact


def _phonetic(stripped: str) -> str:
    if not stripped or _ARABIC_LETTERS_RE.search(stripped):
        return stripped.replace(" ", "")
    # Final -h of Arabic ta marbuta ("Sabhah", "Misratah"), also before a word break.
    key = _FINAL_H_RE.sub("", stripped).replace(" ", "")
    for digraph, replacement in _PHONETIC_DIGRAPHS:
        if digraph in key:
            key = key.replace(digraph, replacement)
    key = key.translate(_PHONETIC_LETTERS)
    key = _SILENT_H_RE.sub("", _AW_RE.sub("u", key))
    key = _DOUBLE_RE.sub("", key)
    # An initial Arabic alif is written a-, i-, e- or u-: "Ijdabiya" ~ "Ajdabiya", "Idlib" ~ "Edlib"
    # (not a one-letter first word: Welsh "Y Barri" is not "Obari").
    if key[:1] in ("i", "u") and stripped[1:2] != " ":
        return "a" + key[1:]
    return key


def skeleton(phonetic: str) -> str:
    """Consonants of a phonetic key ("fukaha" → "fkh"): fuzzy matches must (nearly) agree on them."""
    return _VOWELS_RE.sub("", phonetic)


def keys(name: str) -> tuple[str, str, str]:
    """(exact, stripped, phonetic) keys of one name, computed in one pass (used to build the index)."""
    exact = _exact(name)
    stripped = _stripped(exact)
    return exact, stripped, _phonetic(stripped)


@lru_cache(maxsize=4096)
def exact_key(name: str) -> str:
    """Case, diacritics, apostrophe marks, hyphens and spacing folded; Arabic script folded."""
    return _exact(name)


@lru_cache(maxsize=4096)
def stripped_key(name: str) -> str:
    """Exact key without articles: "Al-Baghuz Fawqani" → "baghuz fawqani", "الموصل" → "موصل"."""
    return _stripped(_exact(name))


@lru_cache(maxsize=4096)
def phonetic_key(name: str) -> str:
    """Transliteration variants folded together: "El-Foqaha", "Fuqaha", "Al Fuqahā'" → "fukaha"."""
    return _phonetic(_stripped(_exact(name)))
