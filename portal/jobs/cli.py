"""`flask --app wsgi jobs worker`: run background jobs in their own process."""
import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Tác vụ nền (xuất, nhập dữ liệu lớn).")


@jobs_cli.command("worker")
@click.option("--threads", default=2, show_default=True, help="Số luồng chạy song song.")
def worker(threads):
    """Chạy tác vụ nền cho đến khi dừng (Ctrl+C); dùng khi hàng đợi là Redis."""
    queue = current_app.extensions["jobs"].queue
    click.echo(f"Đang chờ tác vụ nền ({threads} luồng)…")
    queue.create_consumer(workers=threads, worker_type="thread").run()


@jobs_cli.command("run-pending")
def run_pending():
    """Chạy ngay mọi tác vụ đang chờ rồi thoát."""
    from portal import jobs

    ran = jobs.run_pending(current_app._get_current_object())
    click.echo(f"Đã chạy {ran} tác vụ.")
