"""Builds templates/base.docx, the page every document of the meeting is printed on.

The administrative format of Nghị định 30/2020/NĐ-CP (Phụ lục I): A4
portrait, margins top and bottom 20 mm, left 30 mm, right 15 mm, Times New
Roman; a borderless two-column header (issuing body and number on the left,
national heading, motto and place and date on the right), the document's
kind and summary centred in bold, the body, then "Nơi nhận:" bottom left and
the signature bottom right. The fields are docxtpl (Jinja) tags filled by
portal/documents/render.py.

Checked in with its output so the template is reproducible:
    .venv/bin/python portal/documents/make_base.py
(tests/test_documents.py checks that the shipped file is what this writes).
"""
import pathlib
import sys

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

BASE = pathlib.Path(__file__).with_name("templates") / "base.docx"
FONT = "Times New Roman"
# Column widths of the header and the closing blocks (the text is 165 mm wide).
LEFT, RIGHT = Mm(68), Mm(97)


def _fonts(rpr_owner):
    """Times New Roman for every script, so Vietnamese text never falls back."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _style(document, name, size, bold=False, italic=False, underline=False, align=None,
           indent=None, before=0, after=0):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.font.size = Pt(size)
    style.font.bold, style.font.italic, style.font.underline = bold, italic, underline
    style.font.name = FONT
    _fonts(style.element)
    form = style.paragraph_format
    form.alignment = align
    form.space_before, form.space_after = Pt(before), Pt(after)
    form.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if indent is not None:
        form.first_line_indent = indent
    return style


def _line_under(paragraph, inset):
    """A short rule under a heading block (Nghị định 30 draws one under the
    issuing body and under the summary): an empty paragraph's bottom border,
    shortened by indents."""
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = inset
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)
    paragraph.paragraph_format.space_after = Pt(4)


def _borderless(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False


def _cell_paragraph(cell, text, style, first=False):
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.style = style
    paragraph.add_run(text)
    return paragraph


def _two_columns(document, rows):
    table = document.add_table(rows=rows, cols=2)
    _borderless(table)
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = LEFT, RIGHT
    for column, width in zip(table.columns, (LEFT, RIGHT)):
        column.width = width
    return table


def build(path=BASE):
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)

    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    _fonts(normal.element)
    normal.paragraph_format.space_after = Pt(0)

    centre = WD_ALIGN_PARAGRAPH.CENTER
    issuer_parent = _style(document, "Issuer parent", 13, align=centre)
    issuer = _style(document, "Issuer", 13, bold=True, align=centre)
    nation = _style(document, "National heading", 12, bold=True, align=centre)
    motto = _style(document, "Motto", 13, bold=True, underline=True, align=centre)
    number = _style(document, "Number", 13, align=centre, before=6)
    place_date = _style(document, "Place and date", 14, italic=True, align=centre, before=6)
    kind = _style(document, "Document kind", 14, bold=True, align=centre, before=18)
    summary = _style(document, "Document summary", 14, bold=True, align=centre)
    body = _style(document, "Body", 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=Cm(1.27), after=6)
    # The body's last paragraph goes with the signature when that turns the page.
    last = _style(document, "Body last", 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=Cm(1.27), after=6)
    last.paragraph_format.keep_with_next = True
    heading = _style(document, "Body heading", 14, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                     indent=Cm(1.27), after=6)
    recipients_title = _style(document, "Recipients title", 12, bold=True, italic=True, before=12)
    recipient = _style(document, "Recipient", 11)
    signer_title = _style(document, "Signer title", 14, bold=True, align=centre)
    signer_name = _style(document, "Signer name", 14, bold=True, align=centre)

    header = _two_columns(document, 2)
    left, right = header.rows[0].cells
    _cell_paragraph(left, "{{ issuer_parent }}", issuer_parent, first=True)
    _cell_paragraph(left, "{{ issuer }}", issuer)
    _line_under(left.add_paragraph(style=issuer), Mm(22))
    _cell_paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", nation, first=True)
    _cell_paragraph(right, "Độc lập - Tự do - Hạnh phúc", motto)
    left, right = header.rows[1].cells
    _cell_paragraph(left, "Số: {{ number }}", number, first=True)
    _cell_paragraph(right, "{{ place_date }}", place_date, first=True)

    document.add_paragraph("{{ kind }}", style=kind)
    document.add_paragraph("{%p for line in summary %}", style=summary)
    document.add_paragraph("{{ line }}", style=summary)
    document.add_paragraph("{%p endfor %}", style=summary)
    _line_under(document.add_paragraph(style=summary), Mm(55))
    document.add_paragraph("", style=body)

    # Body paragraphs: a heading line is bold, every other line is indented text.
    document.add_paragraph("{%p for paragraph in body %}", style=body)
    document.add_paragraph("{%p if paragraph.heading %}", style=body)
    document.add_paragraph("{{ paragraph.text }}", style=heading)
    document.add_paragraph("{%p elif paragraph.last %}", style=body)
    document.add_paragraph("{{ paragraph.text }}", style=last)
    document.add_paragraph("{%p else %}", style=body)
    document.add_paragraph("{{ paragraph.text }}", style=body)
    document.add_paragraph("{%p endif %}", style=body)
    document.add_paragraph("{%p endfor %}", style=body)

    closing = _two_columns(document, 1)
    # The recipients and the signature move to the next page together, never
    # leaving the signer's name alone on a page.
    row_properties = closing.rows[0]._tr.get_or_add_trPr()
    row_properties.append(OxmlElement("w:cantSplit"))
    left, right = closing.rows[0].cells
    _cell_paragraph(left, "Nơi nhận:", recipients_title, first=True)
    _cell_paragraph(left, "{%p for line in recipients %}", recipient)
    _cell_paragraph(left, "{{ line }}", recipient)
    _cell_paragraph(left, "{%p endfor %}", recipient)
    _cell_paragraph(right, "{%p for line in signer_titles %}", signer_title, first=True)
    _cell_paragraph(right, "{{ line }}", signer_title)
    _cell_paragraph(right, "{%p endfor %}", signer_title)
    # Room for the signature and the seal.
    for _ in range(4):
        right.add_paragraph(style=signer_title)
    _cell_paragraph(right, "{{ signer_name }}", signer_name)
    # A document must end in a paragraph; a full-size one after the closing
    # table can spill onto a page of its own.
    end = document.add_paragraph(style=_style(document, "End", 1))
    end.paragraph_format.line_spacing = Pt(1)

    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


if __name__ == "__main__":
    print(build(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else BASE))
