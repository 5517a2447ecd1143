"""Demo data: a believable Gia Lai province for trying the portal.

`build()` fills a freshly migrated database (`flask db upgrade`) with communes
and villages, the organisation tree of the six bloc units, members, the
directives and campaigns named in the provincial news (see
shared/seeds/), twinning links and one demo account per role. Everything but
the passwords is deterministic for a given seed, and every member record is
valid by construction (`Member.problems()` finds nothing).

Dates are generated up to AS_OF (or today, if earlier), so that the data does
not depend on the day it is built.
"""
import datetime
import random
import secrets

from models import (
    AdministrativeUnit, Campaign, CampaignParticipant, CampaignResult, Directive,
    DirectiveAssignment, ImplementationReport, Member, Organisation, OrganisationChange,
    Setting, TwinningActivity, TwinningLink, User, Village, db,
)

date = datetime.date

AS_OF = date(2025, 9, 30)
BASE_CODES = ("KHOI", "MTTQ", "DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD")
CHUNK = 500
# The three-digit province code that opens Gia Lai citizen ID numbers.
CCCD_PROVINCE = "064"
# Nghị quyết 137/NQ-HĐND: villages merged from the start of 2019.
VILLAGE_MERGE_DAY = date(2019, 1, 1)
# Districts were abolished and thị trấn turned into xã on 1 July 2025.
COMMUNE_REFORM_DAY = date(2025, 7, 1)


class AlreadySeeded(Exception):
    """The database is not empty: demo data goes only into a fresh installation."""


class NotMigrated(AlreadySeeded):
    """The bloc's seven base organisations are missing: run `flask db upgrade` first.

    A subclass of AlreadySeeded so that `seed-demo` reports it as a plain error.
    """


# --------------------------------------------------------------------------
# Geography: communes after the 2025 reform, and their villages.
# (code, slug used in organisation codes, kind, name, villages)
# village: (name, kind, main ethnic groups as the commune writes them)

COMMUNES = [
    ("XA01", "IAGRAI", "xa", "Ia Grai", [
        ("Plei Ko Tu", "plei", "Jrai"), ("Làng Kép", "lang", "Jrai"),
        ("Thôn 3", "thon", "Kinh"), ("Plei Bông", "plei", "Jrai"),
        ("Plei Ia Lâm", "plei", "Jrai, Kinh"),
    ]),
    ("XA02", "IAHRUNG", "xa", "Ia Hrung", [
        ("Làng Dăng", "lang", "Jrai"), ("Plei Kó", "plei", "Jrai"),
        ("Thôn Đoàn Kết", "thon", "Kinh"), ("Plei Pông", "plei", "Jrai"),
        ("Thôn 1", "thon", "Kinh, Jrai"),
    ]),
    ("XA03", "CHUPAH", "xa", "Chư Păh", [
        ("Làng Pan", "lang", "Jrai"), ("Làng Bui", "lang", "Jrai"),
        ("Thôn 2", "thon", "Kinh"), ("Plei Thơ Ga", "plei", "Jrai"),
        ("Làng Ia Ker", "lang", "Jrai, Kinh"),
    ]),
    ("XA04", "IALY", "xa", "Ia Ly", [
        ("Plei Ia Lang", "plei", "Jrai"), ("Làng Mơ Nang 1", "lang", "Jrai"),
        ("Làng Mơ Nang 2", "lang", "Jrai"), ("Thôn 4", "thon", "Kinh"),
        ("Plei Mun", "plei", "Jrai"),
    ]),
    ("XA05", "DAKDOA", "xa", "Đak Đoa", [
        ("Làng Kon Sơ Lăl", "lang", "Bahnar"), ("Làng Đê Kôp", "lang", "Bahnar"),
        ("Làng Groi", "lang", "Bahnar"), ("Thôn Tân Lập", "thon", "Kinh"),
        ("Làng Ktu", "lang", "Bahnar, Kinh"),
    ]),
    ("XA06", "PLEIKU", "phuong", "Pleiku", [
        ("Tổ dân phố 1", "to_dan_pho", "Kinh"), ("Tổ dân phố 2", "to_dan_pho", "Kinh"),
        ("Tổ dân phố 3", "to_dan_pho", "Kinh"), ("Plei Ốp", "plei", "Jrai, Kinh"),
        ("Tổ dân phố 5", "to_dan_pho", "Kinh"),
    ]),
    ("XA07", "HOIPHU", "phuong", "Hội Phú", [
        ("Tổ dân phố 4", "to_dan_pho", "Kinh"), ("Plei Tông Goh", "plei", "Jrai"),
        ("Làng Chuét", "lang", "Jrai"), ("Tổ dân phố 7", "to_dan_pho", "Kinh"),
        ("Tổ dân phố 9", "to_dan_pho", "Kinh"),
    ]),
    ("XA08", "KONGCHRO", "xa", "Kông Chro", [
        ("Làng Đăk Pơ Kao", "lang", "Bahnar"), ("Làng Tơ Nùng", "lang", "Bahnar"),
        ("Làng Hle Lăng", "lang", "Bahnar"), ("Làng Bơ Luk", "lang", "Bahnar"),
        ("Thôn Hà Đông", "thon", "Bahnar, Kinh"),
    ]),
    ("XA09", "CHUSE", "xa", "Chư Sê", [
        ("Plei Ia Ring", "plei", "Jrai"), ("Plei Keo", "plei", "Jrai"),
        ("Thôn Hòa Bình", "thon", "Kinh"), ("Plei Kte", "plei", "Jrai"),
        ("Plei Dư", "plei", "Jrai, Kinh"),
    ]),
    ("XA10", "IAPA", "xa", "Ia Pa", [
        ("Buôn Bir", "buon", "Jrai"), ("Buôn Tang", "buon", "Jrai"),
        ("Plei Ơi", "plei", "Jrai"), ("Thôn Bi Giông", "thon", "Jrai, Kinh"),
        ("Plei Toan", "plei", "Jrai"),
    ]),
    ("XA11", "KBANG", "xa", "Kbang", [
        ("Làng Kon Lốc 1", "lang", "Bahnar"), ("Làng Lợk", "lang", "Bahnar"),
        ("Làng Kon Von 2", "lang", "Bahnar"), ("Thôn 6", "thon", "Kinh"),
        ("Làng Đăk Asel", "lang", "Bahnar"),
    ]),
    ("XA12", "DAKPO", "xa", "Đak Pơ", [
        ("Làng Bung", "lang", "Bahnar"), ("Làng Đê Ktu", "lang", "Bahnar"),
        ("Thôn An Định", "thon", "Kinh"), ("Làng Kuk Đak", "lang", "Bahnar, Kinh"),
        ("Thôn Tân Hiệp", "thon", "Kinh"),
    ]),
]
# A thị trấn that became part of xã Ia Grai in the 2025 reform.
FORMER_TOWN = ("XA13", "Ia Kha", "XA01")
# A village merged into Làng Kép under Nghị quyết 137/NQ-HĐND.
MERGED_VILLAGE = ("Plei Ia Pết", "plei", "Jrai", "IAGRAI", "Làng Kép")

