"""Downloads of stored attachments, behind login."""
import os

from flask import Blueprint, abort, current_app, send_from_directory
from flask_login import login_required

from admin_views.access import organisations_in_scope
from models import Directive, ImplementationReport, TaskUpdate

bp = Blueprint("files", __name__)


def _directive_files(stored):
    return Directive.select().where(Directive.attachment == stored)


def _report_files(stored):
    query = ImplementationReport.select().where(ImplementationReport.attachment == stored)
    ids = organisations_in_scope()
    return query if ids is None else query.where(ImplementationReport.organisation.in_(ids))


def _task_files(stored):
    # Every file a unit attached to a task is kept in its progress history.
    query = TaskUpdate.select().where(TaskUpdate.attachment == stored)
    ids = organisations_in_scope()
    return query if ids is None else query.where(TaskUpdate.organisation.in_(ids))


# Which records hold each upload folder's files, as this user may see them.
OWNERS = {"directives": _directive_files, "reports": _report_files, "tasks": _task_files}


@bp.route("/files/<path:stored>")
@login_required
def download(stored):
    subdir, _, name = stored.partition("/")
    owner = OWNERS.get(subdir)
    if owner is None or not name or not owner(stored).exists():
        abort(404)
    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], subdir)
    download_name = name.split("-", 2)[-1]
    return send_from_directory(folder, name, as_attachment=True, download_name=download_name)
