"""The demo's giao ban meeting: Quý II/2019, whose reports are seed 000's figures.

Its record follows seed 001's account of a giao ban (the Deputy Party
Secretary in the chair, the heads of the six units, the next quarter's
focus), and its figures are frozen as read: the meeting page then shows
the snapshot, and any report changed afterwards beside it.
"""
import datetime

from models import Meeting, MeetingUnit
from portal.demo.figures import SEED_000_QUARTER
from portal.meetings import snapshot

ATTENDEES = "\n".join((
    "Đ/c Phó Bí thư Tỉnh ủy (chủ trì)",
    "Đ/c Phó Chủ tịch UBND tỉnh",
    "Đại diện các cơ quan tham mưu, giúp việc Tỉnh ủy",
    "Đ/c Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
    "Trưởng, phó các tổ chức chính trị - xã hội tỉnh",
))


def giao_ban(units):
    """The seed quarter's meeting, attended by the six units, its figures frozen."""
    year, quarter = SEED_000_QUARTER
    meeting = Meeting.create(
        year=year, quarter=quarter, version=1,
        title=f"Hội nghị giao ban khối Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh quý II năm {year}",
        held_on=datetime.date(year, 6, 20), place="Trụ sở Tỉnh ủy Gia Lai",
        chair="Đ/c Phó Bí thư Tỉnh ủy", attendees=ATTENDEES,
        agenda="Đánh giá tình hình thực hiện nhiệm vụ công tác quý II; "
               "định hướng nhiệm vụ công tác trọng tâm quý III.",
        assessment="Các đoàn thể chính trị - xã hội đã phát triển được 2.407 hội viên mới; "
                   "công tác xây dựng, củng cố tổ chức hội được quan tâm thực hiện.",
        conclusions="Tiếp tục thực hiện chủ trương mỗi tuần một ngày làm việc ở cơ sở; "
                    "tập trung phát triển đoàn viên, hội viên ở thôn, làng đồng bào dân tộc thiểu số.",
        report_number="12/BC-KDV", notice_number="15-TB/KDV",
    )
    for code in ("MTTQ", "DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD"):
        MeetingUnit.create(meeting=meeting, organisation=units[code])
    snapshot.take(meeting, now=datetime.datetime(year, 6, 20, 10, 30))
    meeting.save()
    return meeting
