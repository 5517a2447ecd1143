"""The meeting's Word documents: the quarter's report and the conclusion notice
(render.py), their editable texts (texts.py), the figures they state
(figures.py, context.py), their pages (views.py) and commands (cli.py)."""
