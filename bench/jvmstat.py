"""A running JVM's own counters (JIT compilations, GC pauses, safepoints), read from its hsperfdata file.

Every HotSpot JVM started without -XX:-UsePerfData keeps its counters in a memory-mapped file,
$TMPDIR/hsperfdata_USER/PID; `jstat` reads the same file. Reading it here costs a file read, not a JVM start, so
a benchmark can take the counters right before and right after what it measures without disturbing it.

The file, in the JVM's byte order (src/hotspot/share/runtime/perfMemory.hpp):

    prologue  magic 0xcafec0c0 (4) | byte order (1: 0 big, 1 little) | major (1) | minor (1) | accessible (1)
              used (4) | overflow (4) | modification time (8) | first entry's offset (4) | entries (4)
    entry     length (4) | name offset (4) | vector length (4) | type (1: 'J' long, 'B' bytes) | flags (1)
              units (1) | variability (1) | data offset (4); the name (NUL-terminated) and the data follow,
              at those offsets from the entry's start
"""

import os
import struct
import tempfile

MAGIC = 0xCAFEC0C0

# what a latency tail may come from: (key, counter)
COUNTERS = (
    ("compiles", "sun.ci.totalCompiles"),
    ("compile_ticks", "java.ci.totalTime"),
    ("gc_young", "sun.gc.collector.0.invocations"),
    ("gc_young_ticks", "sun.gc.collector.0.time"),
    ("gc_full", "sun.gc.collector.1.invocations"),
    ("gc_full_ticks", "sun.gc.collector.1.time"),
    ("safepoints", "sun.rt.safepoints"),
    ("safepoint_ticks", "sun.rt.safepointTime"),
)


def path_of(pid):
    """Where a JVM of this user keeps its counters (`java.io.tmpdir` is /tmp on Linux unless changed)."""
    user = os.environ.get("USER") or __import__("pwd").getpwuid(os.getuid()).pw_name
    return os.path.join(tempfile.gettempdir(), f"hsperfdata_{user}", str(pid))


def read_all(data):
    """Every long counter in an hsperfdata image, by name."""
    if len(data) < 32 or struct.unpack_from(">I", data, 0)[0] != MAGIC:
        raise ValueError("not an hsperfdata file (bad magic)")
    order = "<" if data[4] == 1 else ">"
    entry, count = struct.unpack_from(order + "ii", data, 24)
    counters = {}
    for _ in range(count):
        length, name_at, vector, kind = struct.unpack_from(order + "iiic", data, entry)
        data_at = struct.unpack_from(order + "i", data, entry + 16)[0]
        if length <= 0:
            raise ValueError(f"corrupt entry at {entry}")
        end = data.index(b"\0", entry + name_at)
        name = data[entry + name_at:end].decode("ascii", "replace")
        if kind == b"J" and vector == 0:
            counters[name] = struct.unpack_from(order + "q", data, entry + data_at)[0]
        entry += length
    return counters


def sample(pid):
    """The COUNTERS of a running JVM, in ticks and counts, with its tick rate; None if it keeps no file."""
    try:
        with open(path_of(pid), "rb") as f:
            all_counters = read_all(f.read())
    except (OSError, ValueError):
        return None
    out = {key: all_counters.get(name, 0) for key, name in COUNTERS}
    out["hz"] = all_counters.get("sun.os.hrt.frequency", 1_000_000_000)
    return out


def delta(before, after):
    """What happened in a JVM between two samples: counts, and times in milliseconds."""
    if not before or not after:
        return None
    hz = after["hz"]
    out = {}
    for key, _ in COUNTERS:
        d = after[key] - before[key]
        out[key.replace("_ticks", "_ms")] = round(d * 1000 / hz, 1) if key.endswith("_ticks") else d
    return out
