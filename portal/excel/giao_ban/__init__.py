from portal.excel.giao_ban.layout import sheet_name
from portal.excel.giao_ban.workbook import write_giao_ban

__all__ = ["write_giao_ban", "sheet_name"]
