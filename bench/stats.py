#!/usr/bin/env python3
"""The statistics and the report of bench/run, from the raw measurements of one run.

    python3 bench/stats.py RAW_DIR [--results FILE]

RAW_DIR is the scratch directory's raw/ of a run (kept with BENCH_KEEP=1):
  raw.txt               key=value lines: the run's facts (written to the results as they are) and raw figures,
                        whose keys start with "raw." (CPU ticks, nanoseconds, the parameters of the run)
  setup.PATH            one `ssh DEV true` per line, microseconds (PATH also diy_mux, jumpgate_mux)
  setup_noshell.PATH    one `ssh -s DEV sftp` per line, microseconds
  setup.noise           each setup round's disturbance (share of all cores used by other work)
  setup.proxy_cold      a login's first connection through the proxy, microseconds
  trace.setup           the proxy's StartupTrace lines of the setup rounds, each led by its round's disturbance
  threads.*.{0,1}       "tid ticks name" of the relay's and agent's threads before and after a transfer
Writes the results (sorted key=value lines after a comment header) to FILE and prints the report on stdout.

The numbers are those bench/run computed with awk before: awk's printf rounding (the same as Python's %-formatting),
its conversion of strings to numbers (a leading number, else 0) and its comparisons (mawk's: NaN compares greater).
Standard library only.
"""
import math
import os
import re
import sys

PATH_NAMES = ("direct", "diy", "jumpgate", "proxy", "proxy_nomux")
ENC = "latin-1"  # bytes in, the same bytes out; sorting by code point is sorting by byte, as `LC_ALL=C sort`

_NUM = re.compile(r"\s*([+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|nan|inf(?:inity)?))", re.I)


def num(s):
    """A string's numeric value as awk sees it: its leading number, else 0."""
    if isinstance(s, (int, float)):
        return float(s)
    m = _NUM.match(s or "")
    return float(m.group(1)) if m else 0.0


def cmp(a, b):
    """mawk's numeric comparison: -1, 0 or 1; NaN compares greater than everything."""
    return -1 if a < b else 0 if a == b else 1


def f1(x):
    return "%.1f" % x


def f2(x):
    return "%.2f" % x


def awk_print(x):
    """How awk prints a number: integral values as integers, others with %.6g."""
    if not math.isnan(x) and not math.isinf(x) and x == int(x) and abs(x) < 2 ** 53:
        return "%d" % x
    return "%.6g" % x


def sort_n(lines):
    """`LC_ALL=C sort -n`: by the leading number (no exponent), ties by the whole line."""
    def key(line):
        m = re.match(r"\s*(-?(?:\d+\.?\d*|\.\d+))", line)
        return (float(m.group(1)) if m else 0.0, line.encode(ENC))
    return sorted(lines, key=key)


