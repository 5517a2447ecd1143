"""Load, measured: a quarter-end morning against gunicorn, then every write checked.

    python bench/load.py --database URL [--users 50] [--duration 60] [--nodes 1|2]
                         [--members 100000] [--markdown]

Loopback only and bounded in time. The database is migrated and, when it has
no members, filled with a generated province of --members members. The run
makes its own accounts (tai_bt_N editors, one per unit, tai_vp_N secretariat)
and starts gunicorn with the project's gunicorn.conf.py (one node), or two
gunicorn nodes on two ports sharing the database, a Redis job queue and
rate-limit store, one jobs folder and a `flask --app wsgi jobs worker`
process (--nodes 2: PostgreSQL only, SQLite is one machine's database).
bench/load_users.py says what the simulated users do.

It prints, per request type, p50/p95/p99 and throughput against the targets
(pages p95 ≤ 300 ms, the workbook ≤ 1 s), measured for --duration seconds
once every user has signed in; the sign-ins are printed apart (slow on
purpose, a password hash each, and without a target). Then it checks the database: each edit the
users saw succeed is there exactly once, each edit built on the one before
(no update lost), each saved report holds its last figures, each imported
member exists once; no 5xx, no "database is locked" in the servers' logs.
Exits 1 when anything is missed. Needs `pip install -r bench/requirements.txt`.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

PAGE_TARGET_MS = 300
TARGETS = {"tải bảng tổng hợp (xlsx)": 1000, "đăng nhập": None}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="sqlite:///FILE or postgresql://…")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--nodes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--members", type=int, default=100_000, help="generated when the database is empty")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--step", choices=("setup", "settle", "verify"), help=argparse.SUPPRESS)
    parser.add_argument("--ledger", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = args.database
    if args.step == "setup":
        from bench.load_setup import setup
        print(json.dumps(setup(args.users)))
        return 0
    if args.step == "settle":
        from bench.load_setup import settle
        print(json.dumps(settle()))
        return 0
    if args.step == "verify":
        from bench.load_setup import verify
        with open(args.ledger, encoding="utf-8") as ledger:
            print(json.dumps(verify(json.load(ledger))))
        return 0
    if args.nodes == 2 and not args.database.startswith("postgres"):
        parser.error("two nodes share one PostgreSQL: --nodes 2 needs a postgresql:// database")
    return run(args)


def run(args):
    prepare(args.database, args.members)
    plan = _step("setup", args.database, "--users", str(args.users))
    workdir = tempfile.mkdtemp(prefix="giaoban-load-")
    processes, roles = [], {}  # roles: {process group: what it is}, for the CPU report

    def launch(role, command, name, env=None):
        process = _start(command, workdir, name, env)
        processes.append(process)
        roles[process.pid] = role

    try:
        env = server_env(args.database, workdir)
        if args.nodes == 2:
            redis_port = free_port()
            launch("Redis", ["redis-server", "--port", str(redis_port), "--save", "",
                             "--appendonly", "no", "--bind", "127.0.0.1"], "redis")
            env["JOB_BROKER_URL"] = f"redis://127.0.0.1:{redis_port}/0"
            _wait_for_port(redis_port)
            launch("jobs worker", [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"], "worker", env)
        nodes = []
        if args.nodes == 2 and "WEB_CONCURRENCY" not in os.environ:
            # Two nodes on this one machine share its cores: each gets about half of
            # the workers gunicorn.conf.py gives the machine (2 × cores + 1).
            env["WEB_CONCURRENCY"] = str(os.cpu_count() + 1)
        for number in range(args.nodes):
            port = free_port()
            node_env = dict(env, BIND=f"127.0.0.1:{port}")
            launch("web", [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                   f"node{number + 1}", node_env)
            nodes.append(f"http://127.0.0.1:{port}")
        for node in nodes:
            _wait_for_http(node + "/login")
        plan["nodes"] = nodes
        stats, signing_in, ledger, cpu = swarm(plan, args.users, args.duration, roles)
        ledger_path = os.path.join(workdir, "ledger.json")
        with open(ledger_path, "w", encoding="utf-8") as out:
            json.dump(ledger, out)
        checked = _step("verify", args.database, "--ledger", ledger_path)
        checked["server_errors"] = ledger["server_errors"]
    finally:
        for process in reversed(processes):
            _stop(process)
    logs = "".join(_read(os.path.join(workdir, name)) for name in os.listdir(workdir) if name.endswith(".log"))
    checked["locked"] = logs.count("database is locked")
    outcome = report(args, stats, signing_in, checked, cpu)
    if outcome:
        print(f"Nhật ký của các máy chủ được giữ lại ở {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return outcome


def prepare(database, members):
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    env = dict(os.environ, DATABASE_URL=database)
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    if not _step("setup", database, "--users", "0").get("members"):
        print(f"Tạo tỉnh giả lập {members:,} hội viên…".replace(",", "."), flush=True)
        subprocess.run(flask + ["generate", "--members", str(members)], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        _step("settle", database)


def server_env(database, workdir):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database, "PORTAL_ENV": "production", "SECRET_KEY": "tai-thu-" + "x" * 40,
        "UPLOAD_FOLDER": os.path.join(workdir, "uploads"), "JOBS_FOLDER": os.path.join(workdir, "jobs"),
        "JOB_QUEUE_FILE": os.path.join(workdir, "jobs.sqlite3"), "JOB_BROKER_URL": "",
    })
    return env


def swarm(plan, users, duration, roles):
    """Run the simulated users in this process (gevent) for `duration` seconds;
    `roles` ({process group: role}) are the processes whose CPU is reported."""
    import gevent
    from locust.env import Environment

    from bench import cpu, load_users

    load_users.PLAN.update(plan)
    # At the end each user finishes the request it is in: killed mid-request, a
    # save the server made would be missing from the ledger and look lost.
    environment = Environment(user_classes=[load_users.Editor, load_users.Secretariat], stop_timeout=30)
    server_errors = []

    def count_5xx(response=None, **_):
        if response is not None and getattr(response, "status_code", 0) >= 500:
            server_errors.append(response.status_code)

    environment.events.request.add_listener(count_5xx)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=max(users / 5, 1))
    # The morning is measured once everyone has signed in: fifty password
    # hashes in five seconds are the start of the day, not its work. The
    # sign-ins are reported apart.
    deadline = time.monotonic() + 120
    while load_users.LEDGER["signed_in"] < users and time.monotonic() < deadline:
        gevent.sleep(0.1)
    signing_in = [_row(entry) for entry in environment.stats.entries.values() if entry.name == "đăng nhập"]
    environment.stats.reset_all()
    started, cpu_before = time.monotonic(), cpu.snapshot(roles)
    gevent.spawn_later(duration, runner.quit)
    runner.greenlet.join()
    used = cpu.spent(cpu_before, cpu.snapshot(roles))
    used["wall"] = time.monotonic() - started
    ledger = load_users.LEDGER
    return environment.stats, signing_in, {
        "edits": {str(k): v for k, v in ledger["edits"].items()},
        "grids": {str(k): v for k, v in ledger["grids"].items()},
        "imports": ledger["imports"], "conflicts": ledger["conflicts"],
        "submitted": sorted(ledger["submitted"]), "server_errors": len(server_errors),
        "audit_from": plan["audit_from"],
    }, used


def _row(entry):
    """One request type's cells, and whether it met its target (None: it has none)."""
    target = TARGETS.get(entry.name, PAGE_TARGET_MS)
    p95 = entry.get_response_time_percentile(0.95)
    met = None if target is None else p95 <= target and entry.num_failures == 0
    return met, (f"{entry.method} {entry.name}", str(entry.num_requests), str(entry.num_failures),
                 _ms(entry.get_response_time_percentile(0.5)), _ms(p95),
                 _ms(entry.get_response_time_percentile(0.99)), f"{entry.total_rps:.1f}".replace(".", ","),
                 "—" if target is None else f"≤ {target} ms", {None: "", True: "đạt", False: "CHƯA"}[met])


