"""Demo directives, campaigns, twinning links, accounts and the province setting."""
import secrets

from models import (
    Campaign, CampaignParticipant, CampaignResult, Directive, DirectiveAssignment,
    ImplementationReport, Setting, TwinningActivity, TwinningLink, User,
)
from models.reporting import quarter_end, quarter_start
from portal.demo.common import between, date


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


def directives(units):
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


def campaigns(units, directives):
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


def twinning(units, villages, merged_village, directive):
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
# The recent quarters' campaign results and twinning activities

ROUTINE_ACTIVITIES = [
    ("Thăm, tặng quà cho hộ nghèo, hộ gia đình chính sách", 15_000_000, 30),
    ("Tuyên truyền pháp luật, phòng, chống tảo hôn và hôn nhân cận huyết thống", 0, 120),
    ("Hỗ trợ giống cây trồng, vật nuôi cho hộ khó khăn", 40_000_000, 12),
    ("Ra quân vệ sinh môi trường, làm đường giao thông nông thôn", 10_000_000, 80),
]
RESULT_FIGURES = ("models_built", "funds_mobilised", "houses_built", "houses_repaired",
                  "people_supported", "workdays")


def recent_activity(rng, quarters):
    """Campaign results and twinning activities in the demo's recent quarters,
    around the figures the articles give for 2024, so the totals page's panels
    show the quarters it opens on."""
    for campaign in Campaign.select():
        base = list(CampaignResult.select().where(CampaignResult.campaign == campaign,
                                                  CampaignResult.year == 2024, CampaignResult.quarter == 1))
        for year, quarter in quarters:
            if (year, quarter) <= (2024, 2) or (campaign.ends_on and campaign.ends_on < quarter_start(year, quarter)):
                continue
            for result in base:
                scale = rng.uniform(0.6, 1.4)
                figures = {name: round(getattr(result, name) * scale) for name in RESULT_FIGURES}
                figures["funds_mobilised"] = round(figures["funds_mobilised"], -6)
                CampaignResult.create(campaign=campaign, organisation=result.organisation_id,
                                      year=year, quarter=quarter, **figures)
    for link in TwinningLink.select().where(TwinningLink.status == "active"):
        for year, quarter in quarters:
            first = max(quarter_start(year, quarter), link.signed_on)
            if first > quarter_end(year, quarter) or rng.random() < 0.4:
                continue
            description, value, people = rng.choice(ROUTINE_ACTIVITIES)
            TwinningActivity.create(link=link, held_on=between(rng, first, quarter_end(year, quarter)),
                                    description=description, support_value=value,
                                    people_reached=people + rng.randint(0, people // 2))


# --------------------------------------------------------------------------
# Accounts

USERS = [
    ("admin", "admin", None, "Quản trị hệ thống"),
    ("vanphong", "secretariat", None, "Trần Thị Thu Hà"),
    ("phunu", "editor", "PHUNU", "Ksor H'Nhi"),
    ("nongdan", "editor", "NONGDAN", "Lê Văn Tám"),
    ("lanhdao", "viewer", None, "Nguyễn Văn Bình"),
]


def users(units):
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


def set_province():
    updated = Setting.update(value="Gia Lai").where(Setting.key == "province_name").execute()
    if not updated:
        Setting.create(key="province_name", value="Gia Lai")