UNIT_KIND_WORD = {"xa": "xã", "phuong": "phường", "thi_tran": "thị trấn"}

# --------------------------------------------------------------------------
# The organisation tree under each bloc unit.
# communes: where the unit has a commune-level unit; per: branches in each;
# offset: which of the commune's villages the first branch serves.

TREE = {
    "MTTQ": dict(communes=["IAGRAI", "CHUPAH", "PLEIKU", "KONGCHRO"], per=3, offset=2,
                 commune="Ủy ban MTTQ Việt Nam {where}", branch="Ban công tác Mặt trận {village}",
                 tag="BCT", since=(1977, 1995)),
    "DOAN": dict(communes=["IAGRAI", "IALY", "PLEIKU", "CHUSE"], per=4, offset=1,
                 commune="Đoàn TNCS Hồ Chí Minh {where}", branch="Chi đoàn {village}",
                 tag="CD", since=(1976, 1990)),
    "PHUNU": dict(communes=["IAGRAI", "IAHRUNG", "DAKDOA", "PLEIKU", "KONGCHRO"], per=4, offset=0,
                  commune="Hội Liên hiệp Phụ nữ {where}", branch="Chi hội Phụ nữ {village}",
                  tag="CH", since=(1976, 1992)),
    "NONGDAN": dict(communes=["IAGRAI", "IAHRUNG", "DAKDOA", "CHUSE", "IAPA"], per=4, offset=1,
                    commune="Hội Nông dân {where}", branch="Chi hội Nông dân {village}",
                    tag="CH", since=(1978, 1995)),
    "CCB": dict(communes=["IAGRAI", "CHUPAH", "KONGCHRO", "IAPA"], per=3, offset=0,
                commune="Hội Cựu chiến binh {where}", branch="Chi hội Cựu chiến binh {village}",
                tag="CH", since=(1990, 1996)),
}

# Labour federation: công đoàn cấp trên trực tiếp cơ sở and their công đoàn cơ sở.
LDLD_TREE = [
    ("VIENCHUC", "Công đoàn Viên chức tỉnh", None, [
        "Công đoàn Sở Giáo dục và Đào tạo", "Công đoàn Bệnh viện Đa khoa tỉnh",
        "Công đoàn Trường Cao đẳng Gia Lai", "Công đoàn Đài Phát thanh - Truyền hình tỉnh",
    ]),
    ("PLEIKU", "Liên đoàn Lao động khu vực Pleiku", "PLEIKU", [
        "Công đoàn Công ty Cổ phần Điện Gia Lai", "Công đoàn Bưu điện tỉnh",
        "Công đoàn Trường THPT Pleiku",
    ]),
    ("IAGRAI", "Liên đoàn Lao động khu vực Ia Grai", "IAGRAI", [
        "Công đoàn Công ty TNHH MTV Cà phê Ia Grai", "Công đoàn Trạm Y tế xã Ia Grai",
        "Công đoàn Trường THCS Ia Grai",
    ]),
    ("CHUSE", "Liên đoàn Lao động khu vực Chư Sê", "CHUSE", [
        "Công đoàn Công ty TNHH MTV Cao su Chư Sê", "Công đoàn Trung tâm Y tế khu vực Chư Sê",
    ]),
]

