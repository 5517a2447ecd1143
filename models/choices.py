"""Closed lists shared by several record types: (stored code, Vietnamese label)."""

ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai",
    "Ê Đê", "Ba Na", "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai",
    "Mnông", "Thổ", "Stiêng", "Khơ mú", "Bru - Vân Kiều", "Cơ Tu", "Giáy", "Tà Ôi", "Mạ",
    "Giẻ Triêng", "Co", "Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "Kháng", "La Chí",
    "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Chứt", "Lự", "Lô Lô", "Mảng", "Cờ Lao",
    "Bố Y", "Cống", "Ngái", "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
]
ETHNICITY_CHOICES = [(name, name) for name in ETHNIC_GROUPS]

RELIGION_CHOICES = [
    ("khong", "Không"),
    ("phat_giao", "Phật giáo"),
    ("cong_giao", "Công giáo"),
    ("tin_lanh", "Tin Lành"),
    ("cao_dai", "Cao Đài"),
    ("hoa_hao", "Phật giáo Hòa Hảo"),
    ("hoi_giao", "Hồi giáo"),
    ("ba_la_mon", "Bà-la-môn"),
    ("khac", "Tôn giáo khác"),
]

GENDER_CHOICES = [("nam", "Nam"), ("nu", "Nữ")]

QUARTER_CHOICES = [(1, "Quý I"), (2, "Quý II"), (3, "Quý III"), (4, "Quý IV")]


def label(choices, code):
    return dict(choices).get(code, code or "")
