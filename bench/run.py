"""The provincial-scale benchmark: figures against their targets.

    python bench/run.py [--database URL] [--repeat 9] [--quick] [--api] [--markdown]

Run it on a generated province (`flask --app wsgi generate --members 1000000`).
Every page figure is the median of --repeat requests through the real app,
in process (Flask's test client: routing, login, scope, query, template),
after one warm-up. Beside it: the same request on a stock Flask-Admin peewee
ModelView over the same table (the peer) and the bare SQL of the page's main
query (the floor). Exports run in a fresh process each, so that their peak
memory is their own; the floor there is bare xlsxwriter in constant-memory
mode writing the same cells from one plain SQL cursor. Exits 1 when a target
is missed.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL"),
                        help="database URL (default: DATABASE_URL, else the instance database)")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="skip the full export (two ~70 s runs)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--api", action="store_true", help="only the API's figures")
    parser.add_argument("--probe", choices=("export-all", "export-unit", "floor-all"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.database:
        os.environ["DATABASE_URL"] = args.database
    if args.probe:
        from bench.probes import probe
        print(json.dumps(probe(args.probe)))
        return 0

    from bench.measure import Bench

    bench = Bench(args.repeat)
    rows = bench.run(full_export=not args.quick, export_probe=lambda name: _probe(name, args.database),
                     api_only=args.api)
    print(bench.describe())
    print(render(rows, args.markdown))
    missed = [row for row in rows if row.met is False]
    if missed:
        print("Chưa đạt: " + "; ".join(row.figure for row in missed), file=sys.stderr)
        return 1
    print("Mọi chỉ tiêu đều đạt.")
    return 0


def _probe(name, database):
    env = dict(os.environ)
    if database:
        env["DATABASE_URL"] = database
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--probe", name],
                          env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"probe {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def render(rows, markdown=False):
    header = ("figure", "target", "measured", "peer", "vs peer", "floor", "met")
    lines = [header] + [row.cells() for row in rows]
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(cells) + " |" for cells in lines[1:]]
        return "\n".join(out)
    widths = [max(len(cells[i]) for cells in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()
                     for cells in lines)


if __name__ == "__main__":
    t0 = time.monotonic()
    code = main()
    print(f"({time.monotonic() - t0:.0f} s)", file=sys.stderr)
    sys.exit(code)
