"""Numbers as Vietnamese readers write them: 2.407 and 77,9%."""


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
