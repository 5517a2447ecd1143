"""Excel in and out: the giao ban workbook, list exports, spreadsheet imports."""
