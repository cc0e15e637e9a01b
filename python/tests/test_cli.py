"""`levysgd` sample / tail-index / fit / bench end to end on files the CLI
writes itself (.npy, .npz, CSV in; JSON and CSV out), every bad-input path,
and the progress bar (absent when stderr is not a terminal)."""
from __future__ import annotations

import csv
import io
import json
import os
import pty

import numpy as np
import pytest

import levysgd
from levysgd import cli
from cli_helpers import assert_clean_error, run, run_json, run_process

ALPHAS = (1.2, 1.8)
N = 20000


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The same two columns (SαS 1.2 and 1.8) written by `levysgd sample` as
    .npy, .npz and .csv."""
    d = tmp_path_factory.mktemp("cli")
    out = {}
    for ext in ("npy", "npz", "csv"):
        p = d / f"g.{ext}"
        rc = cli.main(["sample", "--alpha", "1.2,1.8", "-n", str(N), "--seed", "5",
                       "--out", str(p)])
        assert rc == 0 and p.exists()
        out[ext] = str(p)
    return out


def test_sample_json_is_the_library_stream(capsys):
    r = run_json(capsys, "sample", "--alpha", "1.5", "--beta", "0.3", "-n", "50", "--seed", "9",
                 "--stream", "2")
    x = np.array(r["samples"])
    ref = levysgd.stable(1.5, 0.3).rvs(50, seed=9, stream=2)
    assert x.shape == (50,)
    np.testing.assert_array_equal(x, ref)  # repr() round-trips doubles exactly
    assert r["sample"]["alpha"] == 1.5 and r["sample"]["stream"] == 2


def test_sample_csv_stdout(capsys):
    rc, out, err = run(capsys, "sample", "--alpha", "0.9", "-n", "7", "--format", "csv")
    assert rc == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["x"] and len(rows) == 8
    np.testing.assert_array_equal([float(r[0]) for r in rows[1:]],
                                  levysgd.stable(0.9, 0.0).rvs(7, seed=0))


def test_files_hold_the_same_columns(files):
    a = np.load(files["npy"])
    with np.load(files["npz"]) as z:
        assert z.files == ["x0", "x1"]
        b = np.column_stack([z["x0"], z["x1"]])
    c = np.loadtxt(files["csv"], delimiter=",", skiprows=1)
    assert a.shape == (N, 2)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(a, levysgd.sample_coordinates(list(ALPHAS), [1.0, 1.0], N,
                                                                seed=5))


@pytest.mark.parametrize("ext", ["npy", "npz", "csv"])
def test_tail_index_one_alpha_per_column(capsys, files, ext):
    r = run_json(capsys, "tail-index", files[ext], "--bootstrap", "50")
    cols = r["columns"]
    assert [c["column"] for c in cols] == (["x0", "x1"] if ext != "npy" else ["0", "1"])
    for c, a in zip(cols, ALPHAS):
        assert c["n"] == N
        assert abs(c["alpha"] - a) < 0.15, c
        assert c["low"] <= c["alpha"] <= c["high"]
    # the same numbers from every file type, and from the library directly
    direct = levysgd.tail_index(np.load(files["npy"]), axis=0)
    np.testing.assert_array_equal([c["alpha"] for c in cols], direct)


def test_tail_index_csv_out_and_columns(capsys, files):
    rc, out, err = run(capsys, "tail-index", files["csv"], "--columns", "x1", "--format", "csv",
                       "--bootstrap", "0")
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1 and rows[0]["column"] == "x1"
    assert set(rows[0]) == {"column", "n", "alpha", "hill"}
    assert abs(float(rows[0]["alpha"]) - 1.8) < 0.15
    # by number, and a named array of an .npz
    r = run_json(capsys, "tail-index", files["npy"], "--columns", "1", "--bootstrap", "0")
    assert r["columns"][0]["alpha"] == float(rows[0]["alpha"])
    r = run_json(capsys, "tail-index", files["npz"], "--key", "x0", "--bootstrap", "0")
    assert len(r["columns"]) == 1 and abs(r["columns"][0]["alpha"] - 1.2) < 0.15


def test_fit_per_column(capsys, files):
    r = run_json(capsys, "fit", files["csv"])
    for c, a in zip(r["columns"], ALPHAS):
        assert abs(c["alpha"] - a) < 0.1, c
        assert abs(c["beta"]) < 0.2 and abs(c["scale"] - 1) < 0.1
        assert c["alpha_se"] is None  # McCulloch gives no standard error: NaN -> null
    rc, out, err = run(capsys, "fit", files["npy"], "--columns", "0", "--format", "csv")
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1 and float(rows[0]["alpha"]) == r["columns"][0]["alpha"]


def test_fit_mle_has_standard_errors(capsys, tmp_path):
    p = tmp_path / "m.npy"
    assert cli.main(["sample", "--alpha", "1.5", "-n", "2000", "--seed", "3", "--out", str(p)]) == 0
    c = run_json(capsys, "fit", p, "--method", "mle")["columns"][0]
    assert abs(c["alpha"] - 1.5) < 4 * c["alpha_se"] and 0 < c["alpha_se"] < 0.1
    assert all(c[k] > 0 for k in ("beta_se", "scale_se", "loc_se"))


def test_bench(capsys):
    r = run_json(capsys, "bench", "-n", "2000", "--n-pdf", "20", "--n-pdf-scipy", "3",
                 "--repeat", "1", "--threads", "1")
    ops = {(x["operation"], x["library"].split()[0]) for x in r["results"]}
    assert {("rvs", "levysgd"), ("pdf", "levysgd"), ("tail_index", "levysgd")} <= ops
    assert all(x["per_second"] > 0 for x in r["results"])
    for x in r["results"]:
        if x["library"].startswith("scipy"):
            assert x["levysgd_speedup"] > 0
    r = run_json(capsys, "bench", "-n", "2000", "--n-pdf", "20", "--repeat", "1", "--no-scipy")
    assert all(x["library"].startswith("levysgd") for x in r["results"])


def test_version(capsys):
    rc, out, _ = run(capsys, "--version")
    assert rc == 0 and out.startswith("levysgd ")


# ---------------------------------------------------------------- bad input

def _write(path, text):
    path.write_text(text)
    return str(path)


def test_bad_files(capsys, tmp_path, files):
    cases = [
        (("tail-index", str(tmp_path / "missing.npy")), ["no such file", "missing.npy"]),
        (("fit", str(tmp_path)), ["directory"]),
        (("tail-index", _write(tmp_path / "a.dat", "1\n2\n")), ["unknown file type", ".dat"]),
        (("tail-index", files["npz"], "--key", "y"), ["no array 'y'", "x0, x1"]),
        (("tail-index", files["npy"], "--key", "y"), ["--key", ".npz"]),
        (("tail-index", _write(tmp_path / "r.csv", "a,b\n1,2\n3\n")), ["line 3", "1 values",
                                                                        "expected 2"]),
        (("fit", _write(tmp_path / "t.csv", "a,b\n1,2\n3,x\n")), ["line 3", "'b'", "'x'"]),
        (("tail-index", _write(tmp_path / "n.csv", "a\n1\nnan\n2\n")), ["'a'", "non-finite",
                                                                         "row 2"]),
        (("tail-index", _write(tmp_path / "h.csv", "a,b\n")), ["no data rows"]),
        (("tail-index", _write(tmp_path / "e.csv", "\n")), ["empty"]),
        (("tail-index", _write(tmp_path / "bad.npy", "not numpy")), ["cannot read", ".npy"]),
        (("tail-index", files["csv"], "--columns", "x7"), ["no column 'x7'", "x0, x1"]),
        (("tail-index", files["npy"], "--columns", "2"), ["no column '2'", "0..1"]),
    ]
    np.savez(tmp_path / "mixed.npz", a=np.ones(5), b=np.ones(6))
    cases.append((("tail-index", str(tmp_path / "mixed.npz")), ["2 arrays", "a, b", "--key"]))
    np.save(tmp_path / "cube.npy", np.ones((2, 2, 2)))
    cases.append((("tail-index", str(tmp_path / "cube.npy")), ["shape (2, 2, 2)"]))
    np.save(tmp_path / "s.npy", np.array(["a", "b"]))
    cases.append((("tail-index", str(tmp_path / "s.npy")), ["not real numbers"]))
    for argv, words in cases:
        rc, out, err = run(capsys, *argv)
        assert_clean_error(rc, err, *words, status=2)
        assert out == ""


def test_bad_flags(capsys, files, tmp_path):
    usage = [  # argparse: usage line, exit 2
        ("tail-index", files["npy"], "--nope"),
        ("tail-index", files["npy"], "--format", "xml"),
        ("fit", files["npy"], "--method", "moments"),
        ("sample", "-n", "10"),  # --alpha is required
        ("sample", "--alpha", "1.5", "-n", "ten"),
        ("frobnicate",),
    ]
    for argv in usage:
        p = run_process(*argv)
        assert_clean_error(p.returncode, p.stderr.decode(), status=2)
    ours = [  # our checks, exit 2, naming the flag and value
        (("sample", "--alpha", "abc"), ["--alpha", "abc"]),
        (("sample", "--alpha", "1.5", "-n", "0"), ["-n", "0"]),
        (("sample", "--alpha", "1.5,1.7", "--scale", "1,2,3"), ["--scale", "3"]),
        (("sample", "--alpha", "1.5,1.7", "--beta", "0.5"), ["--beta"]),
        (("sample", "--alpha", "1.5", "--out", str(tmp_path / "x.txt")), ["--out", ".npy"]),
        (("tail-index", files["npy"], "--bootstrap", "-1"), ["--bootstrap", "-1"]),
        (("tail-index", files["npy"], "--confidence", "1.5"), ["--confidence", "1.5"]),
        (("bench", "-n", "10"), ["-n", "10"]),
    ]
    for argv, words in ours:
        rc, out, err = run(capsys, *argv)
        assert_clean_error(rc, err, *words, status=2)
    # refused by the library: exit 1 with its message (naming the parameter)
    for argv, words in [(("sample", "--alpha", "2.5"), ["alpha", "2.5"]),
                        (("sample", "--alpha", "1.5", "--beta", "3"), ["beta", "3"]),
                        (("tail-index", files["npy"], "--k1", "1"), ["k1"])]:
        rc, out, err = run(capsys, *argv)
        assert_clean_error(rc, err, *words, status=1)


def test_no_traceback_from_a_process(tmp_path):
    p = run_process("tail-index", tmp_path / "missing.csv")
    err = p.stderr.decode()
    assert p.returncode == 2 and p.stdout == b""
    assert err.strip() == f"levysgd tail-index: error: no such file: '{tmp_path / 'missing.csv'}'"
    p = run_process("sample", "--alpha", "7")
    assert p.returncode == 1 and "Traceback" not in p.stderr.decode()
    assert "alpha" in p.stderr.decode()


def test_no_command_prints_help(capsys):
    rc, out, err = run(capsys)
    assert rc == 2 and "sample" in err and "tail-index" in err


# ---------------------------------------------------------------- progress bar

def test_progress_bar_only_on_a_terminal():
    class Stream(io.StringIO):
        def __init__(self, tty):
            super().__init__()
            self.tty = tty

        def isatty(self):
            return self.tty

    for tty in (False, True):
        s = Stream(tty)
        with cli.Progress("work", 10, stream=s) as bar:
            for i in range(11):
                bar.update(i)
        text = s.getvalue()
        if tty:
            assert "work [" in text and "100.0%" in text
            assert text.endswith("\r\x1b[K")  # erased at the end
        else:
            assert text == ""
    s = Stream(False)
    with cli.Progress("forced", 2, enabled=True, stream=s) as bar:
        bar.update(1)
    assert "forced [" in s.getvalue()


def test_progress_absent_when_stderr_is_a_pipe(files):
    p = run_process("tail-index", files["npy"], "--bootstrap", "20")
    assert p.returncode == 0 and json.loads(p.stdout)["columns"]
    assert p.stderr == b""


def test_progress_drawn_on_a_terminal(files):
    master, slave = pty.openpty()
    try:
        p = run_process("tail-index", files["npy"], "--bootstrap", "20", stderr=slave)
        os.close(slave)
        slave = None
        chunks = []
        while True:
            try:
                b = os.read(master, 4096)
            except OSError:  # EIO: the child side is closed
                break
            if not b:
                break
            chunks.append(b)
    finally:
        if slave is not None:
            os.close(slave)
        os.close(master)
    err = b"".join(chunks).decode()
    assert p.returncode == 0
    assert "tail-index [" in err and err.endswith("\r\x1b[K")
    assert json.loads(p.stdout)["columns"]  # stdout is unchanged by the bar
    # --progress off silences it on a terminal too
    master, slave = pty.openpty()
    p = run_process("tail-index", files["npy"], "--bootstrap", "0", "--progress", "off",
                    stderr=slave)
    os.close(slave)
    os.set_blocking(master, False)
    try:
        data = os.read(master, 4096)
    except OSError:
        data = b""
    os.close(master)
    assert p.returncode == 0 and data == b""


def test_console_script():
    import subprocess
    import sys
    from pathlib import Path

    from cli_helpers import child_env

    exe = Path(sys.executable).parent / "levysgd"
    if not exe.exists():
        pytest.skip("no `levysgd` console script beside this python (package not pip-installed)")
    p = subprocess.run([str(exe), "sample", "--alpha", "1.5", "-n", "3", "--format", "csv"],
                       capture_output=True, env=child_env(), timeout=60)
    assert p.returncode == 0 and p.stdout.decode().splitlines()[0] == "x"
    assert len(p.stdout.decode().splitlines()) == 4 and p.stderr == b""
