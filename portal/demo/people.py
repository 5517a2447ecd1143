"""Members: names, IDs and phone numbers, and who belongs to which unit.

`People` makes names and numbers, `MemberFactory` whole member records (as
dicts of column values); the demo and the generator (portal/generate) both
build their members from them.
"""
import datetime

from models import Member
from portal.demo.common import (
    CCCD_PROVINCE, CHUNK, Weighted, add_years, as_of, between, date,
)


# --------------------------------------------------------------------------
# Members: who they are and how many of each unit's.

SHARE = [("PHUNU", 30), ("NONGDAN", 24), ("DOAN", 18), ("LDLD", 17), ("CCB", 11)]
CARD_PREFIX = {"DOAN": "DV", "PHUNU": "PN", "NONGDAN": "ND", "CCB": "CCB", "LDLD": "CD"}
# unit → (born from, born to, share of women, joining age range, earliest join)
PROFILE = {
    "DOAN": (date(1993, 1, 1), date(2009, 6, 30), 0.52, (16, 19), date(2005, 1, 1)),
    "PHUNU": (date(1955, 1, 1), date(2007, 6, 30), 1.0, (18, 40), date(1976, 1, 1)),
    "NONGDAN": (date(1958, 1, 1), date(2002, 12, 31), 0.4, (18, 45), date(1980, 1, 1)),
    "CCB": (date(1945, 1, 1), date(1975, 12, 31), 0.08, (35, 55), date(1990, 1, 1)),
    "LDLD": (date(1968, 1, 1), date(2003, 6, 30), 0.5, (22, 32), date(1995, 1, 1)),
}

# Kinh family names with their approximate share of the population (per cent).
KINH_SURNAMES = Weighted([
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 3), ("Huỳnh", 2.1),
    ("Phan", 4.5), ("Vũ", 2), ("Võ", 1.9), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.8), ("Trương", 0.9), ("Lương", 0.4),
    ("Mai", 0.4), ("Cao", 0.4), ("Tạ", 0.2), ("Lâm", 0.3), ("Châu", 0.2), ("Kiều", 0.1),
])
NORTHERN_SURNAMES = ["Hoàng", "Nông", "Lò", "Bế", "Hà", "Lương", "Triệu", "Vi", "Lục", "Đinh"]
KINH_MIDDLE = {
    "nu": ["Thị"] * 8 + ["Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bích", "Hồng", "Diệu", "Thị Thu", "Thị Kim"],
    "nam": ["Văn"] * 6 + ["Đức", "Minh", "Quang", "Hữu", "Công", "Ngọc", "Xuân", "Thành", "Đình", "Văn Quốc"],
}
KINH_GIVEN = {
    "nu": ["Hoa", "Lan", "Hương", "Phượng", "Ánh", "Mai", "Hạnh", "Nhung", "Thủy", "Trang", "Linh",
           "Yến", "Hằng", "Dung", "Loan", "Hiền", "Ngân", "Thảo", "Tuyết", "Oanh", "Hà", "Vân",
           "Huệ", "Liên", "Nga", "Xuân", "Trinh", "Diễm", "Nhi", "Giang"],
    "nam": ["Út", "Thắng", "Hùng", "Dũng", "Tuấn", "Hải", "Nam", "Sơn", "Long", "Quân", "Tâm",
            "Phúc", "Lộc", "Bình", "Cường", "Toàn", "Hiếu", "Khánh", "Trung", "Đạt", "Vinh",
            "Thành", "Tài", "Nghĩa", "Phong", "Hoàng", "Kiên", "Lực", "Tú", "Bảo", "Đức"],
}
JRAI_CLANS = ["Rah Lan", "Ksor", "Siu", "Rơ Chăm", "Puih", "Kpă", "Nay", "Rơ Mah", "Rcom",
              "Kpuih", "Romah", "Rơ Lan", "Siu", "Ksor"]
