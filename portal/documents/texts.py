"""The editable wording of the meeting's documents: Jinja templates kept as
Setting rows (key "doc_…"), with their defaults here.

Each template renders to plain text; every non-empty line becomes a paragraph
(a line starting with "# " a bold heading). They run in Jinja's
SandboxedEnvironment with StrictUndefined: the secretariat writes them, so they
may read the figures they are given and nothing else, and a misspelt name is
an error shown on save rather than a silent blank in a printed document.
"""
import re
from dataclasses import dataclass

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from models import Setting


@dataclass(frozen=True)
class Text:
    key: str
    label: str
    # "report", "notice" or "both": which document shows it (and is previewed).
    document: str
    default: str
    help: str = ""
    may_be_empty: bool = False


ISSUER = """ỦY BAN MTTQ VIỆT NAM TỈNH {{ province|upper }}
BAN THƯỜNG TRỰC"""

REPORT_SUMMARY = """Kết quả công tác {{ quarter_name }} và nhiệm vụ trọng tâm {{ next_quarter_name }}
của Khối Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh"""

REPORT_BODY = """Thực hiện chương trình công tác năm {{ year }}, trong {{ quarter_name }} các đơn vị trong Khối Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh {{ province }} đã tập trung triển khai các nhiệm vụ trọng tâm; kết quả cụ thể như sau:
# I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ {{ quarter_name|upper }}
# 1. Công tác xây dựng tổ chức, phát triển đoàn viên, hội viên
Các đơn vị đã phát triển mới {{ f.members_new.text }} đoàn viên, hội viên{% if f.members_new.compare %} ({{ f.members_new.compare }}){% endif %}{% if f.party_introduced.value %}; phối hợp giới thiệu {{ f.party_introduced.text }} quần chúng ưu tú cho Đảng xem xét, kết nạp{% endif %}{% if f.party_admitted.value %}; kết nạp {{ f.party_admitted.text }} đảng viên mới{% endif %}.{% if units_with.members_new %} Trong đó: {% for u in units_with.members_new %}{{ u.name }} {{ u.f.members_new.text }}{{ "; " if not loop.last else "." }}{% endfor %}{% endif %}
{% if f.members_total.value %}Tổng số đoàn viên, hội viên của các đơn vị đến cuối quý là {{ f.members_total.text }}{% if f.coverage_rate.value %}, tỷ lệ tập hợp đạt {{ f.coverage_rate.text }}{% if f.coverage_rate.compare %} ({{ f.coverage_rate.compare }}){% endif %}{% endif %}{% if f.members_left.value %}; giảm {{ f.members_left.text }} đoàn viên, hội viên do thôi sinh hoạt, chuyển đi, từ trần{% endif %}.{% endif %}
{% if f.branches.value %}Toàn Khối có {{ f.branches.text }} chi hội, chi đoàn, công đoàn cơ sở{% if f.groups.value %} và {{ f.groups.text }} tổ hội{% endif %}.{% endif %}
# 2. Công tác tuyên truyền, tập huấn và đi cơ sở
{% if f.field_visits.value %}Các đơn vị đã tổ chức {{ f.field_visits.text }} lượt đi cơ sở{% if f.field_visits.compare %} ({{ f.field_visits.compare }}){% endif %}{% if f.training_courses.value %}; mở {{ f.training_courses.text }} lớp tập huấn với {{ f.training_participants.text }} lượt người tham gia{% endif %}{% if f.propaganda_sessions.value %}; tổ chức {{ f.propaganda_sessions.text }} buổi tuyên truyền với {{ f.propaganda_attendance.text }} lượt người dự{% endif %}.{% endif %}
# 3. Các phong trào thi đua, cuộc vận động và công tác kết nghĩa
{% if f.funds_mobilised.value %}Các đơn vị đã vận động được {{ f.funds_mobilised.text }} đồng{% if f.houses_built.value %}, xây mới {{ f.houses_built.text }} nhà{% endif %}{% if f.houses_repaired.value %}, sửa chữa {{ f.houses_repaired.text }} nhà{% endif %}{% if f.models_established.value %}, thành lập mới {{ f.models_established.text }} mô hình{% endif %}.{% endif %}
Có {{ twinning.active_units }}/{{ twinning.units }} đơn vị trong Khối thực hiện công tác kết nghĩa{% if twinning.villages %} với {{ twinning.villages }} thôn, làng{% endif %}{% if twinning.activities %}; trong quý tổ chức {{ twinning.activities }} hoạt động, hỗ trợ {{ twinning.support }} đồng{% endif %}.
# II. NHIỆM VỤ TRỌNG TÂM {{ next_quarter_name|upper }}
{% for t in tasks %}
{{ loop.index }}. {{ t.title }} (Đơn vị thực hiện: {{ t.units }}; thời hạn: {{ t.deadline }}).
{% else %}
Các đơn vị tiếp tục thực hiện các nhiệm vụ theo chương trình công tác năm {{ year }}.
{% endfor %}"""

