"""Names listed in Vietnamese alphabetical order, on both databases.

Sorting by the name itself follows code points ("Bùi" before "Bế", "Đ"
after "Z") and, on PostgreSQL, the database's locale. Each name gets a sort
key beside it (bytes: a BLOB on SQLite, bytea on PostgreSQL, compared byte by
byte everywhere): member.full_name_key, and name_key on organisations,
villages and administrative units. The member list's name indexes move to
the key. Existing rows are filled in here; the key is a frozen copy of
models.text.sort_key as it was written with this migration.
"""
import unicodedata

from peewee import PostgresqlDatabase

KEYS = (("member", "full_name", "full_name_key"), ("organisation", "name", "name_key"),
        ("village", "name", "name_key"), ("administrative_unit", "name", "name_key"))
BATCH = 2000

_PRIMARY_ORDER = (" _-–—,;:!?.…'\"()[]{}@*/\\&#%`^+<=>|~$0123456789"
                  "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
_PRIMARY = {char: bytes([0x03 + rank]) for rank, char in enumerate(_PRIMARY_ORDER)}
_VARIANTS = {"‘": ("'", 0x03, 0x02), "’": ("'", 0x05, 0x02), "“": ('"', 0x03, 0x02),
             "”": ('"', 0x04, 0x02), "\u00a0": (" ", 0x02, 0x03)}
_LETTER_MARKS = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
                 ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
_MARK = {mark: 0x06 + rank for rank, mark in enumerate(
    "\u0300\u0309\u0303\u0301\u0323\u0306\u0302\u030c\u030a\u0308\u030b\u0307\u0327\u0328\u0304")}
_COMMON, _UPPER, _OTHER = 0x02, 0x08, 0xFE


def _mark_weight(mark):
    weight = _MARK.get(mark)
    if weight is not None:
        return bytes([weight])
    return bytes([_OTHER]) + ord(mark).to_bytes(3, "big") + b"\xff"


def _weights(char):
    if char in _VARIANTS:
        base, second, third = _VARIANTS[char]
        return _PRIMARY[base], bytes([second]), bytes([third])
    if unicodedata.combining(char):
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


def _sort_key(text):
    if not text:
        return b""
    parts = [_weights(char) for char in unicodedata.normalize("NFC", str(text))]
    plain = bytes([_COMMON])
    return (b"".join(p[0] for p in parts) + b"\x01" + b"".join(p[1] for p in parts).rstrip(plain)
            + b"\x01" + b"".join(p[2] for p in parts).rstrip(plain))


def _fill(db, table, source, key):
    """Every row's key, a batch at a time in id order (a million members: one pass)."""
    mark, last = db.param, 0
    while True:
        rows = db.execute_sql(f'SELECT id, "{source}" FROM "{table}" WHERE id > {mark} '
                              f'ORDER BY id LIMIT {BATCH}', (last,)).fetchall()
        if not rows:
            return
        values = ", ".join([f"({mark}, {mark})"] * len(rows))
        params = [value for row_id, name in rows for value in (row_id, _sort_key(name))]
        db.execute_sql(f'WITH v(id, k) AS (VALUES {values}) UPDATE "{table}" SET "{key}" = v.k '
                       f'FROM v WHERE "{table}".id = v.id', params)
        last = rows[-1][0]


def up(migrator, db):
    # NOT NULL with an empty default: SQLite adds it without rebuilding the
    # table (peewee's add_not_null would copy a million rows and their triggers).
    blob, empty = ("BYTEA", "''::bytea") if isinstance(db, PostgresqlDatabase) else ("BLOB", "x''")
    for table, source, key in KEYS:
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{key}" {blob} NOT NULL DEFAULT {empty}')
        _fill(db, table, source, key)
    migrator.migrate(
        migrator.drop_index('member', 'member_branch_id_full_name'),
        migrator.drop_index('member', 'member_full_name_id'),
        migrator.drop_index('member', 'member_id_full_name'),
        migrator.add_index('member', ('branch_id', 'full_name_key')),
        migrator.add_index('member', ('full_name_key', 'id')),
        migrator.add_index('member', ('id', 'full_name_key')),
        migrator.add_index('organisation', ('name_key',)),
        migrator.add_index('village', ('name_key',)),
        migrator.add_index('administrative_unit', ('name_key',)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('administrative_unit', 'administrative_unit_name_key'),
        migrator.drop_index('village', 'village_name_key'),
        migrator.drop_index('organisation', 'organisation_name_key'),
        migrator.drop_index('member', 'member_id_full_name_key'),
        migrator.drop_index('member', 'member_full_name_key_id'),
        migrator.drop_index('member', 'member_branch_id_full_name_key'),
        migrator.add_index('member', ('branch_id', 'full_name')),
        migrator.add_index('member', ('full_name', 'id')),
        migrator.add_index('member', ('id', 'full_name')),
    )
    for table, _source, key in KEYS:
        db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{key}"')