JRAI_GIVEN = {
    "nu": ["Mai", "Dư", "Nhi", "Bian", "Lin", "Yăm", "Ngưi", "Blin", "Hơn", "Prăk", "Dun",
           "Ngoa", "Hiếu", "Thanh", "Jơn", "Lơk", "Djuai", "Phơ"],
    "nam": ["Blơng", "Ngơn", "Thuyên", "Chung", "Dơk", "Hyuk", "Ban", "Nguih", "Hlim", "Kun",
            "Yơn", "Khăl", "Phơn", "Thuk", "Aly", "Bek", "Djoan", "Tuấn", "Hiăo", "Đăm"],
}
BAHNAR_GIVEN = {
    "nu": ["Hyưk", "Blin", "Nhep", "Hmia", "Jen", "Hlach", "Plơi", "Lêh", "Năm", "Bia", "Ngúi", "Ul"],
    "nam": ["Bưng", "Glơ", "Hmok", "Nhứ", "Brêt", "Tuih", "Pơ", "Dúp", "Mlô", "Hyơn", "Kheo", "Bler"],
}

# What a village's "main ethnic groups" give as a member's ethnicity (official spelling).
ETHNIC_MIX = {
    "Jrai": [("Gia Rai", 88), ("Kinh", 10), ("Ba Na", 2)],
    "Bahnar": [("Ba Na", 88), ("Kinh", 10), ("Gia Rai", 2)],
    "Jrai, Kinh": [("Gia Rai", 55), ("Kinh", 45)],
    "Kinh, Jrai": [("Kinh", 60), ("Gia Rai", 40)],
    "Bahnar, Kinh": [("Ba Na", 50), ("Kinh", 50)],
    "Kinh": [("Kinh", 86), ("Tày", 4), ("Nùng", 4), ("Mường", 3), ("Thái", 3)],
}
RELIGION_MIX = {
    "Gia Rai": [("khong", 55), ("tin_lanh", 32), ("cong_giao", 13)],
    "Ba Na": [("khong", 45), ("cong_giao", 35), ("tin_lanh", 20)],
    "Kinh": [("khong", 58), ("phat_giao", 22), ("cong_giao", 16), ("cao_dai", 2), ("tin_lanh", 2)],
    None: [("khong", 85), ("phat_giao", 5), ("tin_lanh", 10)],
}
LEAVE_REASONS = {
    "left": ["Xin thôi sinh hoạt vì hoàn cảnh gia đình",
             "Không tham gia sinh hoạt thường xuyên, chi hội đề nghị xóa tên",
             "Tuổi cao, sức yếu, xin thôi sinh hoạt"],
    "moved": ["Chuyển nơi cư trú sang xã khác", "Đi làm ăn xa (Bình Dương)",
              "Kết hôn, chuyển về nơi ở mới", "Chuyển công tác"],
    "deceased": ["Từ trần do bệnh", "Từ trần do tuổi cao"],
}
LDLD_LEAVE = {"left": ["Nghỉ hưu theo chế độ", "Nghỉ việc, chấm dứt hợp đồng lao động"]}


# Drawn from once or twice per member: sum each table's weights once.
ETHNIC_MIX = {groups: Weighted(pairs) for groups, pairs in ETHNIC_MIX.items()}
RELIGION_MIX = {ethnicity: Weighted(pairs) for ethnicity, pairs in RELIGION_MIX.items()}
STATUS_OLD = Weighted([("left", 30), ("moved", 15), ("deceased", 55)])
STATUS_YOUNG = Weighted([("left", 50), ("moved", 50)])


# --------------------------------------------------------------------------
# Members