FARM_TRADES = ["trồng cà phê", "chăn nuôi bò sinh sản", "trồng hồ tiêu", "trồng lúa nước",
               "trồng mì", "nuôi cá nước ngọt"]

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


def _as_of():
    return min(AS_OF, date.today())


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _between(rng, first, last):
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _weighted(rng, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]


# --------------------------------------------------------------------------
# Guard


def _check_empty():
    found = []
    extra_orgs = Organisation.select().where(Organisation.code.not_in(BASE_CODES)).count()
    for label, count in (
        ("hội viên", Member.select().count()),
        ("thôn, làng", Village.select().count()),
        ("đơn vị hành chính", AdministrativeUnit.select().count()),
        ("tổ chức (ngoài 7 đơn vị gốc)", extra_orgs),
        ("văn bản chỉ đạo", Directive.select().count()),
        ("phong trào", Campaign.select().count()),
        ("quan hệ kết nghĩa", TwinningLink.select().count()),
    ):
        if count:
            found.append(f"{count:,}".replace(",", ".") + f" {label}")
    if found:
        raise AlreadySeeded(
            "Cơ sở dữ liệu đã có dữ liệu mẫu hoặc dữ liệu thật: " + "; ".join(found)
            + ". Chỉ nạp dữ liệu mẫu vào cơ sở dữ liệu mới tạo; không có gì được thay đổi."
        )
    units = {o.code: o for o in Organisation.select().where(Organisation.code.in_(BASE_CODES))}
    missing = [code for code in BASE_CODES if code not in units]
    if missing:
        raise NotMigrated(
            "Thiếu các đơn vị gốc " + ", ".join(missing)
            + ". Hãy chạy `flask db upgrade` trên cơ sở dữ liệu mới trước khi nạp dữ liệu mẫu."
        )
    return units


# --------------------------------------------------------------------------
# Geography


def _geography():
    province = AdministrativeUnit.create(code="GL", name="Gia Lai", kind="tinh")
    communes, villages = {}, {}
    number = 0
    for code, slug, kind, name, rows in COMMUNES:
        label = {"xa": "Xã", "phuong": "Phường", "thi_tran": "Thị trấn"}[kind]
        commune = AdministrativeUnit.create(
            code=code, name=f"{label} {name}", kind=kind, parent=province,
            active_from=COMMUNE_REFORM_DAY,
        )
        commune.short = f"{UNIT_KIND_WORD[kind]} {name}"
        communes[slug] = commune
        villages[slug] = []
        for village_name, village_kind, groups in rows:
            number += 1
            villages[slug].append(Village.create(
                code=f"TH{number:03d}", name=village_name, kind=village_kind, commune=commune,
                ethnic_minority="Jrai" in groups or "Bahnar" in groups,
                ethnic_groups=groups,
            ))
    town_code, town_name, successor = FORMER_TOWN
    successor_unit = next(c for c in communes.values() if c.code == successor)
    AdministrativeUnit.create(
        code=town_code, name=f"Thị trấn {town_name}", kind="thi_tran", parent=province,
        active_to=COMMUNE_REFORM_DAY, merged_into=successor_unit,
    )
    name, kind, groups, slug, into = MERGED_VILLAGE
    target = next(v for v in villages[slug] if v.name == into)
    merged = Village.create(
        code=f"TH{number + 1:03d}", name=name, kind=kind, commune=communes[slug],
        ethnic_minority=True, ethnic_groups=groups, active_to=VILLAGE_MERGE_DAY,
        merged_into=target,
    )
    return communes, villages, merged


# --------------------------------------------------------------------------
# Organisations


