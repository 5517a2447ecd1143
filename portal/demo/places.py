"""Demo geography (communes, villages) and the organisation tree under each bloc unit."""
from models import AdministrativeUnit, Organisation, OrganisationChange, Village
from portal.demo.common import COMMUNE_REFORM_DAY, VILLAGE_MERGE_DAY, date


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
# Geography


def geography():
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


def organisations(rng, units, communes, villages, merged_village):
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
                survivor = next(b for b, homes in branches["CCB"]
                                if homes[0].name == MERGED_VILLAGE[4] and b.parent_id == base.id)
                merged_branch(base, commune, merged_village, survivor)

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


def merged_branch(base, commune, merged_village, survivor):
    """A chi hội dissolved into `survivor` when its village was merged (NQ 137)."""
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