class People:
    """Names, IDs and phone numbers, never handing out the same ID twice."""

    def __init__(self, rng):
        self.rng = rng
        self.citizen_ids = set()
        self.phones = set()

    def name(self, ethnicity, gender):
        rng = self.rng
        if ethnicity == "Gia Rai":
            given = rng.choice(JRAI_GIVEN[gender])
            if gender == "nu" and rng.random() < 0.8:
                given = "H'" + given
            return f"{rng.choice(JRAI_CLANS)} {given}"
        if ethnicity == "Ba Na":
            middle = {"nu": "Thị", "nam": "Văn"}[gender]
            if rng.random() < 0.25:
                return f"Đinh {rng.choice(BAHNAR_GIVEN[gender])}"
            return f"Đinh {middle} {rng.choice(BAHNAR_GIVEN[gender])}"
        surname = KINH_SURNAMES.pick(rng) if ethnicity == "Kinh" else rng.choice(NORTHERN_SURNAMES)
        return f"{surname} {rng.choice(KINH_MIDDLE[gender])} {rng.choice(KINH_GIVEN[gender])}"

    def citizen_id(self, born, gender):
        digit = (0 if born.year < 2000 else 2) + (1 if gender == "nu" else 0)
        while True:
            value = f"{CCCD_PROVINCE}{digit}{born.year % 100:02d}{self.rng.randint(0, 999999):06d}"
            if value not in self.citizen_ids:
                self.citizen_ids.add(value)
                return value

    def phone(self):
        while True:
            value = self.rng.choice(["09", "03", "08", "07"]) + f"{self.rng.randint(0, 99999999):08d}"
            if value not in self.phones:
                self.phones.add(value)
                return value


class MemberFactory:
    """Member records that pass `Member.problems()` by construction.

    A record is a dict of Member field values (ids for branch and village), as
    `Member.insert_many` takes it; `branch` needs an `id`, `village` an `id`
    and its `ethnic_groups`.
    """

    def __init__(self, rng, until=None):
        self.rng = rng
        self.people = People(rng)
        self.as_of = until or as_of()
        self.cards = {unit: 0 for unit in CARD_PREFIX}

    def card(self, unit):
        self.cards[unit] += 1
        return f"{CARD_PREFIX[unit]}-64{self.cards[unit]:05d}"

    def row(self, unit, branch, village, name=None, ethnicity=None, gender=None):
        rng, as_of = self.rng, self.as_of
        born_first, born_last, women, join_ages, earliest_join = PROFILE[unit]
        gender = gender or ("nu" if rng.random() < women else "nam")
        born = between(rng, born_first, born_last)
        if ethnicity is None:
            ethnicity = ETHNIC_MIX[village.ethnic_groups].pick(rng)
        religion = RELIGION_MIX.get(ethnicity, RELIGION_MIX[None]).pick(rng)
        joined = between(rng, max(add_years(born, join_ages[0]), earliest_join),
                         min(add_years(born, join_ages[1]), as_of - datetime.timedelta(days=20)))
        row = {
            "full_name": name or self.people.name(ethnicity, gender),
            "gender": gender,
            "date_of_birth": born,
            "ethnicity": ethnicity,
            "religion": religion,
            "citizen_id": self.people.citizen_id(born, gender),
            "phone": self.people.phone() if rng.random() < 0.9 else None,
            "village": village.id,
            "branch": branch.id,
            "card_number": self.card(unit),
            "joined_on": joined,
            "status": "active",
            "left_on": None,
            "leave_reason": None,
            "party_introduced_on": None,
            "party_admitted_on": None,
        }
        self._party(row, unit)
        if rng.random() < 0.05:
            self._leave(row, unit)
        return row

    def second_record(self, person, unit, branch):
        """The same person (same citizen ID) joining a second organisation:
        a farmer's wife is in the Women's Union and the Farmers' Union."""
        row = dict(person, branch=branch.id, card_number=self.card(unit))
        row.pop("search_text", None)  # the card number changed
        earliest = max(add_years(person["date_of_birth"], 18), PROFILE[unit][4])
        row["joined_on"] = between(self.rng, earliest, self.as_of - datetime.timedelta(days=20))
        return row

    def _party(self, row, unit):
        rng, as_of = self.rng, self.as_of
        born, joined = row["date_of_birth"], row["joined_on"]
        if unit == "CCB" and rng.random() < 0.45:
            # Admitted while serving in the army.
            admitted = between(rng, add_years(born, 19), add_years(born, 25))
            row["party_introduced_on"] = admitted - datetime.timedelta(days=rng.randint(180, 360))
            row["party_admitted_on"] = admitted
            return
        chance = {"DOAN": 0.12, "LDLD": 0.15}.get(unit, 0.06)
        if rng.random() >= chance:
            return
        first = max(joined, add_years(born, 18))
        last = as_of - datetime.timedelta(days=60)
        if first > last:
            return
        introduced = between(rng, first, last)
        row["party_introduced_on"] = introduced
        admitted = introduced + datetime.timedelta(days=rng.randint(150, 420))
        if rng.random() < 0.7 and admitted <= as_of:
            row["party_admitted_on"] = admitted

    def _leave(self, row, unit):
        rng, as_of = self.rng, self.as_of
        born, joined = row["date_of_birth"], row["joined_on"]
        status = (STATUS_OLD if born.year < 1965 else STATUS_YOUNG).pick(rng)
        left_on = between(rng, joined + datetime.timedelta(days=1), as_of)
        reasons = LDLD_LEAVE.get(status) if unit == "LDLD" else None
        reason = rng.choice(reasons or LEAVE_REASONS[status])
        if unit == "DOAN" and status == "left":
            aged_out = add_years(born, 30)
            if joined < aged_out <= as_of:
                left_on, reason = aged_out, "Trưởng thành Đoàn (quá 30 tuổi)"
        row.update(status=status, left_on=left_on, leave_reason=reason)