def _organisations(rng, units, communes, villages, merged_village):
    """Create the tree; return {unit code: [(branch, home villages), …]}."""
    branches = {code: [] for code in ("DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD")}
    for unit_code, spec in TREE.items():
        unit = units[unit_code]
        for slug in spec["communes"]:
            commune = communes[slug]
            base = Organisation.create(
                code=f"{unit_code}-{slug}", name=spec["commune"].format(where=commune.short),
                kind=unit.kind, level="xa", parent=unit, commune=commune,
                active_from=date(rng.randint(*spec["since"]), rng.randint(1, 12), 1),
            )
            local = villages[slug]
            for i in range(spec["per"]):
                village = local[(spec["offset"] + i) % len(local)]
                branch = Organisation.create(
                    code=f"{base.code}-{spec['tag']}{i + 1:02d}",
                    name=spec["branch"].format(village=village.name),
                    kind=unit.kind, level="chi_hoi", parent=base, commune=commune,
                    active_from=VILLAGE_MERGE_DAY if village.name == MERGED_VILLAGE[4]
                    else date(rng.randint(1995, 2018), rng.randint(1, 12), 1),
                )
                if unit_code in branches:
                    branches[unit_code].append((branch, [village]))
                if unit_code == "PHUNU" and i < 2:
                    for k in (1, 2):
                        Organisation.create(
                            code=f"{branch.code}-T{k:02d}",
                            name=f"Tổ phụ nữ số {k} {village.name}",
                            kind=unit.kind, level="to_hoi", parent=branch, commune=commune,
                            active_from=branch.active_from,
                        )
                if unit_code == "NONGDAN" and i < 3:
                    trade = FARM_TRADES[(i + len(base.code)) % len(FARM_TRADES)]
                    Organisation.create(
                        code=f"{branch.code}-T01",
                        name=f"Tổ hội nghề nghiệp {trade} {village.name}",
                        kind=unit.kind, level="to_hoi", parent=branch, commune=commune,
                        active_from=date(rng.randint(2019, 2024), rng.randint(1, 12), 1),
                    )
            if unit_code == "CCB" and slug == MERGED_VILLAGE[3]:
                _merged_branch(base, commune, merged_village, branches["CCB"])

    ldld = units["LDLD"]
    city = villages["PLEIKU"] + villages["HOIPHU"]
    for slug, name, commune_slug, grassroots in LDLD_TREE:
        commune = communes.get(commune_slug)
        upper = Organisation.create(
            code=f"LDLD-{slug}", name=name, kind=ldld.kind, level="xa", parent=ldld,
            commune=commune, active_from=COMMUNE_REFORM_DAY if commune else date(1994, 5, 1),
        )
        homes = villages[commune_slug] if commune else city
        for i, unit_name in enumerate(grassroots):
            grassroot = Organisation.create(
                code=f"{upper.code}-CS{i + 1:02d}", name=unit_name, kind=ldld.kind,
                level="chi_hoi", parent=upper, commune=commune,
                active_from=date(rng.randint(1990, 2015), rng.randint(1, 12), 1),
            )
            branches["LDLD"].append((grassroot, homes))
    return branches


def _merged_branch(base, commune, merged_village, ccb_branches):
    """A chi hội dissolved into its neighbour when its village was merged (NQ 137)."""
    survivor = next(b for b, homes in ccb_branches
                    if homes[0].name == MERGED_VILLAGE[4] and b.parent_id == base.id)
    old = Organisation.create(
        code=f"{base.code}-CH00", name=f"Chi hội Cựu chiến binh {merged_village.name}",
        kind=base.kind, level="chi_hoi", parent=base, commune=commune,
        active_from=date(1996, 3, 1), active_to=VILLAGE_MERGE_DAY, merged_into=survivor,
    )
    OrganisationChange.create(
        organisation=old, change="merged", effective_on=VILLAGE_MERGE_DAY,
        old_parent=base, new_parent=base,
        note=(f"Sáp nhập vào {survivor.name} do sáp nhập {merged_village.name} vào "
              f"{MERGED_VILLAGE[4]} theo Nghị quyết số 137/NQ-HĐND ngày 06/12/2018 của "
              "HĐND tỉnh về việc sắp xếp, sáp nhập thôn, tổ dân phố trên địa bàn tỉnh Gia Lai."),
    )


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


# --------------------------------------------------------------------------
# Directives and their implementation

DIRECTIVES = [
    # key, number, kind, issuer, issued, title, implements
    ("25", "25-NQ/TW", "Nghị quyết", "Ban Chấp hành Trung ương", date(2013, 6, 3),
     "Về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận trong tình hình "
     "mới (khóa XI)", None),
    ("40", "40-CTr/TU", "Chương trình hành động", "Tỉnh ủy", date(2013, 8, 27),
     "Chương trình hành động thực hiện Nghị quyết số 25-NQ/TW, ngày 03-6-2013 của Ban Chấp hành "
     "Trung ương khóa XI về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận "
     "trong tình hình mới", "25"),
    ("11", "11-CT/TU", "Chỉ thị", "Tỉnh ủy", date(2019, 8, 1),
     "Về tăng cường công tác quản lý đoàn viên, hội viên; củng cố, nâng cao chất lượng hoạt động "
     "của các chi đoàn, chi hội, tổ hội ở địa bàn dân cư", "40"),
    ("17", "17-CT/TW", "Chỉ thị", "Bộ Chính trị", date(2012, 8, 28),
     "Về tiếp tục đổi mới và tăng cường sự lãnh đạo của Đảng đối với các hội quần chúng", None),
    ("137", "137/NQ-HĐND", "Nghị quyết", "HĐND tỉnh", date(2018, 12, 6),
     "Về việc sắp xếp, sáp nhập thôn, tổ dân phố trên địa bàn tỉnh Gia Lai", None),
    ("784", "784-QĐ/TU", "Quy định", "Ban Thường vụ Tỉnh ủy", date(2019, 3, 18),
     "Về việc cấp ủy, lãnh đạo Ban Dân vận, Mặt trận Tổ quốc, đoàn thể các cấp tham dự sinh hoạt "
     "định kỳ và ngày sinh hoạt định kỳ ở các loại hình chi bộ, chi, tổ hội, phân hội", None),
    ("01DA", "01-ĐA/BDVTU", "Đề án", "Ban Dân vận Tỉnh ủy", date(2021, 4, 12),
     "Về đổi mới và nâng cao chất lượng hoạt động của chi, tổ hội, công đoàn cơ sở giai đoạn "
     "2021 - 2025", "11"),
    ("13", "13-CT/TU", "Chỉ thị", "Ban Thường vụ Tỉnh ủy", date(2023, 12, 5),
     "Về tăng cường công tác kết nghĩa giữa các cơ quan, đơn vị với thôn, làng đồng bào dân tộc "
     "thiểu số trên địa bàn tỉnh", None),
]

