"""Where a load run's cores went: CPU seconds by role, read from /proc.

The simulated users run on the same machine as the portal, so the report
says how much the load generator itself took, beside the web nodes, the job
worker and PostgreSQL (found by name: its backends are not our children).
"""
import os

TICKS = os.sysconf("SC_CLK_TCK")


def snapshot(groups):
    """{role: CPU seconds so far}: `groups` maps a process group id to its role;
    the load generator is this process."""
    totals = dict.fromkeys([*groups.values(), "PostgreSQL"], 0.0)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat_file:
                stat = stat_file.read()
        except OSError:
            continue  # gone meanwhile
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        # After the name: state, ppid, pgrp, … utime and stime are the 12th and 13th.
        fields = stat[stat.rindex(")") + 2:].split()
        role = groups.get(int(fields[2])) or ("PostgreSQL" if name.startswith("postgres") else None)
        if role is not None:
            totals[role] += (int(fields[11]) + int(fields[12])) / TICKS
    own = os.times()
    totals["locust"] = own.user + own.system
    return totals


def spent(before, after):
    """{role: CPU seconds between the two snapshots}."""
    return {role: after.get(role, 0.0) - before.get(role, 0.0) for role in after}