def allocate(total, shares=SHARE):
    """{unit: members} for `total` members shared out by per-cent `shares`."""
    counts = {unit: total * share // 100 for unit, share in shares}
    counts["PHUNU"] += total - sum(counts.values())
    return counts


def members(rng, branches, total, until=None):
    """The demo's members, for {unit: [(branch, home villages)]}, dated up to `until`."""
    factory = MemberFactory(rng, until)
    counts = allocate(total)
    rows = []

    by_unit = {}
    for unit in ("PHUNU", "DOAN", "CCB", "LDLD"):
        unit_rows = []
        for i in range(counts[unit]):
            branch, homes = rng.choice(branches[unit])
            village = rng.choice(homes)
            forced = {}
            if unit == "PHUNU" and i == 0:
                forced = dict(name="Nguyễn Thị Hoa", ethnicity="Kinh", gender="nu")
            unit_rows.append(factory.row(unit, branch, village, **forced))
        by_unit[unit] = unit_rows
        rows.extend(unit_rows)

    # A farmer's wife is in the Women's Union and the Farmers' Union: the same
    # person (same citizen ID) with a record in each.
    farmer_branches = {}
    for branch, homes in branches["NONGDAN"]:
        farmer_branches.setdefault(branch.commune_id, []).append((branch, homes))
    branch_commune = {b.id: b.commune_id for b, _ in branches["PHUNU"]}
    candidates = [r for r in by_unit["PHUNU"]
                  if r["status"] == "active" and branch_commune[r["branch"]] in farmer_branches
                  and r["date_of_birth"].year >= 1958 and r["full_name"] != "Nguyễn Thị Hoa"]
    shared = min(max(3, total // 100), counts["NONGDAN"] // 4, len(candidates))
    for person in rng.sample(candidates, shared):
        branch, homes = rng.choice(farmer_branches[branch_commune[person["branch"]]])
        rows.append(factory.second_record(person, "NONGDAN", branch))
    for i in range(counts["NONGDAN"] - shared):
        branch, homes = rng.choice(branches["NONGDAN"])
        forced = dict(name="Đặng Văn Út", ethnicity="Kinh", gender="nam") if i == 0 else {}
        rows.append(factory.row("NONGDAN", branch, rng.choice(homes), **forced))

    for row in rows:
        row["search_text"] = Member.search_document_for(row)
        row.update(Member.sort_keys_for(row))
        row["version"] = 1
    for start in range(0, len(rows), CHUNK):
        Member.insert_many(rows[start:start + CHUNK]).execute()
    return len(rows), shared
