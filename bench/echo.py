#!/usr/bin/env python3
"""1-byte echo round trips through one ssh session, as a keystroke and its echo.

    echo.py [--warmup N] [--count N] [--gap-us US] [--raw FILE] [--watch NAME=PID --jvm FILE] -- ssh -F CONFIG HOST

Runs the command given after "--" with `exec cat` appended as the remote command (no pty), writes one byte to
its stdin, waits for that byte on its stdout and times the round trip with a monotonic clock; WARMUP round
trips first, unrecorded, then COUNT recorded ones, each GAP_US microseconds after the previous echo (default 0:
back to back). Prints "median_us p99_us p999_us max_us count" and, with --raw, writes every sample (one
microsecond figure per line) to FILE for bench/stats.py. With --watch (repeatable) and --jvm, it reads each
watched JVM's counters (bench/jvmstat.py: a file read, no JVM started) as the recorded round trips begin and as
they end, and writes what each JVM did meanwhile to FILE, one line per JVM: "NAME compiles=N compile_ms=MS
gc_young=N ...": a tail that comes with compilations or GC pauses in the same window is theirs to explain.
Exits non-zero if the echo is not the byte sent.
"""

import argparse
import math
import os
import select
import subprocess
import sys
import time

import jvmstat


def percentile(sorted_samples, q):
    """The q-quantile by the nearest-rank rule (the sample at rank ceil(q * n)), as bench/stats.py uses."""
    n = len(sorted_samples)
    return sorted_samples[min(n, max(1, math.ceil(q * n))) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--gap-us", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds one echo may take")
    parser.add_argument("--raw")
    parser.add_argument("--watch", action="append", default=[], help="NAME=PID of a JVM to watch")
    parser.add_argument("--jvm", help="where to write what the watched JVMs did while recording")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the ssh command after --")

    proc = subprocess.Popen(command + ["exec cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    out = proc.stdout.fileno()
    inp = proc.stdin.fileno()
    os.set_blocking(out, True)
    samples = []
    watched = [w.split("=", 1) for w in args.watch]
    before = after = {}
    try:
        for i in range(args.warmup + args.count):
            if i == args.warmup:
                before = {name: jvmstat.sample(pid) for name, pid in watched}
            byte = bytes([97 + i % 26])
            start = time.perf_counter_ns()
            os.write(inp, byte)
            ready, _, _ = select.select([out], [], [], args.timeout)
            if not ready:
                sys.exit(f"echo.py: no echo within {args.timeout} s (round trip {i})")
            got = os.read(out, 1)
            elapsed = time.perf_counter_ns() - start
            if got != byte:
                sys.exit(f"echo.py: sent {byte!r}, got {got!r} (round trip {i})")
            if i >= args.warmup:
                samples.append(elapsed // 1000)
            if args.gap_us:
                time.sleep(args.gap_us / 1e6)
        after = {name: jvmstat.sample(pid) for name, pid in watched}
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    if args.raw:
        with open(args.raw, "w") as f:
            f.write("\n".join(str(s) for s in samples) + "\n")
    if args.jvm:
        with open(args.jvm, "w") as f:
            for name, _ in watched:
                d = jvmstat.delta(before.get(name), after.get(name))
                f.write(name + " " + (" ".join(f"{k}={v}" for k, v in d.items()) if d else "unreadable") + "\n")
    s = sorted(samples)
    print(percentile(s, 0.5), percentile(s, 0.99), percentile(s, 0.999), s[-1], len(s))


if __name__ == "__main__":
    main()
