"""`flask --app wsgi export meeting-report|conclusion-notice --year Y --quarter Q -o FILE.docx`."""
import click

from portal.reporting.totals import BadSelection, check_quarter


def _write(kind, year, quarter, output):
    from admin_views import auditing
    from models import Meeting
    from models.reporting import quarter_label
    from portal.documents import render, texts
    from portal.documents.figures import NoFigures

    try:
        check_quarter(year, quarter)
        data, _ = render.for_quarter(kind, year, quarter)
    except (BadSelection, NoFigures, texts.TextProblem) as problem:
        raise click.ClickException(str(problem))
    with open(output, "wb") as stream:
        stream.write(data)
    meeting = Meeting.get_or_none(Meeting.year == year, Meeting.quarter == quarter)
    auditing.record("export", meeting, table="meeting",
                    note=f"{render.NAMES[kind]} {quarter_label(year, quarter)} (dòng lệnh), tệp {output}")
    click.echo(f"Đã ghi {render.NAMES[kind].lower()} {quarter_label(year, quarter)} vào {output}.")


_year = click.option("--year", type=int, required=True, help="Năm của hội nghị, ví dụ 2025.")
_quarter = click.option("--quarter", type=int, required=True, help="Quý, 1–4.")
_output = click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
                       help="Tệp .docx sẽ ghi.")


@click.command("meeting-report")
@_year
@_quarter
@_output
def meeting_report(year, quarter, output):
    """Write the quarter's report (báo cáo kết quả giao ban) as a .docx file; without a
    meeting record, from the figures alone, with the number and date left blank."""
    _write("report", year, quarter, output)


@click.command("conclusion-notice")
@_year
@_quarter
@_output
def conclusion_notice(year, quarter, output):
    """Write the meeting's conclusion notice (thông báo kết luận) as a .docx file."""
    _write("notice", year, quarter, output)
