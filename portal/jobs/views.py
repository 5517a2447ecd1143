"""The user's own background jobs: progress, result, download or result page.

A job is its owner's alone: another user's id answers 404, as if it did not
exist, whatever their role.
"""
import os

from flask import abort, current_app, flash, jsonify, redirect, send_file, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from admin_views.access import SignedInPage
from admin_views import exporting
from admin_views.formatters import format_number
from models import Job
from models.job import STATUS_CHOICES
from portal import jobs
from portal.excel import import_jobs
from portal.jobs import lease

LIST_LENGTH = 50


class JobsView(SignedInPage, BaseView):
    @expose("/")
    def index(self):
        jobs.forget_old_files()
        mine = (Job.select().where(Job.user == current_user.id)
                .order_by(Job.created_at.desc(), Job.id.desc()).limit(LIST_LENGTH))
        return self.render("jobs/list.html",
                           rows=[(job, jobs.state_of(job), jobs.result_link(job)) for job in mine])

    @expose("/<int:job_id>/")
    def job(self, job_id):
        job = self._own(job_id)
        return self.render("jobs/job.html", job=job, state=jobs.state_of(job),
                           link=jobs.result_link(job))

    @expose("/<int:job_id>/status")
    def status(self, job_id):
        job = self._own(job_id)
        state = jobs.state_of(job)
        if state["status"] == "done" and job.has_download:
            state["download"] = url_for(".download", job_id=job.id)
        state["link"] = jobs.result_link(job)
        return jsonify(state)

    @expose("/<int:job_id>/download")
    def download(self, job_id):
        job = self._own(job_id)
        path = os.path.join(jobs.folder(), job.stored_name) if job.has_download else None
        if path is None or not os.path.exists(path):
            abort(404)
        response = send_file(path, mimetype=exporting.XLSX_MIMETYPE)
        response.headers["Content-Disposition"] = exporting.content_disposition(job.file_name)
        return response

    @expose("/<int:job_id>/rerun", methods=("POST",))
    def rerun(self, job_id):
        """Run an interrupted job again, with the input it had (its owner's alone)."""
        job = self._own(job_id)
        problem = jobs.folder_problem()
        if problem:
            flash(problem, "error")
        elif lease.rerun(job):
            flash("Tác vụ đã được đưa vào hàng đợi để chạy lại.", "info")
        else:
            flash("Tác vụ này không ở trạng thái bị gián đoạn nên không chạy lại được.", "error")
        return redirect(url_for(".job", job_id=job.id))

    def render(self, template, **context):
        config = current_app.config
        return super().render(
            template, status_labels=dict(STATUS_CHOICES), number=format_number,
            keep_hours=config.get("JOB_KEEP_HOURS", 24),
            sync_rows=config.get("EXPORT_MAX_SYNC_ROWS", exporting.DEFAULT_MAX_SYNC_ROWS),
            import_rows=config.get("IMPORT_MAX_SYNC_ROWS", import_jobs.DEFAULT_MAX_SYNC_ROWS), **context)

    def _own(self, job_id):
        job = Job.get_or_none(Job.id == job_id, Job.user == current_user.id)
        if job is None:
            abort(404)
        return job