def stats(lines):
    """bench/run's stats(): samples in microseconds -> (median, p90, min, max) in ms, each as "%.1f"."""
    v = [num(x) for x in sort_n(lines)]
    n = len(v)
    at = lambda i: v[i - 1] if 1 <= i <= n else 0.0  # awk's v[i], 1-based, 0 when missing
    med = at((n + 1) // 2) if n % 2 else (at(n // 2) + at(n // 2 + 1)) / 2
    k = int(0.9 * n)
    if k < 0.9 * n:
        k += 1
    if k < 1:
        k = 1
    return f1(med / 1000), f1(at(k) / 1000), f1(at(1) / 1000), f1(at(n) / 1000)


def mbps(nbytes, ns):
    return f1(num(nbytes) / (num(ns) / 1e9) / 1e6)


def ratio(a, b):
    a, b = num(a), num(b)
    return "%.2f" % (a / b) if b > 0 else "nan"


def delta(a, b):
    return f1(num(a) - num(b))


def passed(ok):
    return "pass" if ok else "FAIL"


def top_threads(before, after, hz):
    """The six threads that used the most CPU between two "tid ticks name" listings: name=seconds, ..."""
    if not before:  # awk's NR == FNR: with an empty first file, the second is read as the first
        return ""
    b = {}
    for line in before:
        f = line.split()
        if f:
            b[f[0]] = f[1] if len(f) > 1 else ""
    rows = []
    for line in after:
        f = line.split()
        if not f:
            continue
        d = num(f[1] if len(f) > 1 else "") - num(b.get(f[0], ""))
        if d > 0:
            rows.append("%s %s" % (awk_print(d), f[2] if len(f) > 2 else ""))
    rows.sort(key=lambda r: (num(r), r.encode(ENC)), reverse=True)  # sort -rn
    return ",".join("%s=%.2fs" % (r.split(" ", 1)[1], num(r) / hz) for r in rows[:6])


class Raw:
    def __init__(self, directory):
        self.dir = directory
        self.r = {}
        for line in self.lines("raw.txt"):
            k, _, v = line.partition("=")
            self.r[k] = v

    def lines(self, name):
        """A file's lines, or None when it does not exist."""
        path = os.path.join(self.dir, name)
        if not os.path.exists(path):
            return None
        with open(path, encoding=ENC, newline="\n") as f:
            return f.read().splitlines()

    def get(self, k, default=""):
        return self.r.get(k, default)


def derive(raw):
    """The results: the run's facts and what follows from the raw figures, as bench/run recorded them."""
    g = raw.get
    R = {k: v for k, v in raw.r.items() if not k.startswith("raw.")}
    paths = g("raw.paths").split()
    mux_paths = g("raw.mux_paths").split()
    hz = num(g("raw.hz"))
    noise_max = num(g("raw.noise_max"))
    has = lambda p: p in paths

    # throughput and the CPU of each transfer
    cold_bytes = g("raw.cold_bytes")
    for k, v in raw.r.items():
        m = re.fullmatch(r"raw\.(\w+)\.throughput\.(\w+)\.(wall|data)_ns", k)
        if m:
            p, kind, what = m.groups()
            R["%s.throughput.%s.%s_mbps" % (p, kind, what)] = mbps(
                cold_bytes if kind == "cold_random" else g("run.bytes"), v)
            continue
        m = re.fullmatch(r"raw\.(\w+)\.cpu\.(\w+)\.(\w+)", k)
        if m:
            p, kind, what = m.groups()
            pre = "%s.cpu.%s." % (p, kind)
            if what.endswith("_ticks"):
                R[pre + what[:-len("_ticks")] + "_s"] = f2(num(v) / hz)
            elif what == "wall_ns":
                R[pre + "wall_s"] = f2(num(v) / 1e9)
            elif what == "user_ssh_client_time":
                u, _, s = v.partition(" ")
                R[pre + "user_ssh_client_s"] = f2(num(u) + num(s))
            continue
        m = re.fullmatch(r"raw\.jumpgate\.threads\.(\w+)\.(relay|agent)", k)
        if m:
            R["jumpgate.threads.%s.%s" % m.groups()] = top_threads(
                raw.lines(v + ".0") or [], raw.lines(v + ".1") or [], hz)

    # setup: the undisturbed rounds when there are at least 5 of them, else all rounds
    noise = raw.lines("setup.noise") or []
    if raw.lines("setup.noise") is not None:
        R["run.setup_round_noise"] = ",".join(noise)
    clean = sum(1 for x in noise if cmp(num(x.split()[0] if x.split() else ""), noise_max) <= 0)
    use = lambda samples: [s for s, n in zip(samples, noise) if cmp(num(n.split()[0] if n.split() else ""), noise_max) <= 0] \
        if clean >= 5 else samples
    setup_n = g("run.setup_n")
    R["run.setup_rounds_used"] = "%d undisturbed" % clean if clean >= 5 else \
        "all %s (fewer than 5 undisturbed)" % setup_n
    for p in paths + mux_paths:
        samples = raw.lines("setup." + p)
        if samples is None:
            continue
        med, p90, mn, mx = stats(use(samples))
        R[p + ".setup.median_ms"], R[p + ".setup.p90_ms"] = med, p90
        R[p + ".setup.min_ms"], R[p + ".setup.max_ms"] = mn, mx
        if p in paths:
            R[p + ".setup.samples_ms"] = ",".join(f1(num(s) / 1000) for s in samples)
            med, p90, _, _ = stats(use(raw.lines("setup_noshell." + p) or []))
            R[p + ".setup_noshell.median_ms"], R[p + ".setup_noshell.p90_ms"] = med, p90

    # (d) a login's first connection
    cold = raw.lines("setup.proxy_cold")
    if cold is not None and "proxy_cold.setup.rounds" in R:
        med, p90, mn, mx = stats(cold)
        R["proxy_cold.setup.median_ms"], R["proxy_cold.setup.p90_ms"] = med, p90
        R["proxy_cold.setup.min_ms"], R["proxy_cold.setup.max_ms"] = mn, mx
        R["delta.setup.median_ms.proxy_cold_minus_jumpgate"] = delta(med, R.get("jumpgate.setup.median_ms") or "nan")

    # where the proxy client's setup goes: the median of each traced step over the rounds the setup figures use
    trace = raw.lines("trace.setup")
    if has("proxy") and trace:
        if clean >= 5:
            trace = [t for t in trace if cmp(num(t), noise_max) <= 0]
        steps = [tok.split("=", 1)[0] for tok in (trace[0] if trace else "").split(" ") if "=" in tok]
        R["proxy.trace.steps"] = " ".join(steps)
        for s in steps:
            vals = [awk_print(num(tok[len(s) + 1:]) * 1000)
                    for line in trace for tok in line.split(" ") if tok.startswith(s + "=")]
            if vals:
                R["proxy.trace." + s] = stats(vals)[0]
        R["proxy.trace.rounds"] = str(len(trace))

    # ratios and targets (a path left out of BENCH_PATHS has no figures: its keys read as empty)
    v = lambda k: R.get(k, "")
    for kind in ("zero", "random"):
        for m in ("wall", "data"):
            for other in ("direct", "diy"):
                R["ratio.throughput.%s.%s.jumpgate_over_%s" % (kind, m, other)] = ratio(
                    v("jumpgate.throughput.%s.%s_mbps" % (kind, m)), v("%s.throughput.%s.%s_mbps" % (other, kind, m)))
    R["ratio.setup.median.jumpgate_over_direct"] = ratio(v("jumpgate.setup.median_ms"), v("direct.setup.median_ms"))
    R["ratio.setup.median.jumpgate_over_diy"] = ratio(v("jumpgate.setup.median_ms"), v("diy.setup.median_ms"))
    R["delta.setup.median_ms.jumpgate_minus_direct"] = delta(v("jumpgate.setup.median_ms"), v("direct.setup.median_ms"))
    for kind in ("random", "zero"):
        R["target.throughput_ge_1.5x_diy.%s_wall" % kind] = passed(
            cmp(num(v("ratio.throughput.%s.wall.jumpgate_over_diy" % kind)), 1.5) >= 0)
    R["delta.setup.median_ms.jumpgate_mux_minus_direct"] = delta(v("jumpgate_mux.setup.median_ms"),
                                                                 v("direct.setup.median_ms"))
    R["target.setup_median_le_direct_plus_50ms"] = passed(
        cmp(num(v("delta.setup.median_ms.jumpgate_minus_direct")), 50) <= 0)
    if has("proxy"):
        for kind in ("zero", "random"):
            for m in ("wall", "data"):
                R["ratio.throughput.%s.%s.proxy_over_diy" % (kind, m)] = ratio(
                    v("proxy.throughput.%s.%s_mbps" % (kind, m)), v("diy.throughput.%s.%s_mbps" % (kind, m)))
            R["target.proxy_throughput_ge_2x_diy.%s_wall" % kind] = passed(
                cmp(num(v("ratio.throughput.%s.wall.proxy_over_diy" % kind)), 2) >= 0)
        R["delta.setup.median_ms.proxy_minus_jumpgate"] = delta(v("proxy.setup.median_ms"), v("jumpgate.setup.median_ms"))
        R["delta.setup.median_ms.proxy_minus_direct"] = delta(v("proxy.setup.median_ms"), v("direct.setup.median_ms"))
        R["target.proxy_setup_le_jumpgate_plus_150ms"] = passed(
            cmp(num(v("delta.setup.median_ms.proxy_minus_jumpgate")), 150) <= 0)
    if has("proxy_nomux"):
        for kind in ("zero", "random"):
            R["ratio.throughput.%s.wall.proxy_nomux_over_diy" % kind] = ratio(
                v("proxy_nomux.throughput.%s.wall_mbps" % kind), v("diy.throughput.%s.wall_mbps" % kind))
        R["delta.setup.median_ms.proxy_nomux_minus_jumpgate"] = delta(v("proxy_nomux.setup.median_ms"),
                                                                     v("jumpgate.setup.median_ms"))
    return R


def results_text(R):
    head = ("# jumpgate bench/run results; MB/s = 10^6 bytes/s; wall = whole command incl. connection setup,\n"
            "# data = from the remote command's start to cat's EOF; cpu in seconds of CPU during the transfer;\n"
            "# setup_noshell = 'ssh -s DEV sftp </dev/null' (no login shell); other_work = CPU of processes not ours\n")
    return head + "".join(line + "\n" for line in sorted("%s=%s" % kv for kv in R.items()))


def pm(s):
    """bash's printf %+.1f of a figure ("" reads as 0)."""
    return "%+.1f" % num(s)


def report(R, raw):
    g = raw.get
    v = lambda k: R.get(k, "")
    paths = g("raw.paths").split()
    out = []
    w = out.append
    hr = "-" * 90
    w("\njumpgate benchmark  %s  (%s cores, %s, Java %s)" % (v("run.date"), v("host.nproc"), v("host.cpu"),
                                                            g("raw.java_v")))
    w("bytes per transfer: %s   setup samples: %s per path   compression: off" % (v("run.bytes"), v("run.setup_n")))
    if g("raw.ciphers"):
        w("OpenSSH client Ciphers forced to: %s" % g("raw.ciphers"))
    if g("raw.relay_java_opts") + g("raw.agent_java_opts"):
        w("extra JVM options: relay [%s] agent [%s]" % (g("raw.relay_java_opts"), g("raw.agent_java_opts")))
    w(hr)
    row = "%-9s %10s %10s %10s %10s %10s %10s %11s"
    w(row % ("path", "zero wall", "zero data", "rand wall", "rand data", "setup med", "setup p90", "no-shell med"))
    w(row % ("", "MB/s", "MB/s", "MB/s", "MB/s", "ms", "ms", "ms"))
    for p in paths:
        w(row % (p, v(p + ".throughput.zero.wall_mbps"), v(p + ".throughput.zero.data_mbps"),
                 v(p + ".throughput.random.wall_mbps"), v(p + ".throughput.random.data_mbps"),
                 v(p + ".setup.median_ms"), v(p + ".setup.p90_ms"), v(p + ".setup_noshell.median_ms")))
    w("(wall: the whole command incl. connecting; data: remote command start to EOF; no-shell: 'ssh -s DEV sftp')")
    w("cold (first quarter of the warm-up, random, wall MB/s):"
      + "".join(" %s %s" % (p, v(p + ".throughput.cold_random.wall_mbps")) for p in paths))
    w("setup with the jump hop on an open ControlMaster connection: diy %s ms (p90 %s), jumpgate %s ms (p90 %s)" % (
        v("diy_mux.setup.median_ms"), v("diy_mux.setup.p90_ms"), v("jumpgate_mux.setup.median_ms"),
        v("jumpgate_mux.setup.p90_ms")))
    w(hr)
    w("jumpgate / direct   throughput (random, wall): %s   (zero: %s)   setup median: %s (%s ms)" % (
        v("ratio.throughput.random.wall.jumpgate_over_direct"), v("ratio.throughput.zero.wall.jumpgate_over_direct"),
        v("ratio.setup.median.jumpgate_over_direct"), pm(v("delta.setup.median_ms.jumpgate_minus_direct"))))
    w("jumpgate / diy      throughput (random, wall): %s   (zero: %s)   setup median: %s" % (
        v("ratio.throughput.random.wall.jumpgate_over_diy"), v("ratio.throughput.zero.wall.jumpgate_over_diy"),
        v("ratio.setup.median.jumpgate_over_diy")))
    w("target: jumpgate throughput >= 1.5x diy ........ %s (random) / %s (zero)" % (
        v("target.throughput_ge_1.5x_diy.random_wall"), v("target.throughput_ge_1.5x_diy.zero_wall")))
    w("target: jumpgate setup median <= direct + 50 ms  %s" % v("target.setup_median_le_direct_plus_50ms"))
    if "proxy" in paths:
        w("proxy / diy         throughput (random, wall): %s   (zero: %s)   setup median: %s ms vs ssh -J, %s ms vs direct"
          % (v("ratio.throughput.random.wall.proxy_over_diy"), v("ratio.throughput.zero.wall.proxy_over_diy"),
             pm(v("delta.setup.median_ms.proxy_minus_jumpgate")), pm(v("delta.setup.median_ms.proxy_minus_direct"))))
        w("target: proxy throughput >= 2x diy ............. %s (random) / %s (zero)" % (
            v("target.proxy_throughput_ge_2x_diy.random_wall"), v("target.proxy_throughput_ge_2x_diy.zero_wall")))
        w("target: proxy setup median <= ssh -J + 150 ms .. %s" % v("target.proxy_setup_le_jumpgate_plus_150ms"))
        w("  (proxy through the mux: %s)" % v("proxy.mux"))
        if v("proxy_cold.setup.median_ms"):
            w("proxy setup of a login's first connection (no mux yet): median %s ms (p90 %s, %s rounds), %s ms vs ssh -J"
              % (v("proxy_cold.setup.median_ms"), v("proxy_cold.setup.p90_ms"), v("proxy_cold.setup.rounds"),
                 pm(v("delta.setup.median_ms.proxy_cold_minus_jumpgate"))))
        if v("proxy.trace.steps"):
            w("proxy setup, median ms since the launcher started (%s rounds; cpu in s):" % v("proxy.trace.rounds"))
            w(" " + "".join(" %s=%s" % (s, v("proxy.trace." + s) or "?") for s in v("proxy.trace.steps").split()))
    if "proxy_nomux" in paths:
        w("proxy_nomux / diy   throughput (random, wall): %s   (zero: %s)   setup median: %s ms vs ssh -J" % (
            v("ratio.throughput.random.wall.proxy_nomux_over_diy"), v("ratio.throughput.zero.wall.proxy_nomux_over_diy"),
            pm(v("delta.setup.median_ms.proxy_nomux_minus_jumpgate"))))
    w(hr)
    w("ciphers (client->server):")
    w("  direct    user->device %s" % v("direct.cipher.user_device"))
    w("  diy       user->bastion %s, device->bastion (tunnel) %s, user->device %s" % (
        v("diy.cipher.user_bastion"), v("diy.cipher.device_bastion"), v("diy.cipher.user_device")))
    w("  jumpgate  user->relay %s, relay<->agent TLS %s, user->device %s" % (
        v("jumpgate.cipher.user_relay"), v("jumpgate.tls.relay_agent"), v("jumpgate.cipher.user_device")))
    if "proxy" in paths:
        w("  proxy     client->relay TLS, relay<->agent TLS %s, user->device %s" % (
            v("jumpgate.tls.relay_agent"), v("proxy.cipher.user_device")))
    w(hr)
    w("CPU seconds during the random-data transfer (wall s in brackets):")
    for p in paths:
        c = "%s.cpu.random." % p
        line = "  %-9s [%ss]  user_ssh_client=%s" % (p, v(c + "wall_s"), v(c + "user_ssh_client_s"))
        for name in g("raw.components." + p).split():
            line += "  %s=%s" % (name, v(c + name + "_s"))
        if p.startswith("proxy"):
            # the proxy's own CPU, from its trace: jumpgate-dial or a JVM (runs before jumpgate-dial said "_jvm")
            line += "  proxy_client=%s" % (v(c + "proxy_client_s") or v(c + "proxy_client_jvm_s") or "?")
        line += "  | machine_busy=%s, other users' work=%s" % (v(c + "machine_busy_s"), v(c + "other_work_s"))
        line += " steal=%s" % v(c + "machine_steal_s")
        w(line)
    w("  busiest relay threads:  %s" % v("jumpgate.threads.random.relay"))
    w("  busiest agent threads:  %s" % v("jumpgate.threads.random.agent"))
    w(hr)
    w("disturbance by other work (share of all cores) during the kept transfers:" + "".join(
        " %s %s/%s" % (p, v(p + ".throughput.zero.other_work_share"), v(p + ".throughput.random.other_work_share"))
        for p in paths))
    w("setup rounds redone because disturbed: %s; statistics over %s rounds; seconds spent waiting for quiet: %s" % (
        v("run.setup_rounds_redone"), v("run.setup_rounds_used"), v("run.quiet_wait_s")))
    w("results: %s/latest.txt  (run took %ss after the build)" % (g("raw.results_dir"), v("run.elapsed_s")))
    return "\n".join(out) + "\n"


def main(argv):
    args = argv[1:]
    results = None
    if "--results" in args:
        i = args.index("--results")
        results = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        sys.stderr.write("usage: bench/stats.py RAW_DIR [--results FILE]\n")
        return 2
    raw = Raw(args[0])
    R = derive(raw)
    if results:
        with open(results + ".tmp", "w", encoding=ENC, newline="\n") as f:
            f.write(results_text(R))
        os.replace(results + ".tmp", results)
    text = report(R, raw)
    if hasattr(sys.stdout, "buffer"):
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode(ENC))
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