NOTICE_SUMMARY = """Kết luận của Hội nghị giao ban Khối Mặt trận Tổ quốc
và các tổ chức chính trị - xã hội tỉnh {{ quarter_name }}"""

NOTICE_BODY = """Ngày {{ meeting.held_on }}{% if meeting.place %}, tại {{ meeting.place }}{% endif %}, Khối Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh {{ province }} tổ chức Hội nghị giao ban {{ quarter_name }}{% if meeting.chair %}. Chủ trì Hội nghị: {{ meeting.chair }}{% endif %}.
{% if meeting.attendees %}Dự Hội nghị có các đồng chí:
{% for person in meeting.attendees %}
- {{ person }};
{% endfor %}{% endif %}
{% if meeting.units %}Các đơn vị dự Hội nghị: {{ meeting.units|join(", ") }}.{% endif %}
Sau khi nghe báo cáo kết quả công tác {{ quarter_name }} và ý kiến của các đơn vị, Hội nghị kết luận như sau:
# 1. Đánh giá kết quả {{ quarter_name }}
Các đơn vị đã phát triển mới {{ f.members_new.text }} đoàn viên, hội viên{% if f.members_new.compare %} ({{ f.members_new.compare }}){% endif %}; tổ chức {{ f.field_visits.text }} lượt đi cơ sở; có {{ twinning.active_units }}/{{ twinning.units }} đơn vị trong Khối thực hiện công tác kết nghĩa.
{{ meeting.assessment }}
# 2. Kết luận
{{ meeting.conclusions }}
{% if carried %}# 3. Nhiệm vụ các kỳ trước chưa hoàn thành
{% for c in carried %}
- {{ c.unit }}: {{ c.title }} (thời hạn {{ c.deadline }}; {{ c.status|lower }}{% if c.note %}: {{ c.note }}{% endif %}).
{% endfor %}
Đề nghị các đơn vị khẩn trương hoàn thành trong {{ next_quarter_name }}.
{% endif %}# {{ 4 if carried else 3 }}. Nhiệm vụ trọng tâm {{ next_quarter_name }}
{% for t in tasks %}
{{ loop.index }}. {{ t.title }} (Đơn vị thực hiện: {{ t.units }}; thời hạn: {{ t.deadline }}).
{% else %}
Các đơn vị tiếp tục thực hiện các nhiệm vụ theo chương trình công tác năm {{ year }}.
{% endfor %}
Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh thông báo kết luận của Hội nghị để các đơn vị trong Khối biết, thực hiện."""

RECIPIENTS_REPORT = """- Thường trực Tỉnh ủy (b/c);
- Ban Dân vận Tỉnh ủy (b/c);
- Các đơn vị trong Khối;
- Lưu: VT."""

RECIPIENTS_NOTICE = """- Thường trực Tỉnh ủy (b/c);
- Các đơn vị trong Khối (t/h);
- Lưu: VT."""

SIGNER_TITLES = """TM. BAN THƯỜNG TRỰC
PHÓ CHỦ TỊCH"""

TEXTS = [
    Text("doc_issuer", "Cơ quan ban hành", "both", ISSUER,
         "Dòng 1: cơ quan chủ quản (chữ thường đứng); dòng 2: cơ quan ban hành (in đậm)."),
    Text("doc_report_summary", "Trích yếu của báo cáo", "report", REPORT_SUMMARY,
         "In đậm, căn giữa dưới chữ «BÁO CÁO»; mỗi dòng một dòng."),
    Text("doc_report_body", "Nội dung báo cáo", "report", REPORT_BODY,
         "Mỗi dòng một đoạn; dòng bắt đầu bằng «# » là đề mục in đậm."),
    Text("doc_report_recipients", "Nơi nhận của báo cáo", "report", RECIPIENTS_REPORT),
    Text("doc_notice_summary", "Trích yếu của thông báo kết luận", "notice", NOTICE_SUMMARY,
         "In đậm, căn giữa dưới chữ «THÔNG BÁO»; mỗi dòng một dòng."),
    Text("doc_notice_body", "Nội dung thông báo kết luận", "notice", NOTICE_BODY,
         "Mỗi dòng một đoạn; dòng bắt đầu bằng «# » là đề mục in đậm."),
    Text("doc_notice_recipients", "Nơi nhận của thông báo kết luận", "notice", RECIPIENTS_NOTICE),
    Text("doc_signer_titles", "Quyền hạn, chức vụ người ký", "both", SIGNER_TITLES,
         "Mỗi dòng một dòng in hoa, đậm (ví dụ «TM. BAN THƯỜNG TRỰC», «PHÓ CHỦ TỊCH»)."),
    Text("doc_signer_name", "Họ tên người ký", "both", "",
         "Để trống thì chừa chỗ để ghi tay.", may_be_empty=True),
]
BY_KEY = {text.key: text for text in TEXTS}
LIMIT = 20000


