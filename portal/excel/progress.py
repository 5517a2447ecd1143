"""How far a long import is: rows read, checked and written.

The import modules take an optional `progress(done, total, stage)` (a
background job's Progress.update, portal/jobs) and call it every ROWS rows of
each loop and at its end; callers that pass nothing (the command line, small
uploads in a request) go on as before. The stage names are what the job page
shows above its bar.
"""
ROWS = 250  # rows between two calls

READING = "Đọc tệp"
CHECKING = "Kiểm tra từng dòng"
MATCHING = "Đối chiếu với dữ liệu đã có"
WRITING = "Ghi dữ liệu"


def counted(items, progress, stage, total=None):
    """Yield `items`, telling progress(done, total, stage) how many are through.

    `total` defaults to len(items); for rows of a file still being read it is
    None, and the caller's estimate stands.
    """
    if progress is None:
        yield from items
        return
    if total is None and hasattr(items, "__len__"):
        total = len(items)
    done = 0
    progress(done, total, stage)
    for item in items:
        yield item
        done += 1
        if done % ROWS == 0:
            progress(done, total, stage)
    if done % ROWS:
        progress(done, total, stage)
