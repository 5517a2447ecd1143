"""The two Word documents of a meeting, filled into templates/base.docx by docxtpl.

The page (header, title, closing blocks, fonts and margins) is the base
template's; every sentence comes from the editable texts (portal/documents/
texts.py), rendered in the sandbox first, then placed as plain paragraphs
(docxtpl escapes them: a "<" typed by the secretariat stays a "<").
"""
import io

from docxtpl import DocxTemplate

from models import Meeting
from models.reporting import quarter_label
from portal.documents import context, texts
from portal.documents.context import place_and_date
from portal.documents.figures import NoFigures
from portal.documents.make_base import BASE

# kind: (title printed, symbol in the number, the body's and summary's texts, recipients)
DOCUMENTS = {
    "report": ("BÁO CÁO", "BC", "doc_report_body", "doc_report_summary", "doc_report_recipients"),
    "notice": ("THÔNG BÁO", "TB", "doc_notice_body", "doc_notice_summary", "doc_notice_recipients"),
}
NAMES = {"report": "Báo cáo kết quả giao ban", "notice": "Thông báo kết luận hội nghị giao ban"}


def paragraphs(rendered):
    """Lines of a rendered text as body paragraphs; "# " marks a heading."""
    result = []
    for line in texts.lines(rendered):
        heading = line.startswith("# ")
        result.append({"heading": heading, "text": line[2:].strip() if heading else line, "last": False})
    if result:
        result[-1]["last"] = True
    return result


def fields(kind, context, day, overrides=None):
    """Everything base.docx asks for, rendered from the texts (`overrides`:
    {key: unsaved source} for a preview)."""
    overrides = overrides or {}
    title, symbol, body, summary, recipients = DOCUMENTS[kind]

    def text(key):
        return texts.render(key, context, overrides.get(key))

    issuer = texts.lines(text("doc_issuer"))
    meeting = context["meeting"]
    number = meeting.get("report_number" if kind == "report" else "notice_number") or f"……/{symbol}"
    return {
        "issuer_parent": issuer[0] if len(issuer) > 1 else "",
        "issuer": " ".join(issuer[1:]) if len(issuer) > 1 else " ".join(issuer),
        "number": number,
        "place_date": place_and_date(context["province"], day),
        "kind": title,
        "summary": texts.lines(text(summary)),
        "body": paragraphs(text(body)),
        "recipients": texts.lines(text(recipients)),
        "signer_titles": [line.upper() for line in texts.lines(text("doc_signer_titles"))],
        "signer_name": " ".join(texts.lines(text("doc_signer_name"))),
    }


def document(kind, context, day=None, overrides=None):
    """The .docx of `kind` ("report" or "notice") as bytes; raises
    texts.TextProblem when a stored text fails on this data."""
    values = fields(kind, context, day, overrides)
    template = DocxTemplate(str(BASE))
    template.render(values, autoescape=True)
    stream = io.BytesIO()
    template.save(stream)
    return stream.getvalue()


def file_name(kind, year, quarter):
    prefix = "bao-cao-giao-ban" if kind == "report" else "thong-bao-ket-luan"
    return f"{prefix}-{year}-Q{quarter}.docx"


def for_quarter(kind, year, quarter, root=None):
    """(bytes, file name) of the quarter's document for a user confined to
    `root` (None: the bloc). The report needs a meeting or figures, the notice
    a meeting; otherwise NoFigures says so in Vietnamese."""
    meeting = Meeting.get_or_none(Meeting.year == year, Meeting.quarter == quarter)
    if kind == "notice" and meeting is None:
        raise NoFigures(f"Chưa có hội nghị giao ban {quarter_label(year, quarter)}: thông báo kết luận "
                        "được lập từ biên bản hội nghị (Hội nghị giao ban → thêm hội nghị).")
    values = context.build(year, quarter, meeting, root)
    day = meeting.held_on if meeting is not None else None
    return document(kind, values, day), file_name(kind, year, quarter)
