"""Numbers as Vietnamese readers write them: 2.407 and 77,9%."""
from models.reporting import quarter_label


def number(value):
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{int(value):,}".replace(",", ".")


def percent(value):
    if value is None:
        return "–"
    return f"{value:.1f}".replace(".", ",") + "%"


def signed(value, as_percent=False):
    if value is None:
        return ""
    text = (f"{abs(value):.1f}".replace(".", ",") + " điểm %") if as_percent else number(abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


# Where a figure came from, as the totals page marks it (arithmetic.Figures.sources).
SOURCE_NOTES = {
    "children": ("từ cấp dưới", "Đơn vị để trống chỉ tiêu này: số cộng từ các đơn vị trực thuộc"),
    "mixed": ("một phần từ cấp dưới",
              "Có quý đơn vị tự báo cáo, có quý lấy số cộng từ các đơn vị trực thuộc"),
}


def carried(quarter):
    """The note on a stock carried from an earlier quarter: "số Quý III/2022"."""
    return f"số {quarter_label(*quarter)}"


def coverage(covered_units):
    covered, units = covered_units
    return f"tính trên {number(covered)}/{number(units)} đơn vị"


def from_children(figures):
    """Every figure of the row came from the unit's children: one mark for the row."""
    return figures.rolled_up and all(source == "children" for source in figures.sources.values())