# directive key → (units, first deadline, recurrence)
ASSIGNMENTS = {
    "11": (("DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD"), date(2019, 12, 15), "yearly"),
    "17": (("MTTQ", "LDLD"), date(2017, 9, 30), "once"),
    "137": (("DOAN", "PHUNU", "NONGDAN", "CCB"), date(2019, 6, 30), "once"),
    "784": (("MTTQ", "DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD"), date(2019, 12, 20), "yearly"),
    "01DA": (("DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD"), date(2021, 11, 30), "yearly"),
    "13": (("MTTQ", "DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD"), date(2024, 6, 30), "once"),
}

# directive key → [(unit, reported on, status, content)]
REPORTS = {
    "17": [
        ("LDLD", date(2017, 9, 15), "done",
         "Báo cáo 05 năm thực hiện Chỉ thị số 17-CT/TW: các cấp công đoàn quán triệt đến cán bộ, "
         "đoàn viên; ký chương trình phối hợp với Hội Khuyến học tỉnh; vận động đoàn viên tham gia "
         "Hội Chữ thập đỏ, Hội Khuyến học, Hội Cựu chiến binh và chương trình \"Mái ấm Công đoàn\"."),
    ],
    "137": [
        ("NONGDAN", date(2019, 5, 20), "done",
         "Đã cơ cấu lại tổ chức Hội theo việc sáp nhập thôn, làng: toàn tỉnh còn 1.629 chi hội, "
         "2.270 tổ hội."),
        ("CCB", date(2019, 5, 25), "done",
         "Hội có 245 cơ sở hội (222 cơ sở hội cấp xã, 23 hội cơ sở) và 1.639 chi hội, giảm 440 chi "
         "hội do sáp nhập thôn, tổ dân phố."),
        ("PHUNU", date(2019, 5, 28), "in_progress",
         "Đã kiện toàn 1.672 chi hội phụ nữ (trước đây là 2.162 chi hội); còn 04 xã thuộc 02 huyện "
         "Ia Grai, Kông Chro đang trong quá trình sáp nhập."),
    ],
    "11": [
        ("PHUNU", date(2019, 12, 10), "in_progress",
         "Sơ kết năm 2019: rà soát, quản lý hội viên theo Điều lệ; phát triển 1.548 hội viên mới "
         "trong quý, 325 chị thôi sinh hoạt; tỷ lệ tập hợp 223.470/286.750 phụ nữ từ 18 tuổi trở "
         "lên (77,9%)."),
        ("NONGDAN", date(2019, 12, 12), "in_progress",
         "Sơ kết năm 2019: rà soát danh sách hội viên ở các chi hội sau sáp nhập thôn; kết nạp 111 "
         "hội viên mới trong quý."),
        ("CCB", date(2019, 12, 14), "done",
         "Sơ kết năm 2019: kiện toàn 1.639 chi hội; bồi dưỡng 69/70 chủ tịch hội cựu chiến binh cơ "
         "sở về nghiệp vụ công tác Hội."),
        ("LDLD", date(2020, 1, 8), "in_progress",
         "Sơ kết năm 2019: tập huấn phần mềm quản lý đoàn viên và đổi thẻ đoàn viên cho 44 cán bộ "
         "công đoàn; 22/22 công đoàn cấp trên trực tiếp cơ sở triển khai đến 100% công đoàn cơ sở."),
        ("PHUNU", date(2024, 12, 5), "in_progress",
         "Báo cáo năm 2024: tiếp tục rà soát, cập nhật danh sách hội viên; 100% chi hội sinh hoạt "
         "định kỳ hằng quý."),
    ],
    "784": [
        ("MTTQ", date(2024, 12, 12), "in_progress",
         "Năm 2024, lãnh đạo Ủy ban MTTQ tỉnh dự sinh hoạt định kỳ tại 24 chi bộ, Ban công tác Mặt "
         "trận ở thôn, làng."),
        ("PHUNU", date(2024, 12, 16), "in_progress",
         "Lãnh đạo Hội dự sinh hoạt định kỳ tại 23 chi, tổ hội phụ nữ cơ sở."),
        ("NONGDAN", date(2024, 12, 18), "in_progress",
         "Lãnh đạo Hội dự sinh hoạt tại 14 chi hội, tổ hội nghề nghiệp."),
        ("LDLD", date(2025, 1, 6), "in_progress",
         "Lãnh đạo Liên đoàn dự sinh hoạt định kỳ tại 22 công đoàn cơ sở."),
    ],
    "01DA": [
        ("NONGDAN", date(2024, 11, 25), "in_progress",
         "Thành lập 5 chi hội nghề nghiệp, 88 tổ hội nghề nghiệp; 3 mô hình Nông hội."),
        ("LDLD", date(2024, 11, 28), "in_progress",
         "Chọn 6 công đoàn cơ sở làm điểm đổi mới nội dung sinh hoạt."),
    ],
    "13": [
        ("MTTQ", date(2024, 3, 20), "done",
         "Đã ký kết kết nghĩa với Làng Đê Kôp, xã Đak Đoa; xây dựng kế hoạch hỗ trợ năm 2024."),
        ("PHUNU", date(2024, 4, 2), "done",
         "Đã ký kết kết nghĩa với Plei Bông (xã Ia Grai) và Làng Tơ Nùng (xã Kông Chro)."),
        ("DOAN", date(2024, 5, 10), "done",
         "Đã ký kết kết nghĩa với Buôn Bir, xã Ia Pa; ra quân tình nguyện hè."),
        ("CCB", date(2024, 7, 12), "not_started",
         "Đang khảo sát, lựa chọn thôn, làng để kết nghĩa."),
    ],
}


