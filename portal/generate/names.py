"""Place names for the generated part of the province.

The province after the 2025 merger: highland communes (Jrai and Bahnar
country, like the demo's) and lowland ones (the former Bình Định). Village
names reuse the demo's villages (portal/demo/places.py) and add more of the
same kind.
"""
from portal.demo.places import COMMUNES, FORMER_TOWN

HIGHLAND_COMMUNES = (
    [f"Ia {root}" for root in (
        "Băng", "Tôr", "Dom", "Nan", "Pnôn", "Mơ", "Púch", "Boòng", "Me", "Lâu", "Piơr", "Vê",
        "Hla", "Le", "Blứ", "Dreng", "Hrú", "Rong", "Krêl", "Chia", "Pếch", "Sao", "Rbol", "Tul",
        "Mrơn", "Trok", "Yeng", "Dêr", "Kriêng", "Phang", "Dơk", "Bă", "O", "Pia", "Khươl",
        "Nhin", "Ko", "Sol", "Rsai", "Broăi", "Hdreh", "Kdăm", "Rsươm", "Mlá", "Tô", "Kênh")]
    + [f"Chư {root}" for root in (
        "Prông", "Pưh", "Don", "Drăng", "A Thai", "Krêy", "Răng", "Jôr", "Mố", "Rcăm", "Ngọc")]
    + [f"Kon {root}" for root in ("Gang", "Chiêng", "Thụp", "Pne", "Dơng")]
    + [f"Đak {root}" for root in ("Sơmei", "Rong", "Pling", "Krong", "Jơ Ta", "Song", "Smar")]
    + ["Sơn Lang", "Lơ Pang", "Hà Tam", "Kim Tân", "Bờ Ngoong", "Al Bá", "Phú Thiện",
       "Mang Yang", "Krông Pa", "Ayun Pa", "An Khê", "Đông Gia", "Hà Bầu", "Nam Yang",
       "Tơ Tung", "Pờ Tó", "Uar", "Chơ Long", "Yang Bắc", "Phú Túc"]
)
LOWLAND_PARTS = (
    ("An", "Hoài", "Phù", "Tây", "Nhơn", "Cát", "Bình", "Tuy", "Vĩnh", "Phước", "Mỹ", "Tam",
     "Ân", "Đề", "Quy"),
    ("Nhơn", "Phong", "Thạnh", "Hảo", "Lộc", "Mỹ", "Sơn", "Tiến", "Hưng", "Quang", "Hòa", "Đức",
     "Khánh", "Lợi", "Thành", "Hiệp", "Tường", "Chánh", "Hữu", "Xuân"),
)
LOWLAND_COMMUNES = [f"{a} {b}" for a in LOWLAND_PARTS[0] for b in LOWLAND_PARTS[1] if a != b]
TAKEN = {name for _, _, _, name, _ in COMMUNES} | {FORMER_TOWN[1]}

# Word before a village's own name, by kind.
VILLAGE_WORD = {"plei": "Plei", "lang": "Làng", "buon": "Buôn"}
HIGHLAND_VILLAGE_ROOTS = sorted(
    {name.split(" ", 1)[1] for _, _, _, _, villages in COMMUNES for name, kind, _ in villages
     if kind in VILLAGE_WORD}
    | {"Chuét", "Ia Mơr", "Bơ Ngoong", "Hrang", "Klăh", "Dơk", "Ring", "Tông Jơ", "Tơ Vơn",
       "Đê Tar", "Kon Hring", "Hra", "Hlăm", "Mrông", "Chơ Ró", "Kơ Dang", "Ia Tri", "Sơr",
       "Kon Chrăh", "Đê Gơl", "Rơng", "Pơ Nang", "Yang Trung", "Bông Pim", "Ia Nueng",
       "Tơ Drăh", "Kret", "Lung", "Phăm Kleo", "Yam", "Jút", "Kông Hao", "Brêl", "Ngol",
       "Ia Jrôk", "Kơ Nia", "Hbông", "Đăk Hlơ", "Ia Băng", "Tung Ke", "Sê Ngol", "Grôn"}
)
KINH_VILLAGE_NAMES = sorted(
    {name.split(" ", 1)[1] for _, _, _, _, villages in COMMUNES for name, kind, _ in villages
     if kind == "thon" and not name.split(" ", 1)[1].isdigit()}
    | {"Thắng Lợi", "Quyết Thắng", "Đồng Tâm", "Tân Sơn", "Phú Vinh", "Thanh Bình", "Hưng Thịnh",
       "Tiến Thành", "Bình An", "Ngọc Thạnh", "Xuân Phong", "Vĩnh Lộc", "Trung Hòa", "Nhơn Nghĩa",
       "Mỹ Thuận", "An Thái", "Đông Lâm", "Kiên Thành", "Hiệp Đức", "Tân Phú", "Lạc Điền",
       "Cửu Lợi", "Phước Thuận", "Tây Giang", "Hòa Hội", "Định Thiện", "Kỳ Sơn", "Thuận Hạnh",
       "Chánh Lộc", "Đại Khoan", "Vạn Thiện", "Hữu Lộc"}
)

# Commune-wide mix of villages' main ethnic groups (keys of people.ETHNIC_MIX).
VILLAGE_GROUPS = {
    "jrai": [("Jrai", 40), ("Jrai, Kinh", 15), ("Kinh, Jrai", 10), ("Kinh", 35)],
    "bahnar": [("Bahnar", 45), ("Bahnar, Kinh", 20), ("Kinh", 35)],
    "highland_town": [("Kinh", 80), ("Kinh, Jrai", 10), ("Jrai, Kinh", 10)],
    "lowland": [("Kinh", 92), ("Bahnar, Kinh", 8)],
    "lowland_town": [("Kinh", 100)],
}

# Grassroots trade unions of a commune, and the provincial agencies' ones.
COMMUNE_UNIONS = (
    "Công đoàn Trường Mầm non {name}", "Công đoàn Trường Tiểu học {name}",
    "Công đoàn Trường THCS {name}", "Công đoàn Trạm Y tế {short}",
    "Công đoàn cơ quan Đảng ủy - HĐND - UBND {short}",
)
ENTERPRISES = (
    "Công đoàn Công ty TNHH MTV Cà phê {name}", "Công đoàn Công ty Cổ phần Cao su {name}",
    "Công đoàn Công ty TNHH Chè {name}", "Công đoàn Công ty Cổ phần Mía đường {name}",
    "Công đoàn Công ty TNHH MTV Lâm nghiệp {name}", "Công đoàn Hợp tác xã Nông nghiệp {name}",
    "Công đoàn Trường THPT {name}", "Công đoàn Công ty TNHH Chế biến gỗ {name}",
)
AGENCIES = (
    "Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Công Thương",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Sở Tư pháp", "Sở Y tế",
    "Sở Dân tộc và Tôn giáo", "Thanh tra tỉnh", "Văn phòng UBND tỉnh", "Văn phòng Tỉnh ủy",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Báo và Phát thanh, Truyền hình Gia Lai",
    "Trường Chính trị tỉnh", "Bảo hiểm xã hội tỉnh", "Ngân hàng Chính sách xã hội tỉnh",
    "Bệnh viện Nhi tỉnh", "Trường Đại học Quy Nhơn",
)
