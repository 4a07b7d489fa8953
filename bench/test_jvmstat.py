"""Tests of bench/jvmstat.py. Run from bench/: python3 -m unittest"""
import os
import shutil
import struct
import subprocess
import tempfile
import time
import unittest

import jvmstat


def image(counters, order="<"):
    """An hsperfdata image holding these long counters (and one string entry, which must be skipped)."""
    entries = b""
    for name, value in [("sun.rt.javaCommand", b"Main\0")] + list(counters.items()):
        raw_name = name.encode() + b"\0"
        name_at = 20
        data_at = name_at + len(raw_name)
        data_at += -data_at % 8
        if isinstance(value, bytes):
            kind, vector, data = b"B", len(value), value
        else:
            kind, vector, data = b"J", 0, struct.pack(order + "q", value)
        length = data_at + len(data)
        length += -length % 8
        head = struct.pack(order + "iiicccci", length, name_at, vector, kind, b"\0", b"\0", b"\0", data_at)
        entry = head + raw_name
        entry += b"\0" * (data_at - len(entry)) + data
        entries += entry + b"\0" * (length - len(entry))
    prologue = struct.pack(">I", jvmstat.MAGIC) + bytes([1 if order == "<" else 0, 2, 0, 1])
    prologue += struct.pack(order + "iiqii", 32 + len(entries), 0, 0, 32, len(counters) + 1)
    return prologue + entries


class ReadsTheFile(unittest.TestCase):
    def test_reads_long_counters_in_either_byte_order_and_skips_strings(self):
        for order in "<>":
            got = jvmstat.read_all(image({"sun.ci.totalCompiles": 42, "sun.rt.safepoints": 7}, order))
            self.assertEqual(got, {"sun.ci.totalCompiles": 42, "sun.rt.safepoints": 7})

    def test_refuses_what_is_not_an_hsperfdata_file(self):
        with self.assertRaisesRegex(ValueError, "bad magic"):
            jvmstat.read_all(b"\0" * 64)

    def test_delta_gives_counts_and_milliseconds_from_ticks(self):
        before = {key: 0 for key, _ in jvmstat.COUNTERS} | {"hz": 1_000_000_000}
        after = dict(before, compiles=3, compile_ticks=25_000_000, gc_young=2, gc_young_ticks=4_500_000)
        d = jvmstat.delta(before, after)
        self.assertEqual((d["compiles"], d["compile_ms"], d["gc_young"], d["gc_young_ms"]), (3, 25.0, 2, 4.5))
        self.assertIsNone(jvmstat.delta(None, after))


class ReadsARealJvm(unittest.TestCase):
    def test_a_running_jvm_shows_its_compilations(self):
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if "JAVA_HOME" in os.environ else "java"
        self.assertIsNotNone(shutil.which(java), "needs a JDK: set JAVA_HOME")
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "Spin.java")
            with open(src, "w") as f:
                f.write("class Spin { public static void main(String[] a) throws Exception {"
                        " long s = 0; for (int i = 0; i < 50_000_000; i++) s += i % 7;"
                        " System.out.println(s); System.out.flush(); Thread.sleep(30_000); } }")
            jvm = subprocess.Popen([java, "-XX:+UsePerfData", src], stdout=subprocess.PIPE)
            try:
                jvm.stdout.readline()  # the loop ran, so something was compiled
                deadline = time.monotonic() + 10
                got = jvmstat.sample(jvm.pid)
                while got is None and time.monotonic() < deadline:
                    time.sleep(0.1)
                    got = jvmstat.sample(jvm.pid)
                self.assertIsNotNone(got, f"no counters at {jvmstat.path_of(jvm.pid)}")
                self.assertGreater(got["compiles"], 0)
                self.assertGreater(got["safepoints"] + got["compile_ticks"], 0)
            finally:
                jvm.kill()
                jvm.wait()


if __name__ == "__main__":
    unittest.main()