def report(args, stats, signing_in, checked, cpu):
    rows, missed = [], []
    # The sign-ins' entries are empty here: reset once everyone had signed in.
    entries = sorted((e for e in stats.entries.values() if e.num_requests), key=lambda e: (e.name, e.method))
    for entry in entries:
        met, cells = _row(entry)
        if met is False:
            missed.append(entry.name)
        rows.append(cells)
    rows += [cells for _met, cells in signing_in]
    signing_failures = sum(int(cells[2]) for _met, cells in signing_in)
    total = stats.total
    server_errors = checked["server_errors"]
    header = ("loại yêu cầu", "số yêu cầu", "lỗi", "p50", "p95", "p99", "yêu cầu/s", "chỉ tiêu p95", "")
    print(f"\n{args.users} người dùng, {args.duration} s, {args.nodes} máy chủ, {_kind(args.database)}")
    print(_table(header, rows, args.markdown))
    print(f"Tổng: {total.num_requests} yêu cầu, {total.num_failures} lỗi, {total.total_rps:.1f} yêu cầu/s"
          .replace(".", ","))
    for error in stats.errors.values():
        print(f"  lỗi: {error.name}: {error.error} ×{error.occurrences}")
    wall = cpu.pop("wall")
    shares = ", ".join(f"{role} {seconds:.0f} s" for role, seconds in sorted(cpu.items(), key=lambda r: -r[1]))
    print(f"CPU trong {wall:.0f} s đo ({os.cpu_count()} lõi: {wall * os.cpu_count():.0f} s): {shares}".replace(".", ","))
    lost = checked["lost"]
    print(f"Ghi: {checked['edits']} lần sửa hồ sơ, {checked['grids']} báo cáo lưu, {checked['imports']} hội viên "
          f"nhập, {checked['conflicts']} lần sửa bị từ chối vì người khác vừa sửa (đúng); "
          f"mất {len(lost)}; lỗi 5xx: {server_errors}; 'database is locked': {checked['locked']}.")
    for problem in lost[:20]:
        print("  mất: " + problem)
    failed = missed or lost or checked["locked"] or total.num_failures or server_errors or signing_failures
    print("Mọi chỉ tiêu đều đạt." if not failed else "Chưa đạt: " + "; ".join(missed or ["xem trên"]))
    return 1 if failed else 0


def _table(header, rows, markdown):
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header] + rows)


def _ms(value):
    return f"{value:.0f} ms" if value is not None else "—"


def _kind(database):
    return "PostgreSQL" if database.startswith("postgres") else "SQLite"


def _step(step, database, *extra):
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--database", database, "--step", step,
                           *extra], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{step} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _start(command, workdir, name, env=None):
    log = open(os.path.join(workdir, f"{name}.log"), "w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def _wait_for_http(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def _read(path):
    with open(path, encoding="utf-8", errors="replace") as text:
        return text.read()


if __name__ == "__main__":
    if "--step" not in sys.argv:
        # locust's gevent must patch the standard library before anything else imports it.
        import gevent.monkey
        gevent.monkey.patch_all()
    sys.exit(main())
