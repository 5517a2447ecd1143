"""People reached, each counted once: member records matched by citizen ID.

Member figures add memberships: a woman farmer in the Women's Union and the
Farmers' Union is two members. "People reached" counts her once, matched by
citizen ID (CCCD). A record without a citizen ID cannot be matched with any
other, so it counts as one person.

Any subtree's count comes from two reads that grow with the few, not with
the province: the records per branch on the date (counts the database keeps,
less the records that were not members then) and the records of the citizen
IDs held more than once (about one record in a hundred). The rest is plain
arithmetic over those, in Python, without Flask:

    people(subtree) = records in the subtree
                      − Σ over shared IDs (records of that ID in the subtree − 1)
"""
import datetime
from collections import Counter
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from peewee import SQL, PostgresqlDatabase, Select, fn

from models import Member, MemberCount, Organisation, db
from models.reporting import quarter_end
from portal.reporting.totals import units_under

# PostgreSQL: the citizen IDs held by more than one record in all, kept by
# migration 0024; an ID held twice on some day is among them.
HELD_TWICE_IN_ALL = SQL("(SELECT citizen_id FROM citizen_record WHERE records > 1)")


@dataclass(frozen=True)
class Reach:
    """One subtree's member records and the people behind them."""
    memberships: int = 0
    people: int = 0
    without_id: int = 0


@dataclass
class Records:
    """What the database says at a date: {branch id: (records, records with an
    ID)}, [(citizen ID, [branch id of each record])] of every ID held by more
    than one record, and {organisation id: path}."""
    per_branch: dict
    shared: list
    paths: dict


# --- reading -----------------------------------------------------------------------------

def read_records(day=None, per_branch=True):
    """The records per branch, the shared IDs and the tree's paths, for
    memberships on `day`; without `per_branch`, only the shared IDs (all the
    list of people in several organisations needs)."""
    day = day or datetime.date.today()
    counts = branch_records(day) if per_branch else {}
    return Records(counts, shared_records(Member.in_membership_on(day)), dict(
        Organisation.select(Organisation.id, Organisation.path).tuples()))


def branch_records(day):
    """{branch id: (records, records with an ID)} of the members on `day`:
    the kept counts (migrations 0020, 0025) less the records that were not
    members then, read in one statement so that both are of one moment."""
    # Grouped by an expression, not the column: SQLite (no statistics kept)
    # would otherwise walk the branch index for the grouping's order, every
    # record of the province, instead of the date index's few.
    branch = Member.branch + 0

    def less(condition):
        return (Member.select(branch, fn.COUNT(SQL("*")) * -1, fn.COUNT(Member.citizen_id) * -1)
                .where(condition).group_by(branch))

    counted = (MemberCount.select(MemberCount.organisation_id, MemberCount.members, MemberCount.with_id)
               .union_all(less(Member.joined_on > day))
               .union_all(less((Member.left_on <= day)
                               & (Member.joined_on.is_null() | (Member.joined_on <= day))))
               .alias("counted"))
    records = fn.SUM(counted.c.members)
    query = (Select([counted], [counted.c.organisation_id, records, fn.SUM(counted.c.with_id)])
             .group_by(counted.c.organisation_id).having(records > 0).bind(db))
    return {branch: (int(total), int(with_id)) for branch, total, with_id in query.tuples()}


def shared_records(member):
    """(citizen ID, [branch id of each record]) of every ID held by more than
    one record satisfying `member`.

    Each database gets the shape it runs fastest, both from the (citizen_id,
    branch_id, joined_on, left_on) index alone: COUNT(*), not COUNT(id),
    which a PostgreSQL index does not hold. PostgreSQL looks up only the IDs
    held more than once in all (migration 0024: 50.000 of 4,95 million at
    five million members, 0,2 s instead of grouping every record, 1,3 s)
    and gathers each one's branches as an array. SQLite groups its index
    (0,18 s at a million) and looks the IDs found up again (gathering every
    ID's branches as text: 0,28 s). The rows come from the cursor as they
    are: converting 50.000 of them field by field cost more than the query."""
    held_twice = (Member.select(Member.citizen_id)
                  .where(Member.citizen_id.is_null(False), member)
                  .group_by(Member.citizen_id).having(fn.COUNT(SQL("*")) > 1))
    if isinstance(db.obj, PostgresqlDatabase):
        return db.execute(held_twice.where(Member.citizen_id.in_(HELD_TWICE_IN_ALL))
                          .select_extend(fn.ARRAY_AGG(Member.branch))).fetchall()
    rows = db.execute(Member.select(Member.citizen_id, Member.branch)
                      .where(Member.citizen_id.in_(held_twice), member)
                      .order_by(Member.citizen_id))
    return [(citizen_id, [branch for _, branch in held])
            for citizen_id, held in groupby(rows, key=itemgetter(0))]


# --- counting ----------------------------------------------------------------------------

def count_people(subtrees, records):
    """{key: Reach} for `subtrees` ({key: node path}): each subtree's member
    records and the distinct people among them."""
    keys_at = {}
    for key, path in subtrees.items():
        keys_at.setdefault(path, []).append(key)
    keys_of = {}

    def keys_holding(branch):
        # A node lies in the subtrees of the nodes on its own path.
        if branch not in keys_of:
            parts = [part for part in records.paths.get(branch, "").split("/") if part]
            keys_of[branch] = [key for depth in range(1, len(parts) + 1)
                               for key in keys_at.get("/" + "/".join(parts[:depth]) + "/", ())]
        return keys_of[branch]

    memberships, without_id, repeated = (dict.fromkeys(subtrees, 0) for _ in range(3))
    for branch, (total, with_id) in records.per_branch.items():
        for key in keys_holding(branch):
            memberships[key] += total
            without_id[key] += total - with_id
    for _citizen_id, branches in records.shared:
        held = Counter(key for branch in branches for key in keys_holding(branch))
        for key, count in held.items():
            repeated[key] += count - 1
    return {key: Reach(memberships[key], memberships[key] - repeated[key], without_id[key])
            for key in subtrees}


def reached(selection, today=None):
    """(day, row units, {organisation id: Reach}) for a totals page selection:
    its parent's subtree and each row unit's, counted at the end of the
    selection's last quarter (today, while that quarter runs)."""
    day = min(quarter_end(*selection.quarters[-1]), today or datetime.date.today())
    units = units_under(selection.parent, selection.quarters)
    subtrees = {unit.id: unit.path for unit in units} | {selection.parent.id: selection.parent.path}
    return day, units, count_people(subtrees, read_records(day))


# --- people in more than one organisation -----------------------------------------------

def unit_path(path):
    """The provincial unit's path ("/1/4/") of any node's path ("/1/4/77/912/")."""
    return "/" + "/".join([part for part in path.split("/") if part][:2]) + "/"


def in_several_units(records, scope_path=None):
    """{citizen ID: [branch path of each record]} of the people whose records
    inside `scope_path` (None: everywhere) lie in two or more provincial units.

    Only records inside the scope are looked at, so a person is listed only
    when the caller may see every record that made the person appear."""
    held = {}
    for citizen_id, branches in records.shared:
        for branch in branches:
            path = records.paths.get(branch, "")
            if scope_path is None or path.startswith(scope_path):
                held.setdefault(citizen_id, []).append(path)
    return {citizen_id: paths for citizen_id, paths in held.items()
            if len({unit_path(path) for path in paths}) > 1}
