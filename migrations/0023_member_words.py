"""PostgreSQL: each member's words, one row each with the member's sort key.

A one-word search of the whole province ("dang") shows how many members
match and the first of them in name order. Through the prefix index of 0014
that means reading every match from the member table for its sort key and
to check it is visible: 14.457 matches on 11.336 of 27.800 pages, about
25 ms of the page's 40 at a million members and 270 ms at five million.
PostgreSQL's GIN indexes cannot answer from the index alone.

`member_word` holds each distinct word of a member's `search_text` that
starts with a letter (a word of digits, a citizen id or a card number, can
never start a query word of letters, and such queries keep the prefix index),
cut at WORD_MAX characters, beside the member's `full_name_key` and branch.
A query word w is then the range w <= word < w', w' being w with its last
letter advanced, in the B-tree (word, sort_key, member_id) that also carries
the branch: the matches, the whole province's or an editor's section's, come
out of the index alone (an index-only scan).

A member may hold two words in one range ("Hoa Hoàng" for "hoa"); counting
members, not words, would mean a DISTINCT over every match (28 ms of 72.000
matches at five million members). Each row also keeps `shared`, how many
leading characters its word shares with the member's word before it in byte
order. A member's words in the range of w are consecutive in that order and
all start with w, so exactly one of them, the first, shares fewer than
len(w) characters with the word before it: `shared < len(w)` keeps each
member once. The count is then a count of index entries and the first
thousand in name order a top-N of them (models/search.py: word_matches).

Several query words keep the prefix index: it intersects the words' lists
(7 ms for "nguyen thi hoa"), where this table would read every member one
word names ("hoa" heads 52.000 words, among them every "hoang").

Kept by triggers, in the transaction of the write itself, as the member
counts of 0020 are (every writer passes them). Inserts and deletes by
statement triggers over the transition tables (a COPY of 20.000 members is
one insert of their words); an edit by a row trigger that fires only when
the words, the sort key or the branch change. TRUNCATE empties it too.

The word column sorts in "C" order whatever the database's locale: the
range's ends are compared byte by byte, as the folded words ([a-z0-9]) need.
A word is cut at WORD_MAX characters so that no index entry can outgrow a
B-tree page (about 2.700 bytes) and refuse a member's save; a query word up
to that length is matched exactly by the cut words.

SQLite: nothing (its FTS5 table already answers from the index).
"""
from peewee import SqliteDatabase

# Also in models/search.py, which cannot be imported here (frozen history).
WORD_MAX = 100

# A member's kept words, from `source` (rows with id, full_name_key, branch_id
# and search_text), each with how many leading characters it shares with the
# member's word before it in byte order (`shared`, 0 for the first).
WORDS = f"""INSERT INTO member_word (word, sort_key, member_id, branch_id, shared)
            SELECT word, full_name_key, id, branch_id,
                   common_prefix_length(lag(word) OVER (PARTITION BY id ORDER BY word), word)
            FROM (SELECT DISTINCT left(word, {WORD_MAX}) COLLATE "C" AS word, m.full_name_key, m.id, m.branch_id
                  FROM {{source}} AS m, unnest(string_to_array(m.search_text, ' ')) AS word
                  WHERE word ~ '^[a-z]') AS words"""

POSTGRES = [
    """CREATE FUNCTION common_prefix_length(a text, b text) RETURNS integer
       LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
       DECLARE
         n integer := 0;
         shortest integer;
       BEGIN
         IF a IS NULL OR b IS NULL THEN
           RETURN 0;
         END IF;
         shortest := least(length(a), length(b));
         WHILE n < shortest AND substr(a, n + 1, 1) = substr(b, n + 1, 1) LOOP
           n := n + 1;
         END LOOP;
         RETURN n;
       END $$""",
    f"""CREATE FUNCTION member_word_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {WORDS.format(source="member_word_new")};
         RETURN NULL;
       END $$""",
    """CREATE FUNCTION member_word_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         DELETE FROM member_word AS w USING member_word_old AS m WHERE w.member_id = m.id;
         RETURN NULL;
       END $$""",
    f"""CREATE FUNCTION member_word_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         DELETE FROM member_word WHERE member_id = OLD.id;
         {WORDS.format(source="(SELECT NEW.id, NEW.full_name_key, NEW.branch_id, NEW.search_text)")};
         RETURN NULL;
       END $$""",
    """CREATE FUNCTION member_word_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         TRUNCATE member_word;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER member_word_insert AFTER INSERT ON member
       REFERENCING NEW TABLE AS member_word_new
       FOR EACH STATEMENT EXECUTE FUNCTION member_word_inserted()""",
    """CREATE TRIGGER member_word_delete AFTER DELETE ON member
       REFERENCING OLD TABLE AS member_word_old
       FOR EACH STATEMENT EXECUTE FUNCTION member_word_deleted()""",
    """CREATE TRIGGER member_word_change AFTER UPDATE OF id, search_text, full_name_key, branch_id ON member
       FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id
                          OR OLD.search_text IS DISTINCT FROM NEW.search_text
                          OR OLD.full_name_key IS DISTINCT FROM NEW.full_name_key
                          OR OLD.branch_id IS DISTINCT FROM NEW.branch_id)
       EXECUTE FUNCTION member_word_changed()""",
    """CREATE TRIGGER member_word_truncate AFTER TRUNCATE ON member
       FOR EACH STATEMENT EXECUTE FUNCTION member_word_truncated()""",
]


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    # No foreign key: the rows come and go with their member by the triggers.
    db.execute_sql('CREATE TABLE member_word (word text COLLATE "C" NOT NULL, sort_key bytea NOT NULL, '
                   "member_id integer NOT NULL, branch_id integer NOT NULL, shared integer NOT NULL)")
    # Filled before the triggers exist, in the migration's own transaction:
    # no member written in between can be missed or written twice.
    db.execute_sql("LOCK TABLE member IN SHARE MODE")
    db.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
    db.execute_sql(POSTGRES[0])
    db.execute_sql(WORDS.format(source="member"))
    db.execute_sql("CREATE INDEX member_word_search ON member_word (word, sort_key, member_id) "
                   "INCLUDE (branch_id, shared)")
    # The triggers find a member's words by it. Not a unique (member_id, word)
    # key: the words are distinct as written, and a member's four or so
    # entries share one deduplicated entry here (25 MB instead of 131 at 1M).
    db.execute_sql("CREATE INDEX member_word_member ON member_word (member_id)")
    for statement in POSTGRES[1:]:
        db.execute_sql(statement)
    db.execute_sql("ANALYZE member_word")


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    for name in ("insert", "delete", "change", "truncate"):
        db.execute_sql(f"DROP TRIGGER IF EXISTS member_word_{name} ON member")
    for name in ("inserted", "deleted", "changed", "truncated"):
        db.execute_sql(f"DROP FUNCTION IF EXISTS member_word_{name}()")
    db.execute_sql("DROP TABLE IF EXISTS member_word")
    db.execute_sql("DROP FUNCTION IF EXISTS common_prefix_length(text, text)")
