"""Cell formats of the giao ban workbook.

Number formats carry the Vietnamese locale tag [$-42A]: LibreOffice then shows
19.854 and 77,9% whatever the reader's own locale (the plain "#,##0" shows
19,854 under en-US). A figure's marks (report not yet approved, figure carried
from an earlier quarter) are a quoted suffix of its number format, so the cell
stays a number that formulas can add.
"""
from portal.excel.giao_ban.layout import BODY, FONT

VI = "[$-42A]"
NUMBER = VI + "#,##0"
PERCENT = VI + "0.0%"
SIGNED = VI + '+#,##0;"−"#,##0;"±"0'
POINTS = VI + '+0.0" điểm %";"−"0.0" điểm %";"±"0.0" điểm %"'

GREY = "#F2F2F2"


class Formats:
    """The workbook's named formats, and number formats made on demand with their marks."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.used_marks = set()
        self._made = {}
        self.named = {
            "title": self._add(bold=True, font_size=13, align="center", text_wrap=True),
            "subtitle": self._add(italic=True, align="center", text_wrap=True),
            "header": self._add(bold=True, border=1, align="center", text_wrap=True, bg_color="#DDEBF7"),
            "text": self._add(border=1, text_wrap=True),
            "unit": self._add(border=1, text_wrap=True),
            "total_label": self._add(border=1, bold=True, bg_color=GREY, text_wrap=True),
            "note": self._add(italic=True, font_size=10, text_wrap=True, valign="top"),
            "note_cell": self._add(italic=True, font_size=10, text_wrap=True, border=1, valign="top"),
            "empty": self._add(italic=True, border=1),
            # The official heading block of the cover (Nghị định 30/2020/NĐ-CP).
            "issuer": self._add(bold=True, align="center", text_wrap=True, font_size=12),
            "nation": self._add(bold=True, align="center", font_size=12),
            "motto": self._add(bold=True, align="center", font_size=13, underline=1),
            "place": self._add(italic=True, align="center", font_size=13),
            "doc_title": self._add(bold=True, align="center", text_wrap=True, font_size=15),
            "doc_period": self._add(bold=True, align="center", font_size=13),
            "line": self._add(text_wrap=True, font_size=12),
            "line_bold": self._add(bold=True, text_wrap=True, font_size=12),
        }

    def _add(self, **extra):
        return self.workbook.add_format({"font_name": FONT, "font_size": BODY, "valign": "vcenter", **extra})

    def __getitem__(self, name):
        return self.named[name]

    def figure(self, kind="number", total=False, marks=()):
        """A bordered number cell: kind "number", "percent", "signed" or "points";
        `marks` (see marks.py) are shown after the number."""
        key = (kind, total, tuple(marks))
        if key not in self._made:
            code = {"number": NUMBER, "percent": PERCENT, "signed": SIGNED, "points": POINTS}[kind]
            if marks:
                self.used_marks.update(marks)
                suffix = "".join(marks)
                code = VI + ";".join(f'{section}" {suffix}"' for section in code[len(VI):].split(";"))
            extra = {"bold": True, "bg_color": GREY} if total else {}
            self._made[key] = self._add(border=1, num_format=code, **extra)
        return self._made[key]
