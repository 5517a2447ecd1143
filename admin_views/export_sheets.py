"""The sheets of a list export: one, or as many as the list needs.

A sheet holds 1.048.576 rows, its header included. After the 2025 mergers a
province's Women's Union can hold more members than that; its export goes on
in a second sheet named like the first with " (2)", and so on, each with the
same header, column widths, frozen header row and filter, so that every sheet
reads as the list does. Rows keep the list's order across the sheets.
"""
# Excel's own limit, header row included.
EXCEL_MAX_ROWS = 1048576
SHEET_NAME_MAX = 31


class Sheets:
    """The workbook's sheets for one list; `capacity` data rows each."""

    capacity = EXCEL_MAX_ROWS - 1

    def __init__(self, workbook, name, columns, widths, header_style):
        self.workbook, self.name = workbook, name
        self.labels = [str(label) for _name, label in columns]
        self.widths, self.header_style = widths, header_style
        self.all = []
        self._add()

    @property
    def first(self):
        return self.all[0]

    def place(self, row_number):
        """(sheet, row within it) of data row `row_number` (1 for the list's first)."""
        index, within = divmod(row_number - 1, self.capacity)
        while len(self.all) <= index:
            self._add()
        return self.all[index], within + 1

    def finish(self, written):
        """A filter over each sheet's header and rows, once all `written` rows are in."""
        if not self.labels:
            return
        for index, sheet in enumerate(self.all):
            rows = min(self.capacity, max(written - index * self.capacity, 0))
            sheet.autofilter(0, 0, max(rows, 1), len(self.labels) - 1)

    def _add(self):
        number = len(self.all) + 1
        suffix = f" ({number})" if number > 1 else ""
        sheet = self.workbook.add_worksheet(self.name[:SHEET_NAME_MAX - len(suffix)] + suffix)
        for index, width in enumerate(self.widths):
            sheet.set_column(index, index, width)
        sheet.freeze_panes(1, 0)
        for index, label in enumerate(self.labels):
            sheet.write_string(0, index, label, self.header_style)
        self.all.append(sheet)
        return sheet
