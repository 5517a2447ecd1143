"""The cover: the heading block of a Vietnamese administrative document
(Nghị định 30/2020/NĐ-CP), what the workbook holds, and how to read its marks."""
from portal.excel.giao_ban import marks
from portal.excel.giao_ban.layout import fit_row

TITLE = "Báo cáo giao ban Khối Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh"
WIDTH = 26  # four columns: the issuing body on the left half, the national heading on the right
METHOD = ("Chỉ tiêu cộng dồn được cộng qua các quý; chỉ tiêu cuối kỳ lấy số của quý cuối có báo cáo; "
          "tỷ lệ tính từ tổng tử số và tổng mẫu số của các đơn vị báo cáo đủ cả hai số.")


def issuing_body(parent, province):
    """The parent's name as a provincial body signs it: "… tỉnh Gia Lai"."""
    name = parent.name.strip()
    return f"{name} {province}" if name.casefold().endswith(" tỉnh") and province else name


def place_and_date(province, when):
    # Days under 10 and the months January and February take a leading zero (NĐ 30/2020).
    month = f"{when.month:02d}" if when.month < 3 else str(when.month)
    return f"{province}, ngày {when.day:02d} tháng {month} năm {when.year}"


def source_text(selection):
    if selection.include_drafts:
        return ("Nguồn số liệu: báo cáo quý đã gửi, đã duyệt và cả bản nháp chưa gửi; "
                "số liệu có bản nháp không phải số liệu chính thức.")
    return "Nguồn số liệu: báo cáo quý đã gửi và đã duyệt."


def write_cover(book, sheet, province, produced_by):
    """Fill the cover (added first, written last, when the marks used are known)."""
    f, selection = book.f, book.totals.selection
    sheet.set_column(0, 3, WIDTH)
    body = issuing_body(selection.parent, province).upper()
    sheet.merge_range(0, 0, 1, 1, body, f["issuer"])
    sheet.merge_range(0, 2, 0, 3, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f["nation"])
    sheet.merge_range(1, 2, 1, 3, "Độc lập - Tự do - Hạnh phúc", f["motto"])
    sheet.merge_range(3, 2, 3, 3, place_and_date(province, book.made), f["place"])
    sheet.set_row(0, 20)
    fit_row(sheet, 1, [(body, 2 * WIDTH, 12, True)], minimum=20)
    sheet.set_row(3, 22)
    sheet.merge_range(5, 0, 5, 3, "BÁO CÁO SỐ LIỆU GIAO BAN", f["doc_title"])
    sheet.set_row(5, 26)
    heading = f"{issuing_body(selection.parent, province)} — {selection.label}"
    sheet.merge_range(6, 0, 6, 3, heading, f["doc_period"])
    fit_row(sheet, 6, [(heading, 4 * WIDTH, 13, True)])
    lines = [
        (f"Đơn vị: {selection.parent.name}", "line"),
        (f"Người lập: {produced_by}", "line"),
        (f"Ngày lập: {book.made:%d/%m/%Y %H:%M}", "line"),
        ("", "line"),
        (source_text(selection), "line_bold" if selection.include_drafts else "line"),
        (METHOD, "line"),
    ]
    legend = marks.legend(book.f.used_marks)
    if legend:
        lines += [("Ký hiệu:", "line_bold")] + [(text, "line") for text in legend]
    lines += [("", "line"),
              ("Các trang: Tổng hợp (các đơn vị, theo nhóm chỉ tiêu), So sánh (với kỳ trước và cùng kỳ "
               "năm trước), một trang cho mỗi đơn vị, Phong trào, Văn bản, Kết nghĩa.", "line")]
    for row, (text, style) in enumerate(lines, 8):
        if text:
            sheet.merge_range(row, 0, row, 3, text, f[style])
        fit_row(sheet, row, [(text, 4 * WIDTH, 12, style == "line_bold")], minimum=18)
    return sheet
