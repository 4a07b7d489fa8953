"""Tests of bench/stats.py. Run from bench/: python3 -m unittest"""
import io
import math
import os
import shutil
import tempfile
import unittest
from contextlib import redirect_stdout

import stats

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "testdata")


class AwkSemantics(unittest.TestCase):
    def test_num_reads_the_leading_number_like_awk(self):
        self.assertEqual(stats.num("12.5"), 12.5)
        self.assertEqual(stats.num(" 7 x"), 7.0)
        self.assertEqual(stats.num("1.5e3"), 1500.0)
        self.assertEqual(stats.num(""), 0.0)
        self.assertEqual(stats.num("abc"), 0.0)
        self.assertTrue(math.isnan(stats.num("nan")))

    def test_comparisons_treat_nan_as_greater_like_mawk(self):
        nan = float("nan")
        self.assertEqual(stats.cmp(nan, 1.5), 1)  # nan >= 1.5 holds, nan <= 50 does not
        self.assertEqual(stats.cmp(1, 2), -1)
        self.assertEqual(stats.cmp(2, 2), 0)

    def test_awk_print_of_numbers(self):
        self.assertEqual(stats.awk_print(12300.0), "12300")
        self.assertEqual(stats.awk_print(12.345 * 1000), "12345")
        self.assertEqual(stats.awk_print(1234567.25), "1.23457e+06")

    def test_sort_n_ignores_exponents_and_breaks_ties_by_line(self):
        self.assertEqual(stats.sort_n(["10", "9", "1.23457e+06", "2"]), ["1.23457e+06", "2", "9", "10"])
        self.assertEqual(stats.sort_n(["5b", "5a"]), ["5a", "5b"])


class Figures(unittest.TestCase):
    def test_stats_median_p90_min_max_in_ms(self):
        self.assertEqual(stats.stats(["3000", "1000", "2000"]), ("2.0", "3.0", "1.0", "3.0"))
        # even count: the mean of the middle two; p90 is the ceil(0.9 n)-th smallest
        samples = [str(i * 1000) for i in range(1, 11)]
        self.assertEqual(stats.stats(samples), ("5.5", "9.0", "1.0", "10.0"))
        self.assertEqual(stats.stats(["1500"]), ("1.5", "1.5", "1.5", "1.5"))
        self.assertEqual(stats.stats([]), ("0.0", "0.0", "0.0", "0.0"))

    def test_rounding_is_printf_rounding(self):
        self.assertEqual(stats.stats(["1250", "1250"])[0], "1.2")  # 1.25 rounds to even, as printf does
        self.assertEqual(stats.mbps("1073741824", "1000000000"), "1073.7")

    def test_ratio_and_delta(self):
        self.assertEqual(stats.ratio("300.0", "200.0"), "1.50")
        self.assertEqual(stats.ratio("300.0", ""), "nan")
        self.assertEqual(stats.delta("12.5", "2.25"), "10.2")
        self.assertEqual(stats.delta("12.5", "nan"), "nan")
        self.assertEqual(stats.pm(""), "+0.0")
        self.assertEqual(stats.pm("nan"), "+nan")

    def test_top_threads(self):
        before = ["1 10 a", "2 10 b", "3 10 c"]
        after = ["1 110 a", "2 10 b", "3 60 c", "4 50 d"]
        self.assertEqual(stats.top_threads(before, after, 100), "a=1.00s,d=0.50s,c=0.50s")
        self.assertEqual(stats.top_threads([], after, 100), "")
        many = ["%d %d t%d" % (i, i, i) for i in range(1, 10)]
        self.assertEqual(stats.top_threads(["0 0 x"], many, 100).count(","), 5)


