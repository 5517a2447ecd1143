"""A real server for end-to-end tests: gunicorn serving wsgi:app on loopback."""
import os
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out of a
# closed network at every start.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask_cli(env, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        env=env, cwd=ROOT, input=stdin, text=True, capture_output=True, check=True,
    )


class GunicornServer:
    def __init__(self, database_url, folder):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            SECRET_KEY="end-to-end-secret",
            PORTAL_ENV="development",
            UPLOAD_FOLDER=os.path.join(folder, "uploads"),
            JOB_QUEUE_FILE=os.path.join(folder, "jobs.sqlite3"),
            JOBS_FOLDER=os.path.join(folder, "jobs"),
            # Small enough that the demo's full member list goes through a background job.
            EXPORT_MAX_SYNC_ROWS="50",
            # And a member file of a few dozen rows through background jobs.
            IMPORT_MAX_SYNC_ROWS="20",
            BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY="2",
        )
        self.process = None

    def start(self, migrate=True):
        """Serve; `migrate=False` for a database copied from a migrated template."""
        if migrate:
            flask_cli(self.env, "db", "upgrade")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.process.stderr.read().decode())
            try:
                with urllib.request.urlopen(self.url + "/login", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(15)
            self.process.stderr.close()

    def create_user(self, username, password, role="admin", org=None):
        args = ["users", "create", username, "--role", role]
        if org:
            args += ["--org", org]
        flask_cli(self.env, *args, stdin=password + "\n")
