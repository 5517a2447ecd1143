"""`flask --app wsgi db backup -o FILE` and `flask --app wsgi db restore FILE`."""
import os

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.backup import make, nightly
from portal.backup.errors import BackupError, RestoreRefused
from portal.backup.restore import restore_backup


@click.command("backup")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="Tệp sao lưu sẽ ghi (.tar), chưa được có sẵn.")
@with_appcontext
def backup(output):
    """Back up the database and the attachments into one file, while the portal runs."""
    config = current_app.config
    try:
        manifest = make.create_backup(config, output, origin="command")
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    text = make.summary(manifest, output, os.path.getsize(output))
    nightly.record("Sao lưu bằng dòng lệnh: " + text)
    click.echo(f"Đã sao lưu vào {text}")


@click.command("restore")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--replace-existing-data", is_flag=True,
              help="Ghi đè cơ sở dữ liệu đích dù nó đã có dữ liệu (mọi dữ liệu đang có sẽ mất).")
@with_appcontext
def restore(path, replace_existing_data):
    """Restore a backup into an EMPTY database and uploads folder (stop the portal first);
    then run `flask --app wsgi db upgrade` to bring an older backup up to date."""
    from models import db

    if hasattr(db.obj, "close_all"):
        db.obj.close_all()  # no pooled connection of ours may hold the file or the schema
    try:
        manifest, pending = restore_backup(current_app.config, path, replace=replace_existing_data)
    except (RestoreRefused, BackupError) as error:
        raise click.ClickException(str(error)) from None
    rows = make.number(sum(manifest["row_counts"].values()))
    click.echo(f"Đã khôi phục bản sao lưu lúc {manifest['created_at']}: {len(manifest['row_counts'])} bảng "
               f"({rows} dòng, đã đối chiếu số dòng từng bảng) và {manifest['attachments']} tệp đính kèm.")
    if pending:
        click.echo(f"Bản sao lưu cũ hơn phiên bản này {len(pending)} migration: chạy "
                   "`flask --app wsgi db upgrade` trước khi mở lại cổng thông tin.")
    else:
        click.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất.")
