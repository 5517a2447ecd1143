"""PostgreSQL search: every prefix of every word, indexed as a word of its own.

The pg_trgm index of 0002 answered `search_text LIKE '% nguyen%'` by
intersecting trigram lists and rechecking each candidate row: 64 ms for
"nguyen thi hoa" over a million members. A tsvector queried with prefix
terms ('nguyen':*) needs no recheck, but GIN answers a prefix term by
gathering every list of every word starting with it into one bitmap: still
26 ms, as "thi" alone spans half the table.

So, as SQLite's FTS5 indexes prefixes of 1 to 7 letters (0009), the index
holds every word of `search_text` and each of its prefixes up to 7 letters
(the longest Vietnamese syllable): " nguyen thi " → n ng ngu nguy nguye
nguyen t th thi. A query word of up to 7 letters is then one exact entry
('nguyen' & 'thi' & 'hoa': 7 ms, GIN skips through the long lists using the
short one); a longer one ('064190738':*) can only start a whole word longer
than 7 characters, so a prefix match over the whole words answers it.
models/search.py issues exactly that query.

The words are the folded text's own ([a-z0-9]+ split on single spaces),
taken as lexemes as they are (array_to_tsvector, no text-search parser: the
parser reads "1e5" or "1-2" its own way). Two limits of tsvector are kept
inside: a lexeme is cut at 2047 characters (models/search.py cuts a query
word likewise) and words past about 1 MB of lexemes are left out, so no
record is ever refused for being too long to index.

The index is built on the expression, not stored in a column: the rows keep
their size, and nothing but the index changes for the application or the
bulk generator (which drops and recreates indexes by their definition).
A plain CREATE INDEX, not CONCURRENTLY: a migration runs in a transaction.

Two settings, both measured on a million members (2 cores):
- The function is declared PARALLEL RESTRICTED, so a search is never a
  parallel scan: starting two workers to share 14.000 matching rows ("dang")
  cost more than they saved (count 23 ms, page 33 ms; 7 and 12 ms alone).
- fastupdate off: a new or edited row goes into the index at once instead of
  into a pending list that every search then reads through (up to 4 MB:
  "dang" took 5 ms in the index instead of 2 after a 10.000-member import),
  and no insert pays for flushing that list. An import of 10.000 members
  takes about 1 s longer (3 s instead of 2).

SQLite: nothing (its FTS5 tables already answer this way).
"""
from peewee import SqliteDatabase

TABLES = (
    "administrative_unit", "village", "organisation", "member",
    "directive", "campaign", "twinning_link", "indicator",
)
# Also in models/search.py, which cannot be imported here (frozen history).
PREFIX_LENGTH = 7
LEXEME_MAX = 2047
LEXEMES_BYTES_MAX = 1000000

FUNCTION = f"""
CREATE FUNCTION search_prefixes(document text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL RESTRICTED AS $$
DECLARE
    word text;
    length_of_word integer;
    lexemes text[] := '{{}}';
    bytes integer := 0;
BEGIN
    FOREACH word IN ARRAY string_to_array(btrim(document), ' ') LOOP
        CONTINUE WHEN word = '';
        word := left(word, {LEXEME_MAX});
        length_of_word := length(word);
        -- An upper bound of what this word adds (its prefixes and itself).
        bytes := bytes + length_of_word + {PREFIX_LENGTH * (PREFIX_LENGTH + 1) // 2};
        EXIT WHEN bytes > {LEXEMES_BYTES_MAX};
        FOR n IN 1 .. least(length_of_word, {PREFIX_LENGTH}) LOOP
            lexemes := lexemes || left(word, n);
        END LOOP;
        IF length_of_word > {PREFIX_LENGTH} THEN
            lexemes := lexemes || word;
        END IF;
    END LOOP;
    RETURN array_to_tsvector(lexemes);
END
$$
"""


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    db.execute_sql(FUNCTION)
    db.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
    for table in TABLES:
        db.execute_sql(f"DROP INDEX IF EXISTS {table}_search_trgm")
        db.execute_sql(
            f"CREATE INDEX {table}_search_prefixes ON {table} USING gin (search_prefixes(search_text)) "
            "WITH (fastupdate = off)")
        # The planner's estimate of how many rows a search matches comes from
        # the statistics of the indexed expression, gathered by ANALYZE.
        db.execute_sql(f"ANALYZE {table}")


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    for table in TABLES:
        db.execute_sql(f"DROP INDEX IF EXISTS {table}_search_prefixes")
        db.execute_sql(f"CREATE INDEX {table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)")
    db.execute_sql("DROP FUNCTION IF EXISTS search_prefixes(text)")