class Derive(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)

    def base(self, noise):
        self.write("raw.txt", "\n".join([
            "raw.paths=direct jumpgate", "raw.mux_paths=jumpgate_mux", "raw.hz=100", "raw.noise_max=0.10",
            "raw.cold_bytes=256", "run.bytes=1000000", "run.setup_n=%d" % len(noise),
            "raw.direct.throughput.random.wall_ns=2000000000", "raw.jumpgate.throughput.random.wall_ns=1000000000",
            "raw.direct.throughput.cold_random.wall_ns=1000", "raw.jumpgate.cpu.random.relay_jvm_ticks=250",
            "raw.jumpgate.cpu.random.user_ssh_client_time=0.50 0.25", "raw.jumpgate.cpu.random.wall_ns=1500000000",
            "jumpgate.cipher.user_relay=aes128-gcm@openssh.com", ""]))
        n = len(noise)
        self.write("setup.noise", "".join(x + "\n" for x in noise))
        self.write("setup.direct", "".join("%d\n" % (1000 * (i + 1)) for i in range(n)))
        self.write("setup_noshell.direct", "".join("%d\n" % (500 * (i + 1)) for i in range(n)))
        self.write("setup.jumpgate", "".join("%d\n" % (2000 * (i + 1)) for i in range(n)))
        self.write("setup_noshell.jumpgate", "".join("%d\n" % (700 * (i + 1)) for i in range(n)))
        self.write("setup.jumpgate_mux", "".join("%d\n" % (1500 * (i + 1)) for i in range(n)))

    def test_figures_from_raw_counts(self):
        self.base(["0.01"] * 5)
        R = stats.derive(stats.Raw(self.dir))
        self.assertEqual(R["direct.throughput.random.wall_mbps"], "0.5")
        self.assertEqual(R["jumpgate.throughput.random.wall_mbps"], "1.0")
        self.assertEqual(R["direct.throughput.cold_random.wall_mbps"], "256.0")
        self.assertEqual(R["jumpgate.cpu.random.relay_jvm_s"], "2.50")
        self.assertEqual(R["jumpgate.cpu.random.user_ssh_client_s"], "0.75")
        self.assertEqual(R["jumpgate.cpu.random.wall_s"], "1.50")
        self.assertEqual(R["ratio.throughput.random.wall.jumpgate_over_direct"], "2.00")
        self.assertEqual(R["ratio.throughput.random.wall.jumpgate_over_diy"], "nan")
        self.assertEqual(R["target.throughput_ge_1.5x_diy.random_wall"], "pass")  # as awk compared "nan"
        self.assertEqual(R["direct.setup.median_ms"], "3.0")
        self.assertEqual(R["direct.setup.samples_ms"], "1.0,2.0,3.0,4.0,5.0")
        self.assertEqual(R["delta.setup.median_ms.jumpgate_minus_direct"], "3.0")
        self.assertEqual(R["target.setup_median_le_direct_plus_50ms"], "pass")
        self.assertEqual(R["run.setup_rounds_used"], "5 undisturbed")
        self.assertEqual(R["jumpgate.cipher.user_relay"], "aes128-gcm@openssh.com")
        self.assertFalse([k for k in R if k.startswith("raw.")])

    def test_setup_uses_the_undisturbed_rounds_when_there_are_five(self):
        self.base(["0.01", "0.50", "0.02", "0.03", "0.04", "0.05"])
        R = stats.derive(stats.Raw(self.dir))
        self.assertEqual(R["run.setup_rounds_used"], "5 undisturbed")
        self.assertEqual(R["direct.setup.median_ms"], "4.0")  # 1, 3, 4, 5, 6 ms: the 2 ms round was disturbed
        self.assertEqual(R["direct.setup.max_ms"], "6.0")
        self.assertEqual(R["run.setup_round_noise"], "0.01,0.50,0.02,0.03,0.04,0.05")

    def test_setup_uses_all_rounds_when_fewer_than_five_are_undisturbed(self):
        self.base(["0.01", "0.50", "0.02"])
        R = stats.derive(stats.Raw(self.dir))
        self.assertEqual(R["run.setup_rounds_used"], "all 3 (fewer than 5 undisturbed)")
        self.assertEqual(R["direct.setup.median_ms"], "2.0")

    def test_proxy_trace_steps(self):
        self.base(["0.01"] * 5)
        with open(os.path.join(self.dir, "raw.txt"), "a") as f:
            f.write("raw.paths=direct jumpgate proxy\n")
        self.write("trace.setup", "0.01 proxy launch=0 exec=12.3 main=100.5 cpu=0.41\n"
                                  "0.02 proxy launch=0 exec=14.3 main=90.5 cpu=0.43\n")
        R = stats.derive(stats.Raw(self.dir))
        self.assertEqual(R["proxy.trace.steps"], "launch exec main cpu")
        self.assertEqual(R["proxy.trace.exec"], "13.3")
        self.assertEqual(R["proxy.trace.cpu"], "0.4")
        self.assertEqual(R["proxy.trace.rounds"], "2")


class Golden(unittest.TestCase):
    """Raw measurements with the report and results that the all-shell bench/run (462c34d) printed for them, made
    by bench/replay/compare.sh on stand-in figures: "noisy" (all five paths, disturbed transfers redone, a setup
    round redone) and "two-paths" (direct and jumpgate only, no mux, fewer than 5 setup rounds)."""

    def test_report_and_results_are_the_old_ones(self):
        for case in sorted(os.listdir(GOLDEN)):
            d = os.path.join(GOLDEN, case)
            with self.subTest(case=case), tempfile.TemporaryDirectory() as tmp:
                results = os.path.join(tmp, "latest.txt")
                out = io.StringIO()
                with redirect_stdout(out):
                    self.assertEqual(stats.main(["stats.py", os.path.join(d, "raw"), "--results", results]), 0)
                with open(os.path.join(d, "report.txt"), encoding="latin-1") as f:
                    self.assertEqual(out.getvalue(), f.read())
                with open(os.path.join(d, "results.txt"), encoding="latin-1") as f, \
                        open(results, encoding="latin-1") as g:
                    self.assertEqual(g.read(), f.read())


if __name__ == "__main__":
    unittest.main()
