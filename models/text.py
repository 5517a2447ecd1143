"""Accent- and case-folding for Vietnamese search.

Unicode gives Đ/đ no decomposition, so NFD alone leaves "Đặng" as "đang":
it is folded to d explicitly. The search document is the folded words of a
record joined by single spaces with a leading space, so " term" matches the
start of a word on every database.
"""
import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")


def fold(text):
    if not text:
        return ""
    text = str(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def search_terms(text):
    return _WORD.findall(fold(text))


def search_document(*values):
    words = search_terms(" ".join(str(v) for v in values if v not in (None, "")))
    return " " + " ".join(words) + " " if words else ""


# --- Vietnamese alphabetical order --------------------------------------------
#
# Code-point order puts "Bùi" before "Bế" and "Đ" after "Z". sort_key() gives
# bytes that compare, byte by byte (SQLite BLOB, PostgreSQL bytea, Python
# bytes alike, whatever the database locale), as ICU's `vi` collator orders
# the text: first the letters, with ă â đ ê ô ơ ư as letters of their own;
# then the tones (none, huyền, hỏi, ngã, sắc, nặng) from left to right; then
# the case. Each level is a run of one-byte weights; LEVEL_END is below every
# weight, so a shorter name sorts before a longer one it begins.

LEVEL_END = b"\x01"
# Whitespace, the punctuation of names and codes, digits and letters in the
# order of ICU's root collation tailored for `vi` (checked in tests/test_collation.py).
_PRIMARY_ORDER = (" _-–—,;:!?.…'\"()[]{}@*/\\&#%`^+<=>|~$0123456789"
                  "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
_PRIMARY = {char: bytes([0x03 + rank]) for rank, char in enumerate(_PRIMARY_ORDER)}
# Characters that ICU weighs as another at the first level: curly quotes
# differ from straight ones at the second, a no-break space at the third.
_VARIANTS = {"‘": ("'", 0x03, 0x02), "’": ("'", 0x05, 0x02), "“": ('"', 0x03, 0x02),
             "”": ('"', 0x04, 0x02), "\u00a0": (" ", 0x02, 0x03)}
# Letters that `vi` makes letters of their own: base + mark → letter.
_LETTER_MARKS = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
                 ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
# Second level: the five tones in dictionary order, then other marks (of
# Bahnar ĕ ŏ ŭ, of foreign names) in the root collation's order.
_MARK_ORDER = ("\u0300\u0309\u0303\u0301\u0323"
               "\u0306\u0302\u030c\u030a\u0308\u030b\u0307\u0327\u0328\u0304")
_COMMON = 0x02
_MARK = {mark: 0x06 + rank for rank, mark in enumerate(_MARK_ORDER)}
_UPPER = 0x08
_OTHER = 0xFE  # any other character: after the letters, by code point


def _weights(char):
    """(primary bytes, second-level weights, third-level weights) of one character."""
    if char in _VARIANTS:
        base, second, third = _VARIANTS[char]
        return _PRIMARY[base], bytes([second]), bytes([third])
    if unicodedata.combining(char):  # a mark left over after NFC: no letter of its own
        return b"", _mark_weight(char), bytes([_COMMON])
    lower = char.lower()
    third = _UPPER if char != lower and len(lower) == 1 else _COMMON
    base, *marks = unicodedata.normalize("NFD", lower)
    for mark in marks:
        letter = _LETTER_MARKS.get((base, mark))
        if letter:
            base = letter
            marks.remove(mark)
            break
    primary = _PRIMARY.get(base)
    if primary is None:
        return bytes([_OTHER]) + ord(char).to_bytes(3, "big"), bytes([_COMMON]), bytes([_COMMON])
    second = bytes([_COMMON]) + b"".join(_mark_weight(mark) for mark in marks)
    return primary, second, bytes([third]) + bytes([_COMMON]) * len(marks)


def _mark_weight(mark):
    weight = _MARK.get(mark)
    if weight is not None:
        return bytes([weight])
    # Ends in 0xFF so that dropping trailing plain weights never cuts it short.
    return bytes([_OTHER]) + ord(mark).to_bytes(3, "big") + b"\xff"


_WORDS = {}
_WORDS_HELD = 200000
_SPACE = _PRIMARY[" "]
_PLAIN = bytes([_COMMON])


def _word(word):
    """The three levels of one space-free run: names reuse few words, so
    they are worked out once each (a million names in a few seconds)."""
    levels = _WORDS.get(word)
    if levels is None:
        parts = [_weights(char) for char in word]
        levels = tuple(b"".join(part[level] for part in parts) for level in range(3))
        if len(_WORDS) >= _WORDS_HELD:
            _WORDS.clear()
        _WORDS[word] = levels
    return levels


def sort_key(text):
    """Bytes that sort `text` in Vietnamese alphabetical order (ICU `vi`)."""
    if not text:
        return b""
    words = [_word(word) for word in unicodedata.normalize("NFC", str(text)).split(" ")]
    # A space weighs _SPACE first, then plain at the two other levels.
    # Trailing plain weights are dropped: with the letters equal, they
    # cannot change the order, and most names end in them.
    return (_SPACE.join([w[0] for w in words]) + LEVEL_END
            + _PLAIN.join([w[1] for w in words]).rstrip(_PLAIN) + LEVEL_END
            + _PLAIN.join([w[2] for w in words]).rstrip(_PLAIN))
