"""Demo members: names, IDs and phone numbers, and who belongs to which unit."""
import datetime

from models import Member
from portal.demo.common import (
    CCCD_PROVINCE, CHUNK, _add_years, _as_of, _between, _weighted, date,
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

KINH_SURNAMES = (
    ["Nguyễn"] * 12 + ["Trần"] * 5 + ["Lê"] * 5 + ["Phạm"] * 4 + ["Hoàng"] * 2
    + ["Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh"]
)
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
            "Thành", "Tài", "Nghĩa", "Phong", "Hoàng", "Kiên", "Lực", "Tú", "Bảo"],
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


# --------------------------------------------------------------------------
# Members


class _People:
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
        surnames = KINH_SURNAMES if ethnicity == "Kinh" else NORTHERN_SURNAMES
        return (f"{rng.choice(surnames)} {rng.choice(KINH_MIDDLE[gender])} "
                f"{rng.choice(KINH_GIVEN[gender])}")

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


def _member_row(rng, people, unit, branch, village, card, as_of, name=None, ethnicity=None,
                gender=None):
    born_first, born_last, women, join_ages, earliest_join = PROFILE[unit]
    gender = gender or ("nu" if rng.random() < women else "nam")
    born = _between(rng, born_first, born_last)
    if ethnicity is None:
        ethnicity = _weighted(rng, ETHNIC_MIX[village.ethnic_groups])
    religion = _weighted(rng, RELIGION_MIX.get(ethnicity, RELIGION_MIX[None]))
    joined = _between(rng, max(_add_years(born, join_ages[0]), earliest_join),
                      min(_add_years(born, join_ages[1]), as_of - datetime.timedelta(days=20)))
    row = {
        "full_name": name or people.name(ethnicity, gender),
        "gender": gender,
        "date_of_birth": born,
        "ethnicity": ethnicity,
        "religion": religion,
        "citizen_id": people.citizen_id(born, gender),
        "phone": people.phone() if rng.random() < 0.9 else None,
        "village": village.id,
        "branch": branch.id,
        "card_number": card,
        "joined_on": joined,
        "status": "active",
        "left_on": None,
        "leave_reason": None,
        "party_introduced_on": None,
        "party_admitted_on": None,
    }
    _party(rng, row, unit, as_of)
    if rng.random() < 0.05:
        _leave(rng, row, unit, as_of)
    return row


def _party(rng, row, unit, as_of):
    born, joined = row["date_of_birth"], row["joined_on"]
    if unit == "CCB" and rng.random() < 0.45:
        # Admitted while serving in the army.
        admitted = _between(rng, _add_years(born, 19), _add_years(born, 25))
        row["party_introduced_on"] = admitted - datetime.timedelta(days=rng.randint(180, 360))
        row["party_admitted_on"] = admitted
        return
    chance = {"DOAN": 0.12, "LDLD": 0.15}.get(unit, 0.06)
    if rng.random() >= chance:
        return
    first = max(joined, _add_years(born, 18))
    last = as_of - datetime.timedelta(days=60)
    if first > last:
        return
    introduced = _between(rng, first, last)
    row["party_introduced_on"] = introduced
    admitted = introduced + datetime.timedelta(days=rng.randint(150, 420))
    if rng.random() < 0.7 and admitted <= as_of:
        row["party_admitted_on"] = admitted


def _leave(rng, row, unit, as_of):
    born, joined = row["date_of_birth"], row["joined_on"]
    if born.year < 1965:
        status = _weighted(rng, [("left", 30), ("moved", 15), ("deceased", 55)])
    else:
        status = _weighted(rng, [("left", 50), ("moved", 50)])
    left_on = _between(rng, joined + datetime.timedelta(days=1), as_of)
    reasons = LDLD_LEAVE.get(status) if unit == "LDLD" else None
    reason = rng.choice(reasons or LEAVE_REASONS[status])
    if unit == "DOAN" and status == "left":
        aged_out = _add_years(born, 30)
        if joined < aged_out <= as_of:
            left_on, reason = aged_out, "Trưởng thành Đoàn (quá 30 tuổi)"
    row.update(status=status, left_on=left_on, leave_reason=reason)


def _allocate(total):
    counts = {unit: total * share // 100 for unit, share in SHARE}
    counts["PHUNU"] += total - sum(counts.values())
    return counts


def _members(rng, branches, total):
    as_of = _as_of()
    people = _People(rng)
    counts = _allocate(total)
    cards = {unit: 0 for unit in CARD_PREFIX}
    rows = []

    def card(unit):
        cards[unit] += 1
        return f"{CARD_PREFIX[unit]}-64{cards[unit]:05d}"

    by_unit = {}
    for unit in ("PHUNU", "DOAN", "CCB", "LDLD"):
        unit_rows = []
        for i in range(counts[unit]):
            branch, homes = rng.choice(branches[unit])
            village = rng.choice(homes)
            forced = {}
            if unit == "PHUNU" and i == 0:
                forced = dict(name="Nguyễn Thị Hoa", ethnicity="Kinh", gender="nu")
            unit_rows.append(_member_row(rng, people, unit, branch, village, card(unit), as_of,
                                         **forced))
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
        row = dict(person, branch=branch.id, card_number=card("NONGDAN"))
        row["joined_on"] = _between(rng, max(_add_years(person["date_of_birth"], 18), date(1980, 1, 1)),
                                    as_of - datetime.timedelta(days=20))
        rows.append(row)
    for i in range(counts["NONGDAN"] - shared):
        branch, homes = rng.choice(branches["NONGDAN"])
        forced = dict(name="Đặng Văn Út", ethnicity="Kinh", gender="nam") if i == 0 else {}
        rows.append(_member_row(rng, people, "NONGDAN", branch, rng.choice(homes), card("NONGDAN"),
                                as_of, **forced))

    for row in rows:
        row["search_text"] = Member.search_document_for(row)
        row["version"] = 1
    for start in range(0, len(rows), CHUNK):
        Member.insert_many(rows[start:start + CHUNK]).execute()
    return len(rows), shared
