"""Downloads of stored attachments, behind login."""
import os

from flask import Blueprint, abort, current_app, send_from_directory
from flask_login import login_required

from models import Directive, ImplementationReport

bp = Blueprint("files", __name__)

# Which record holds each upload folder's files.
OWNERS = {"directives": Directive, "reports": ImplementationReport}


@bp.route("/files/<path:stored>")
@login_required
def download(stored):
    subdir, _, name = stored.partition("/")
    owner = OWNERS.get(subdir)
    if owner is None or not name or owner.get_or_none(owner.attachment == stored) is None:
        abort(404)
    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], subdir)
    download_name = name.split("-", 2)[-1]
    return send_from_directory(folder, name, as_attachment=True, download_name=download_name)
