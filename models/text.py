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