def _directives(units):
    made = {}
    for key, number, kind, issuer, issued, title, implements in DIRECTIVES:
        made[key] = Directive.create(
            number=number, kind=kind, issuer=issuer, issued_on=issued, title=title,
            implements=made[implements] if implements else None,
        )
    for key, (codes, deadline, recurrence) in ASSIGNMENTS.items():
        for code in codes:
            DirectiveAssignment.create(directive=made[key], organisation=units[code],
                                       deadline=deadline, recurrence=recurrence)
    for key, reports in REPORTS.items():
        for code, reported, status, content in reports:
            ImplementationReport.create(directive=made[key], organisation=units[code],
                                        reported_on=reported, status=status, content=content)
    return made


# --------------------------------------------------------------------------
# Campaigns: results per unit and quarter of 2024 (Q2 from seed 001).
# result: (models, funds, built, repaired, people, workdays, note)

CAMPAIGNS = [
    dict(name="Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh", kind="cuoc_van_dong",
         lead="MTTQ", starts=date(2016, 1, 1), ends=None, directive=None,
         description="Cuộc vận động do Ủy ban Trung ương MTTQ Việt Nam phát động; Ủy ban MTTQ "
                     "Việt Nam tỉnh chủ trì, các tổ chức chính trị - xã hội phối hợp thực hiện.",
         results={
             "MTTQ": {1: (118, 512_000_000, 17, 6, 420, 0, "Vận động Quỹ \"Vì người nghèo\" dịp Tết."),
                      2: (244, 809_000_000, 30, 11, 0, 0,
                          "Vận động hơn 809 triệu đồng hỗ trợ làm nhà \"Đại đoàn kết\"; xây mới 30, "
                          "sửa chữa 11 nhà; 244 mô hình thực hiện Cuộc vận động.")},
             "CCB": {1: (2, 145_000_000, 3, 2, 0, 610, None),
                     2: (3, 220_000_000, 6, 0, 0, 940,
                         "Hiến 530 m² đất; 940 ngày công làm đường giao thông nông thôn, nạo vét "
                         "kênh mương; hỗ trợ 3 mô hình nuôi bò sinh sản; xóa 6 nhà dột nát.")},
             "NONGDAN": {1: (11, 96_000_000, 0, 2, 350, 420, None),
                         2: (19, 130_000_000, 0, 3, 510, 600,
                             "Thành lập 3 mô hình Nông hội, 6 tổ hợp tác, 10 hợp tác xã.")},
             "PHUNU": {1: (4, 130_000_000, 2, 1, 860, 300, None),
                       2: (6, 175_000_000, 2, 2, 172, 350,
                           "Ra mắt 6 mô hình \"Tổ phụ nữ ứng dụng công nghệ 4.0\", \"Phụ nữ chuyển "
                           "đổi số\" với 172 thành viên; 1.349 buổi tuyên truyền bảo vệ môi "
                           "trường với 95.075 lượt người dự.")},
             "DOAN": {1: (38, 60_000_000, 0, 1, 900, 1_200, None),
                      2: (64, 85_000_000, 0, 2, 1_100, 2_300,
                          "235 hoạt động tình nguyện xây dựng nông thôn mới; 105 hoạt động xây dựng "
                          "đô thị văn minh; trao 64 mô hình sinh kế cho thanh niên khó khăn.")},
             "LDLD": {1: (5, 70_000_000, 0, 1, 240, 150, None),
                      2: (7, 90_000_000, 0, 1, 320, 180, None)},
         }),
    dict(name="Làm thay đổi nếp nghĩ, cách làm trong đồng bào dân tộc thiểu số để từng bước "
              "vươn lên thoát nghèo bền vững", kind="cuoc_van_dong",
         lead="MTTQ", starts=date(2021, 6, 1), ends=None, directive=None,
         description="Triển khai ở các thôn, làng đồng bào dân tộc thiểu số; gắn với công tác kết "
                     "nghĩa theo Chỉ thị số 13-CT/TU.",
         results={
             "MTTQ": {1: (12, 150_000_000, 3, 2, 280, 0, None),
                      2: (15, 210_000_000, 4, 3, 350, 0, None)},
             "PHUNU": {1: (5, 60_000_000, 0, 0, 240, 0, "Tuyên truyền phòng, chống tảo hôn, "
                                                           "hôn nhân cận huyết thống."),
                       2: (7, 85_000_000, 0, 1, 310, 0, None)},
             "NONGDAN": {1: (6, 75_000_000, 0, 0, 190, 300, "Hỗ trợ giống cây trồng, vật nuôi."),
                         2: (9, 110_000_000, 0, 0, 230, 420, None)},
             "CCB": {1: (2, 40_000_000, 0, 1, 60, 200, None),
                     2: (3, 55_000_000, 1, 0, 80, 260, None)},
             "DOAN": {1: (8, 30_000_000, 0, 0, 400, 500, None),
                      2: (10, 45_000_000, 0, 1, 520, 700, None)},
         }),
    dict(name="Mái ấm công đoàn", kind="phong_trao", lead="LDLD", starts=date(2008, 1, 1),
         ends=None, directive=None,
         description="Hỗ trợ xây dựng, sửa chữa nhà ở cho đoàn viên công đoàn có hoàn cảnh khó khăn.",
         results={
             "LDLD": {1: (0, 380_000_000, 6, 3, 9, 0, None),
                      2: (0, 915_000_000, 14, 8, 22, 0,
                          "Xét và hỗ trợ kinh phí xây dựng, sửa chữa 22 \"Mái ấm công đoàn\" với "
                          "tổng trị giá 915 triệu đồng.")},
         }),
    dict(name="Dân vận khéo", kind="phong_trao", lead="KHOI", starts=date(2021, 1, 1),
         ends=date(2025, 12, 31), directive="01DA",
         description="Phong trào thi đua \"Dân vận khéo\" giai đoạn 2021 - 2025; nhân rộng mô hình "
                     "tiêu biểu ở chi, tổ hội, công đoàn cơ sở.",
         results={
             "MTTQ": {1: (6, 0, 0, 0, 0, 0, None), 2: (9, 0, 0, 0, 0, 0, None)},
             "DOAN": {1: (5, 0, 0, 0, 0, 0, None), 2: (7, 0, 0, 0, 0, 0, None)},
             "PHUNU": {1: (8, 0, 0, 0, 0, 0, None), 2: (11, 0, 0, 0, 0, 0, None)},
             "NONGDAN": {1: (6, 0, 0, 0, 0, 0, None), 2: (8, 0, 0, 0, 0, 0, None)},
             "CCB": {1: (3, 0, 0, 0, 0, 0, None), 2: (4, 0, 0, 0, 0, 0, None)},
             "LDLD": {1: (4, 0, 0, 0, 0, 0, None), 2: (5, 0, 0, 0, 0, 0, None)},
         }),
]


