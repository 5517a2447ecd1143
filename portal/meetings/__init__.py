"""The giao ban meeting: its frozen figures (snapshot) and its agenda (agenda)."""
