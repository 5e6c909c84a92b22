#!/usr/bin/env python3
"""CPU per thread group of a few processes over an interval, from /proc (Linux).

  thread-cpu.py snap PID... > before      # a snapshot: pid tid comm ticks
  thread-cpu.py diff before after SECONDS [REQUESTS]   # ms of CPU per second (and per request)

Thread names have their digits folded ("grpc-default-executor-3" -> "grpc-default-executor-N"), so
pools add up. Used by scripts/bench-queue.sh (THREADS=1) to show where a cell's CPU went.
"""
import collections
import os
import re
import sys


def snap(pids):
    for pid in pids:
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                comm = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
                stat = open(f"/proc/{pid}/task/{tid}/stat").read()
            except OSError:
                continue
            f = stat[stat.rindex(")") + 2:].split()
            print(pid, tid, int(f[11]) + int(f[12]), comm.replace(" ", "_"))


def load(path):
    out = {}
    for line in open(path):
        pid, tid, ticks, comm = line.split(maxsplit=3)
        out[(pid, tid)] = (int(ticks), comm.strip())
    return out


def diff(before, after, seconds, requests):
    tick = os.sysconf("SC_CLK_TCK")
    a, b = load(before), load(after)
    per_pid = collections.defaultdict(collections.Counter)
    for key, (ticks, comm) in b.items():
        d = ticks - a.get(key, (0, comm))[0]
        if d > 0:
            per_pid[key[0]][re.sub(r"\d+", "N", comm)] += d
    for pid, groups in per_pid.items():
        total = sum(groups.values())
        print(f"pid {pid}: {total * 1000 / tick / seconds:.0f} ms CPU/s"
              + (f", {total * 1000 / tick / requests:.3f} ms/request" if requests else ""))
        for name, d in groups.most_common(12):
            ms = d * 1000 / tick
            print(f"  {ms / seconds:7.0f} ms/s" + (f" {ms / requests:7.3f} ms/req" if requests else "")
                  + f"  {name}")


if __name__ == "__main__":
    if sys.argv[1] == "snap":
        snap(sys.argv[2:])
    else:
        diff(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]) if len(sys.argv) > 5 else 0)
