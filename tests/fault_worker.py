"""`flask --app wsgi jobs worker`, made to stop mid-work so that a test can kill -9 it there.

Run as `python tests/fault_worker.py` with the worker's environment. Once the
job has reported its first rows of the stage named by FAULT_HANG_STAGE (""
for an export, "Ghi dữ liệu" for an import's writing), the worker reports
them at once and then waits until it is killed: an import's first 200 rows
are inserted in its open transaction, an export has its partial file open.
Exports are read 10 rows at a time so a small list is already "mid-export".
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from portal import jobs  # noqa: E402  (the portal package first: it builds admin_views)
from admin_views import export_rows, exporting  # noqa: E402

HANG_STAGE = os.environ["FAULT_HANG_STAGE"]
report = jobs.Progress.update


def update(self, done, total=None, stage=None):
    report(self, done, total, stage)
    if self.stage == HANG_STAGE and 0 < self.done < (self.total or 0):
        self.queue.put(self.key, (self.done, self.total, self.stage, time.time()))
        time.sleep(600)  # until SIGKILL


jobs.Progress.update = update
export_rows.CHUNK = exporting.CHUNK = 10

if __name__ == "__main__":
    from flask.cli import main

    sys.argv = ["flask", "--app", "wsgi", "jobs", "worker", "--threads", "1"]
    main()