class TextProblem(ValueError):
    """A template that cannot be used: the message is Vietnamese, with the line."""


# No trim_blocks: a block tag ending a line must not join it to the next
# paragraph; the empty lines a lone tag leaves are dropped anyway.
_environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                    keep_trailing_newline=False)


def stored(key):
    """The template in force: the saved one, else the default."""
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row is not None else BY_KEY[key].default


def compile_text(key, source):
    try:
        return _environment.from_string(source)
    except TemplateSyntaxError as error:
        raise TextProblem(describe(BY_KEY[key], error)) from None


def render(key, context, source=None):
    """The template's text for `context`; `source` overrides the stored one."""
    text = BY_KEY[key]
    template = compile_text(key, stored(key) if source is None else source)
    try:
        return template.render(context)
    except TemplateError as error:
        raise TextProblem(describe(text, error)) from None
    except (ArithmeticError, TypeError, ValueError, LookupError) as error:
        line = _render_line(error)
        where = f" ở dòng {line}" if line else ""
        raise TextProblem(f"Mẫu «{text.label}» có lỗi{where} khi tính: {error}.") from None


def lines(rendered):
    return [line.strip() for line in rendered.splitlines() if line.strip()]


def check(key, source, contexts):
    """Refuses (TextProblem) a template that does not parse, or fails on any
    of `contexts` (the latest meeting's data and a sample that fills every list)."""
    text = BY_KEY[key]
    if len(source) > LIMIT:
        raise TextProblem(f"Mẫu «{text.label}» dài quá {LIMIT:,} ký tự.".replace(",", "."))
    if not source.strip() and not text.may_be_empty:
        raise TextProblem(f"Mẫu «{text.label}» không được để trống.")
    compile_text(key, source)
    for context in contexts:
        render(key, context, source)


# Jinja's own messages, in words the secretariat reads.
_MESSAGES = [
    (r"^'([^']+)' is undefined$", "không có biến «{0}»"),
    (r"^'[^']+' has no attribute '([^']+)'$", "không có mục «{0}»"),
    (r"^'[^']+ object' has no attribute '([^']+)'$", "không có mục «{0}»"),
    (r"^Unexpected end of template\. Jinja was looking for the following tags: .*?"
     r"The innermost block that needs to be closed is '(\w+)'\.?$",
     "mẫu kết thúc mà thẻ «{{% {0} %}}» chưa được đóng (thiếu «{{% end{0} %}}»)"),
    (r"^Unexpected end of template.*$", "mẫu kết thúc khi một thẻ còn chưa đóng"),
    (r"^unexpected end of template.*$", "mẫu kết thúc khi một thẻ còn chưa đóng"),
    (r"^Encountered unknown tag '(\w+)'\. You probably made a nesting mistake\..*"
     r"The innermost block that needs to be closed is '(\w+)'\.?$",
     "thẻ «{{% {0} %}}» đặt sai chỗ: thẻ «{{% {1} %}}» bên trong còn chưa đóng"),
    (r"^Encountered unknown tag '([^']+)'\..*$", "thẻ «{0}» không hợp lệ hoặc đặt sai chỗ"),
    (r"^unexpected '(.+)'$", "ký tự «{0}» không đúng chỗ"),
    (r"^expected token '([^']+)', got '([^']+)'$", "cần «{0}» nhưng gặp «{1}»"),
    (r"^unexpected char '(.+)' at \d+$", "ký tự «{0}» không hợp lệ"),
    (r"^no filter named '([^']+)'$", "không có bộ lọc «{0}»"),
    (r"^No filter named '([^']+)'\.?$", "không có bộ lọc «{0}»"),
    (r"^no test named '([^']+)'$", "không có phép thử «{0}»"),
    (r"^No test named '([^']+)'\.?$", "không có phép thử «{0}»"),
    (r"^access to attribute '([^']+)' of .* is unsafe\.?$", "không được truy cập «{0}»"),
    (r"^.* is not safely callable$", "không được gọi hàm này"),
]


def _words(message):
    message = (message or "").strip()
    for pattern, words in _MESSAGES:
        match = re.match(pattern, message, re.S)
        if match:
            return words.format(*match.groups())
    return f"lỗi cú pháp mẫu ({message})"


def describe(text, error):
    where = ""
    if isinstance(error, TemplateSyntaxError) and error.lineno:
        where = f" ở dòng {error.lineno}"
    elif isinstance(error, (UndefinedError, SecurityError)):
        line = _render_line(error)
        where = f" ở dòng {line}" if line else ""
    return f"Mẫu «{text.label}» có lỗi{where}: {_words(error.message)}."


def _render_line(error):
    """The template line a render error came from, read off its traceback."""
    tb = error.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
