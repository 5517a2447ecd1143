"""Members at scale: a stream of rows for the bulk writer, and a tally per
commune-level unit and quarter of who joined, left and entered the Party, so
that the quarterly reports agree with the member records."""
import operator

from models import Member
from models.text import sort_key
from portal.demo.common import Weighted
from portal.demo.people import MemberFactory, allocate

# Share of the province's members per unit, in per cent: the Women's Union
# holds ~220,000 of a million (seed 000: 223.470 women members in Gia Lai).
SHARES = [("PHUNU", 22), ("NONGDAN", 27), ("DOAN", 25), ("LDLD", 18), ("CCB", 8)]
# PHUNU first: the Farmers' Union then takes some of its women as second records.
ORDER = ("PHUNU", "DOAN", "CCB", "LDLD", "NONGDAN")
# About one member record in a hundred is a second record of the same person.
SECOND_RECORDS = 0.01

FIELDS = ("full_name", "gender", "date_of_birth", "ethnicity", "religion", "citizen_id", "phone",
          "village", "branch", "card_number", "joined_on", "status", "left_on", "leave_reason",
          "party_introduced_on", "party_admitted_on", "full_name_key", "search_text", "version")
_VALUES = operator.itemgetter(*FIELDS[:-3])
PROGRESS_EVERY = 50000


class Tally:
    """Per reporting unit, counts by quarter slot: 0 before the first reported
    quarter, k for the k-th reported quarter (1-based)."""

    KEYS = ("joined", "left", "introduced", "admitted")

    def __init__(self, quarters):
        self.first = quarters[0][0] * 4 + quarters[0][1] - 1
        self.size = len(quarters) + 1
        self.counts = {}

    def _slot(self, day):
        return max(0, day.year * 4 + (day.month - 1) // 3 - self.first + 1)

    def add(self, reporter_id, row):
        counts = self.counts.get(reporter_id)
        if counts is None:
            counts = self.counts[reporter_id] = [[0] * self.size for _ in self.KEYS]
        counts[0][self._slot(row["joined_on"])] += 1
        if row["left_on"] is not None:
            counts[1][self._slot(row["left_on"])] += 1
        if row["party_introduced_on"] is not None:
            counts[2][self._slot(row["party_introduced_on"])] += 1
        if row["party_admitted_on"] is not None:
            counts[3][self._slot(row["party_admitted_on"])] += 1

    def figures(self, reporter_ids, k):
        """Member figures of the k-th reported quarter (0-based) summed over
        `reporter_ids`, as `ReportingPeriod.member_figures` would count them."""
        slot = k + 1
        new = left = introduced = admitted = total = 0
        for reporter_id in reporter_ids:
            counts = self.counts.get(reporter_id)
            if counts is None:
                continue
            joined, gone, intro, adm = counts
            new += joined[slot]
            left += gone[slot]
            introduced += intro[slot]
            admitted += adm[slot]
            total += sum(joined[:slot + 1]) - sum(gone[:slot + 1])
        return {"members_new": new, "members_left": left, "members_total": total,
                "party_introduced": introduced, "party_admitted": admitted}


def member_rows(rng, shape, total, tally, progress=None):
    """Tuples of FIELDS for `total` members spread over the shape's branches."""
    factory = MemberFactory(rng)
    counts = allocate(total, SHARES)
    # Women's Union members put aside, by commune, to join the Farmers' Union too.
    candidates = {}
    aside = min(1.0, 2 * SECOND_RECORDS * total / max(1, counts["PHUNU"]))
    second_chance = SECOND_RECORDS * total / max(1, counts["NONGDAN"])
    done = 0
    for unit in ORDER:
        branches = Weighted([((branch, homes), len(homes) * rng.uniform(0.5, 1.5))
                             for branch, homes in shape.branches[unit]])
        forced = {"PHUNU": dict(name="Nguyễn Thị Hoa", ethnicity="Kinh", gender="nu"),
                  "NONGDAN": dict(name="Đặng Văn Út", ethnicity="Kinh", gender="nam")}.get(unit, {})
        for _ in range(counts[unit]):
            branch, homes = branches.pick(rng)
            waiting = candidates.get(branch.commune_id) if unit == "NONGDAN" else None
            if waiting and rng.random() < second_chance:
                row = factory.second_record(waiting.pop(), unit, branch)
            else:
                row = factory.row(unit, branch, rng.choice(homes), **forced)
                forced = {}
                if (unit == "PHUNU" and row["status"] == "active"
                        and row["date_of_birth"].year >= 1958 and rng.random() < aside):
                    candidates.setdefault(branch.commune_id, []).append(row)
            tally.add(branch.reporter_id, row)
            yield _VALUES(row) + (sort_key(row["full_name"]), Member.search_document_for(row), 1)
            done += 1
            if progress and (done % PROGRESS_EVERY == 0 or done == total):
                progress("Hội viên", done, total)