def _campaigns(units, directives):
    for spec in CAMPAIGNS:
        campaign = Campaign.create(
            name=spec["name"], kind=spec["kind"], leading_organisation=units[spec["lead"]],
            starts_on=spec["starts"], ends_on=spec["ends"],
            directive=directives[spec["directive"]] if spec["directive"] else None,
            description=spec["description"],
        )
        for code, quarters in spec["results"].items():
            CampaignParticipant.create(campaign=campaign, organisation=units[code])
            for quarter, figures in quarters.items():
                models_built, funds, built, repaired, people, workdays, note = figures
                CampaignResult.create(
                    campaign=campaign, organisation=units[code], year=2024, quarter=quarter,
                    models_built=models_built, funds_mobilised=funds, houses_built=built,
                    houses_repaired=repaired, people_supported=people, workdays=workdays,
                    note=note,
                )


# --------------------------------------------------------------------------
# Twinning under Chỉ thị 13-CT/TU: 3 of the 6 units (seed 001)

TWINNING = [
    ("MTTQ", "DAKDOA", "Làng Đê Kôp", date(2024, 3, 15), "Nguyễn Văn Long – Phó Chủ tịch Ủy ban MTTQ tỉnh",
     None, [
         (date(2024, 4, 18), "Trao 60 suất quà và 2 tấn gạo cho hộ nghèo", 48_000_000, 60),
         (date(2024, 9, 6), "Hỗ trợ xây 1 nhà \"Đại đoàn kết\" cho hộ nghèo", 60_000_000, 5),
         (date(2025, 1, 20), "Thăm, tặng quà Tết Nguyên đán cho các hộ chính sách", 35_000_000, 45),
     ]),
    ("PHUNU", "IAGRAI", "Plei Bông", date(2024, 3, 28), "Ksor H'Nhi – Phó Chủ tịch Hội LHPN tỉnh",
     "Sở Y tế", [
         (date(2024, 5, 30), "Tuyên truyền phòng, chống tảo hôn và hôn nhân cận huyết thống", 0, 120),
         (date(2024, 6, 1), "Tặng xe đạp, sách vở cho học sinh nghèo dịp Quốc tế Thiếu nhi", 22_500_000, 30),
         (date(2024, 10, 20), "Khám bệnh, cấp thuốc miễn phí cho phụ nữ và trẻ em", 18_000_000, 210),
         (date(2025, 3, 8), "Trao 5 con bò giống sinh sản cho hội viên nghèo", 75_000_000, 5),
     ]),
    ("PHUNU", "KONGCHRO", "Làng Tơ Nùng", date(2024, 4, 2), "Phạm Thị Lan – Trưởng ban Gia đình - Xã hội",
     None, [
         (date(2024, 7, 15), "Ra mắt tổ phụ nữ tiết kiệm vay vốn, giải ngân 150 triệu đồng", 150_000_000, 15),
         (date(2025, 2, 14), "Tặng 40 suất quà Tết cho hội viên khó khăn", 20_000_000, 40),
     ]),
    ("DOAN", "IAPA", "Buôn Bir", date(2024, 5, 8), "Rơ Mah Tuấn – Phó Bí thư Tỉnh đoàn", None, [
         (date(2024, 7, 10), "Chiến dịch Thanh niên tình nguyện hè: làm 500 m đường bê tông nội buôn",
          120_000_000, 350),
         (date(2024, 9, 14), "Tổ chức Trung thu cho thiếu nhi, tặng 150 suất quà", 15_000_000, 150),
         (date(2025, 6, 25), "Mở lớp tin học, hướng dẫn thanh niên sử dụng dịch vụ công trực tuyến",
          8_000_000, 45),
     ]),
]


