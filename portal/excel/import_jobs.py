"""Import files too large for a request, as background jobs (portal/jobs).

A file with more data rows than IMPORT_MAX_SYNC_ROWS (estimated without
reading its cells) would outlast the request. The import page keeps it under
its token as for any upload and queues a job that checks it, as its user; the
job page then leads back to the import page (`?job=<id>`), which shows what
the check left in the jobs folder: every bad row, or the preview with the
confirmation button. Confirming such a file queues a second job that checks
it again in full and writes it in one transaction, exactly as a request does
for a small file. Progress (rows read, checked, written) goes to the queue's
storage, never to our database mid-transaction. A job, its result and its
preview are its owner's alone.
"""
import datetime
import json
import os

from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user

from models import Job, db
from portal import jobs
from portal.excel import uploads
from portal.reporting.import_file import Problem, estimated_rows, number

DEFAULT_MAX_SYNC_ROWS = 5000

TEXT = {
    "check": "Kiểm tra tệp {name} ({rows} dòng)",
    "write": "Nhập {what} từ tệp {name} ({rows} dòng)",
    "queued_check": ("Tệp có khoảng {rows} dòng nên được kiểm tra ở chế độ nền. Khi xong, trang này "
                     "dẫn tới kết quả kiểm tra; bạn cũng tìm lại được ở mục “Tác vụ nền”."),
    "queued_write": ("Tệp có khoảng {rows} dòng nên được ghi ở chế độ nền, cả tệp hoặc không dòng "
                     "nào; trang này báo kết quả khi xong."),
    "checked": "Tệp hợp lệ: {count} {what} sẽ được nhập khi bạn xác nhận.",
    "bad_rows": "Tệp có {count} lỗi; chưa ghi gì.",
    "lost": ("Không tìm thấy tệp đã tải lên (đã nhập hoặc đã quá hạn); chưa ghi gì. "
             "Hãy tải tệp lên lại."),
    "locked": "Tài khoản đã bị khoá; chưa ghi gì.",
    "no_right": "Tài khoản không còn quyền nhập dữ liệu này; chưa ghi gì.",
    "to_preview": "Xem trước và xác nhận nhập",
    "to_problems": "Xem các lỗi",
}


def too_large(name, data):
    """The estimated data rows of a file too large for a request; 0 for one it can take."""
    rows = estimated_rows(name, data)
    return rows if rows > current_app.config.get("IMPORT_MAX_SYNC_ROWS", DEFAULT_MAX_SYNC_ROWS) else 0


def start(view, step, token, name, rows):
    """Queue the check ("check") or the writing ("write") of the upload kept
    under `token` on `view`'s page, and send the user to the job's page."""
    params = {"endpoint": view.endpoint, "path": view.get_url(".index"), "folder": view.kind.folder,
              "step": step, "token": token, "address": request.remote_addr or ""}
    title = TEXT[step].format(name=name, rows=number(rows), what=view.kind.what)
    problem = jobs.folder_problem()
    if problem:  # said now, rather than by a job that could never keep its result
        uploads.forget(view.kind.folder, token)
        return view._page(problems=[Problem(None, None, problem)])
    with db.atomic():
        job = Job.create(user=current_user.id, kind="import", total=rows, title=title[:255],
                         params=json.dumps(params))
    jobs.submit(job)
    flash(TEXT["queued_" + step].format(rows=number(rows)), "info")
    return redirect(url_for("jobs.job", job_id=job.id))


def run_import_job(job, progress):
    """The job: one step of the import, as its user, within the user's section of now."""
    params = json.loads(job.params)
    view, step = jobs.view_for(params["endpoint"]), params["step"]
    keep_upload = False
    try:
        with jobs.as_its_user(job, params["path"], TEXT["locked"], params.get("address")):
            if view is None or not view.is_accessible():
                raise jobs.JobRefused(TEXT["no_right"])
            if step == "check":
                outcome = _check(job, view, params["token"], progress.update)
                keep_upload = True  # for its confirmation
                return outcome
            return _write(job, view, params["token"], progress)
    finally:
        if not keep_upload:
            uploads.forget(params["folder"], params["token"])


def _check(job, view, token, progress):
    found = uploads.peek(view.kind.folder, token)
    if found is None:
        raise jobs.JobRefused(TEXT["lost"])
    name, data = found
    rows, problems = view.check_file(name, data, progress)
    if problems:
        _refuse(job, problems)
    stored = _keep(job, {"token": token, "name": name, "count": len(rows), "shown": view.shown(rows)})
    return TEXT["checked"].format(count=number(len(rows)), what=view.kind.what), stored, ""


def _write(job, view, token, progress):
    found = uploads.claimed(view.kind.folder, token)
    if found is None:
        raise jobs.JobRefused(TEXT["lost"])
    # The job is recorded as done by the transaction that writes the rows: a
    # worker killed after the commit leaves a finished job, never one that
    # "Chạy lại" would write a second time (portal/jobs/lease.py).
    with db.atomic():
        problems, summary = view.write_file(*found, progress=progress.update)
        if not problems:
            (Job.update(status="done", message=summary.message(), done=progress.done,
                        total=progress.total, finished_at=datetime.datetime.now())
             .where(Job.id == job.id, Job.status == "running", Job.started_at == job.started_at)
             .execute())
    if problems:
        _refuse(job, problems)
    return summary.message(), "", ""


def _refuse(job, problems):
    """End the job with why nothing was written, keeping every problem for the import page."""
    stored = _keep(job, {"problems": [[p.line, p.column, p.reason] for p in problems]})
    if len(problems) == 1 and problems[0].line is None:
        raise jobs.JobRefused(problems[0].reason, stored)  # the file as a whole
    raise jobs.JobRefused(TEXT["bad_rows"].format(count=number(len(problems))), stored)


def _keep(job, result):
    with jobs.result_file(job, ".json") as (stored, output):
        output.write(json.dumps(result, ensure_ascii=False).encode("utf-8"))
    return stored


# --- what a job left, for the import page ----------------------------------------------

def own_job(view, job_id):
    """This user's import job of `view`'s page, or None."""
    job = Job.get_or_none(Job.id == job_id, Job.user == current_user.id, Job.kind == "import")
    if job is None or json.loads(job.params).get("endpoint") != view.endpoint:
        return None
    return job


def result_of(job):
    """{problems, and for a good file token, name, count, shown} as the check
    left them; None while it runs, after a write, or once the result is gone."""
    if not (job.finished and job.stored_name):
        return None
    try:
        with open(os.path.join(jobs.folder(), job.stored_name), encoding="utf-8") as fh:
            result = json.load(fh)
    except (OSError, ValueError):
        return None
    result["problems"] = [Problem(*problem) for problem in result.get("problems", ())]
    return result


def result_link(job):
    """Where the job page leads once the job left a result: the import page."""
    if not job.stored_name:
        return None
    endpoint = json.loads(job.params).get("endpoint")
    label = TEXT["to_preview"] if job.status == "done" else TEXT["to_problems"]
    return {"url": url_for(f"{endpoint}.index", job=job.id), "label": label}
