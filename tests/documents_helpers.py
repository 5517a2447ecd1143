"""Shared by the documents' tests: a meeting of the seed-000 quarter, twinning
links, and a .docx read back as a reader sees it."""
import datetime
import io

import docx

from models import (
    AdministrativeUnit, Meeting, MeetingUnit, Organisation, Task, TaskAssignment, TwinningLink, Village,
)


def org(code):
    return Organisation.get(Organisation.code == code)


def meeting_of_seed_quarter(**fields):
    """The giao ban of Quý II/2019 (the seed-000 figures), with two tasks."""
    values = dict(year=2019, quarter=2, title="Hội nghị giao ban Khối quý II/2019",
                  held_on=datetime.date(2019, 7, 15), place="Hội trường Ủy ban MTTQ tỉnh",
                  chair="Đồng chí Rah Lan Chung, Phó Bí thư Tỉnh ủy",
                  attendees="Đ/c Nguyễn Thị Hoa, Chủ tịch Hội LHPN tỉnh\nĐ/c Siu Blơng, Chủ tịch Hội Nông dân tỉnh",
                  assessment="Các đơn vị hoàn thành tốt chỉ tiêu phát triển hội viên.",
                  conclusions="Tiếp tục rà soát, sáp nhập chi hội theo Nghị quyết 137/NQ-HĐND.",
                  report_number="25-BC/MTTQ-BTT", notice_number="26-TB/MTTQ-BTT")
    values.update(fields)
    meeting = Meeting.create(**values)
    for code in ("PHUNU", "NONGDAN"):
        MeetingUnit.create(meeting=meeting, organisation=org(code))
    women = Task.create(meeting=meeting, position=1, title="Tổ chức tập huấn cho chi hội trưởng phụ nữ",
                        deadline=datetime.date(2019, 9, 30))
    TaskAssignment.create(task=women, organisation=org("PHUNU"))
    farmers = Task.create(meeting=meeting, position=2, title="Thành lập tổ hội nghề nghiệp trồng cà phê",
                          deadline=datetime.date(2019, 8, 31))
    TaskAssignment.create(task=farmers, organisation=org("NONGDAN"))
    return meeting


def twinning_links(*codes):
    """An active twinning link for each unit named, signed before the seed quarter."""
    province = AdministrativeUnit.create(code="GL", name="Gia Lai", kind="tinh")
    commune = AdministrativeUnit.create(code="XA01", name="Ia Grai", kind="xa", parent=province)
    for index, code in enumerate(codes):
        village = Village.create(code=f"TH{index}", name=f"Plei {index}", kind="plei", commune=commune,
                                 ethnic_minority=True)
        TwinningLink.create(organisation=org(code), village=village, signed_on=datetime.date(2019, 1, 10),
                            status="active")


def read(data):
    return docx.Document(io.BytesIO(data))


def paragraphs(document):
    """Every paragraph, the header's and closing tables' included, in order."""
    found = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            found.append(docx.text.paragraph.Paragraph(child, document))
        elif child.tag.endswith("}tbl"):
            table = docx.table.Table(child, document)
            for row in table.rows:
                for cell in row.cells:
                    found.extend(cell.paragraphs)
    return found


def text(document):
    return "\n".join(p.text for p in paragraphs(document))


def effective(paragraph, run, name):
    """A run's font attribute as Word resolves it: the run, else its paragraph's
    style chain (docDefaults are not used: base.docx sets Normal)."""
    value = getattr(run.font, name)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.font, name)
        style = style.base_style
    return value


def find(document, words):
    return next(p for p in paragraphs(document) if words in p.text)