def _twinning(units, villages, merged_village, directive):
    for code, slug, village_name, signed, person, partner, activities in TWINNING:
        village = next(v for v in villages[slug] if v.name == village_name)
        link = TwinningLink.create(
            organisation=units[code], village=village, directive=directive, signed_on=signed,
            status="active", responsible_person=person, partner_name=partner,
        )
        for held, description, value, people in activities:
            TwinningActivity.create(link=link, held_on=held, description=description,
                                    support_value=value, people_reached=people)
    # An older link that ended when its village was merged (history, not counted as active).
    TwinningLink.create(
        organisation=units["NONGDAN"], village=merged_village, directive=None,
        signed_on=date(2016, 3, 26), status="ended", responsible_person="Lê Văn Tám",
        note="Kết thúc năm 2019 do Plei Ia Pết sáp nhập vào Làng Kép (Nghị quyết số 137/NQ-HĐND).",
    )


# --------------------------------------------------------------------------
# Accounts

USERS = [
    ("admin", "admin", None, "Quản trị hệ thống"),
    ("vanphong", "secretariat", None, "Trần Thị Thu Hà"),
    ("phunu", "editor", "PHUNU", "Ksor H'Nhi"),
    ("nongdan", "editor", "NONGDAN", "Lê Văn Tám"),
    ("lanhdao", "viewer", None, "Nguyễn Văn Bình"),
]


def _users(units):
    made = []
    for username, role, org, full_name in USERS:
        if User.get_or_none(User.username == username) is not None:
            continue  # never touch an existing account's password
        password = secrets.token_urlsafe(12)  # 16 characters
        user = User(username=username, role=role, full_name=full_name,
                    organisation=units[org] if org else None)
        user.set_password(password)
        user.save()
        made.append((username, role, password))
    return made


def _set_province():
    updated = Setting.update(value="Gia Lai").where(Setting.key == "province_name").execute()
    if not updated:
        Setting.create(key="province_name", value="Gia Lai")


# --------------------------------------------------------------------------


def build(members=3000, seed=2024):
    """Fill a freshly migrated database; return [(username, role, password)].

    Raises AlreadySeeded (and changes nothing) when the database already holds
    data beyond what `flask db upgrade` creates.
    """
    rng = random.Random(seed)
    with db.atomic():
        units = _check_empty()
        communes, villages, merged_village = _geography()
        branches = _organisations(rng, units, communes, villages, merged_village)
        _members(rng, branches, max(0, int(members)))
        directives = _directives(units)
        _campaigns(units, directives)
        _twinning(units, villages, merged_village, directives["13"])
        _set_province()
        accounts = _users(units)
    return accounts
