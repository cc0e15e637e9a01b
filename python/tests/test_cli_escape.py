"""`levysgd escape`: a study from flags or from a TOML/JSON file, swept over
eps, with the theory beside each result; the settings file's checks."""
from __future__ import annotations

import csv
import io
import json

import pytest

import levysgd
from levysgd import study_config
from cli_helpers import assert_clean_error, run, run_json

# A small Lévy study of the double well of docs/figures.md (escape_time.png):
# f' = (x+1)(x+1/2)(x-2), from -1 until the saddle -1/2.
FLAGS = ("--potential", "double-well", "--well", "-1,-0.5,2", "--noise", "stable",
         "--alpha", "1.5", "--eps", "0.2,0.1", "--dt", "0.01", "--paths", "200",
         "--horizon", "1e4", "--seed", "3", "--threads", "2")
TOML = """
potential = "double-well"
well = [-1.0, -0.5, 2.0]
noise = "stable"
alpha = 1.5
eps = [0.2, 0.1]
dt = 0.01
paths = 200
horizon = 1e4
seed = 3
threads = 2
"""

has_escape = pytest.mark.skipif(
    not all(hasattr(levysgd, n) for n in ("escape_study", "double_well", "stable_noise",
                                          "levy_metastability", "kramers_escape_time")),
    reason="levysgd has no escape_study / double_well / theory bindings in this build")


# ---------------------------------------------------------------- settings file

def test_study_file_toml_and_json_read_the_same(tmp_path):
    t = tmp_path / "s.toml"
    t.write_text(TOML)
    j = tmp_path / "s.json"
    j.write_text(json.dumps({"potential": "double-well", "well": [-1, -0.5, 2],
                             "noise": "stable", "alpha": 1.5, "eps": [0.2, 0.1], "dt": 0.01,
                             "paths": 200, "horizon": 1e4, "seed": 3, "threads": 2}))
    a, b = study_config.read_study_file(str(t)), study_config.read_study_file(str(j))
    assert a == b
    s = study_config.merge(a, {"seed": "9", "eps": "0.3"})  # flags win
    assert s["seed"] == 9 and s["eps"] == [0.3] and s["paths"] == 200
    assert s["integrator"] == "tamed-euler"  # a default


def _bad_file(path, text, *words):
    """A study file with `text` is refused by the settings checks, naming `words`."""
    path.write_text(text)
    with pytest.raises(study_config.ConfigError) as e:
        study_config.merge(study_config.read_study_file(str(path)), {})
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_study_file_errors(tmp_path):
    def bad(name, text, *words):
        _bad_file(tmp_path / name, text, *words)

    bad("a.toml", "potental = 'double-well'\n", "unknown setting 'potental'", "potential")
    bad("b.toml", "eps = [0.1, \n", "not valid TOML")
    bad("c.json", "{\"eps\": }", "not valid JSON")
    bad("d.json", "[1, 2]", "table/object")
    bad("e.toml", "eps = [0.1, -0.2]\n", "eps", "-0.2")
    bad("f.toml", "noise = 'cauchy'\n", "noise", "stable, gaussian", "cauchy")
    bad("g.toml", "paths = 1.5\n", "paths", "integer")
    bad("h.toml", "well = [1, 2]\n", "well", "three")
    bad("i.toml", "alpha = 2.5\n", "alpha", "2.5")
    bad("j.toml", "domain = [1, 0]\n", "domain")
    bad("k.yaml", "eps: 1\n", ".toml or .json")
    with pytest.raises(study_config.ConfigError, match="cannot read"):
        study_config.read_study_file(str(tmp_path / "missing.toml"))
    with pytest.raises(study_config.ConfigError, match="--dt"):
        study_config.merge({}, {"dt": "fast"})


def test_escape_bad_settings_give_clear_errors(capsys, tmp_path):
    for argv, words in [
        (("--config", tmp_path / "nope.toml"), ["cannot read", "nope.toml"]),
        (("--eps", "0.1,x"), ["--eps", "0.1,x"]),
        (("--paths", "0"), ["paths", "0"]),
        (("--potential", "mexican-hat"), ["--potential", "double-well"]),
        (("--potential", "polynomial-well"), ["minima and maxima"]),
    ]:
        rc, out, err = run(capsys, "escape", *argv)
        assert_clean_error(rc, err, *words, status=2)
        assert out == ""


# ---------------------------------------------------------------- studies

@has_escape
def test_escape_levy_flags_against_imkeller_pavlyukevich(capsys):
    r = run_json(capsys, "escape", *FLAGS)
    assert r["theory"] == "imkeller-pavlyukevich"
    rows = r["results"]
    assert [x["eps"] for x in rows] == [0.2, 0.1]
    for x in rows:
        assert x["exited"] == 200 and x["censored"] == 0 and x["non_finite"] == 0
        assert x["mean_exit_time_low"] <= x["mean_exit_time"] <= x["mean_exit_time_high"]
        # docs/figures.md: sim / theory rises from ~0.4 towards 1 as eps -> 0
        assert 0.25 < x["sim_over_theory"] < 1.2, x
    # polynomial in 1/eps: halving eps multiplies the I-P time by 2^alpha
    assert rows[1]["theory"] / rows[0]["theory"] == pytest.approx(2 ** 1.5, rel=1e-9)
    assert rows[1]["mean_exit_time"] > rows[0]["mean_exit_time"]


@has_escape
def test_escape_from_toml_and_json_files_equals_flags(capsys, tmp_path):
    t = tmp_path / "study.toml"
    t.write_text(TOML)
    from_flags = run_json(capsys, "escape", *FLAGS)["results"]
    assert run_json(capsys, "escape", "--config", t)["results"] == from_flags
    j = tmp_path / "study.json"
    j.write_text(json.dumps(study_config.read_study_file(str(t))))
    assert run_json(capsys, "escape", "--config", j)["results"] == from_flags
    # a flag beats the file
    one = run_json(capsys, "escape", "--config", t, "--eps", "0.1")["results"]
    assert one == from_flags[1:]


@has_escape
def test_escape_gaussian_kramers_csv(capsys):
    # barrier dV = 0.0573 for this well; eps = sqrt(2 dV / r) puts dV/D (D = eps^2/2) at 2, 3
    rc, out, err = run(capsys, "escape", "--noise", "gaussian", "--eps", "0.2394,0.1954",
                       "--paths", "200", "--horizon", "1e4", "--format", "csv", "--seed", "2")
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2 and {"eps", "mean_exit_time", "theory", "sim_over_theory"} <= set(rows[0])
    for x in rows:
        assert int(x["exited"]) == 200
        # docs/figures.md: Brownian sim / Kramers-to-the-saddle ~1.2-1.3 at these dV/D
        assert 0.9 < float(x["sim_over_theory"]) < 1.7, x


@has_escape
def test_escape_censored_and_no_theory_notes(capsys):
    rc, out, err = run(capsys, "escape", "--domain=-3,-0.5", "--eps", "0.05", "--paths", "20",
                       "--horizon", "1")
    assert rc == 0, err
    r = json.loads(out)
    assert r["theory"] is None and r["results"][0]["theory"] is None
    assert r["results"][0]["censored"] > 0
    assert "no theory" in err and "censored" in err


@has_escape
def test_escape_plot(capsys, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed: --plot not drawn")
    out = tmp_path / "escape.png"
    rc, _, err = run(capsys, "escape", *FLAGS, "--plot", out)
    assert rc == 0, err
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@has_escape
def test_escape_polynomial_well_two_sides(capsys):
    # the middle well of f' = x(x^2 - 1)(x^2 - 4): exits over both maxima, -1 and 1
    r = run_json(capsys, "escape", "--potential", "polynomial-well", "--minima", "-2,0,2",
                 "--maxima", "-1,1", "--start", "1", "--eps", "0.1", "--paths", "300",
                 "--seed", "4")
    assert r["study"]["domain"] == [-1.0, 1.0] and r["study"]["x0"] == 0.0
    x = r["results"][0]
    assert x["exited"] == 300 and 0.6 < x["sim_over_theory"] < 1.2, x
    # I-P: two sides at distance 1 leave twice as fast as one
    one = levysgd.levy_metastability([-2.0, 0.0], [-1.0], 1.5, 0.1).mean_exit_time(1)
    assert x["theory"] == pytest.approx(one / 2, rel=1e-12)


@has_escape
def test_escape_no_progress_when_stderr_is_a_pipe():
    from cli_helpers import run_process

    p = run_process("escape", *FLAGS[:-2], "--paths", "64")
    assert p.returncode == 0 and json.loads(p.stdout)["results"]
    assert p.stderr == b""
    p = run_process("escape", *FLAGS[:-2], "--paths", "64", "--progress", "on")
    assert p.returncode == 0 and b"paths" in p.stderr  # escape_study's own bar, forced


# ---------------------------------------------------------------- schedulers and mixtures

MIXED = """
noise = "mixture"
mixture = ["hessian", "stable"]
mixture_scales = [1.0, 0.5]
scheduler = "exponential"
gamma = 0.5
t_min = 2.0
eps = [0.3]
paths = 60
horizon = 50
seed = 5
threads = 2
"""


@has_escape
def test_escape_study_file_with_scheduler_and_mixture(capsys, tmp_path):
    t = tmp_path / "mixed.toml"
    t.write_text(MIXED)
    rc, out, err = run(capsys, "escape", "--config", t)
    assert rc == 0, err
    r = json.loads(out)
    assert r["theory"] is None and "no theory" in err
    assert r["study"]["mixture"] == ["hessian", "stable"] and r["study"]["scheduler"] == "exponential"
    # the same study from the library: the file's pieces, nothing else
    w = levysgd.double_well(-1.0, -0.5, 2.0)
    s = levysgd.exponential_scheduler(0.5, t_min=2.0)
    n = levysgd.mixture_noise(levysgd.hessian_noise(w, 0.3 ** 2, "absolute", scheduler=s),
                              levysgd.stable_noise(1, 1.5, 0.15, scheduler=s))
    lib = levysgd.escape_study(w, n, levysgd.tamed_euler(0.01), levysgd.interval(-float("inf"), -0.5),
                               [-1.0], paths=60, horizon=50, seed=5, threads=2, progress=False)
    x = r["results"][0]
    assert x["exited"] == lib.exited > 0 and x["mean_exit_time"] == lib.mean_exit_time.value
    # flags: a multi-step scheduler on a stable + stable mixture
    r2 = run_json(capsys, "escape", "--noise", "mixture", "--mixture", "stable,stable", "--scheduler",
                  "multistep", "--boundaries", "1,10", "--factors", "0.5,0.25", "--eps", "0.2",
                  "--paths", "40", "--horizon", "100", "--seed", "1")
    assert r2["results"][0]["exited"] + r2["results"][0]["censored"] == 40


def test_escape_scheduler_and_mixture_errors(capsys, tmp_path):
    def bad(text, *words):
        _bad_file(tmp_path / "bad.toml", text, *words)

    bad("scheduler = 'cosine'\n", "scheduler", "exponential", "cosine")
    bad("scheduler = 'exponential'\n", "exponential needs gamma")
    bad("scheduler = 'multistep'\nboundaries = [1.0]\n", "multistep needs boundaries and factors")
    bad("noise = 'mixture'\nmixture = ['gaussian']\n", "mixture", "two noise models")
    bad("noise = 'mixture'\nmixture = ['gaussian', 'cauchy']\n", "mixture", "cauchy")
    bad("noise = 'mixture'\nmixture = ['gaussian', 'mixture']\n", "mixture", "stable, gaussian, hessian")
    bad("mixture_scales = [1.0, -1.0]\n", "mixture_scales")
    bad("hessian_part = 'both'\n", "hessian_part", "both")
    bad("noise = 'mixture'\nmixture = ['gaussian', 'stable']\nalpha = 3\n", "alpha", "3")
    # the library's checks (C++ messages): exit status 1, no traceback
    for argv, words in [
        (("--scheduler", "exponential", "--gamma", "1.5"), ["gamma", "(0, 1]"]),
        (("--scheduler", "exponential", "--gamma", "0.5", "--t-min", "0"), ["t_min"]),
        (("--scheduler", "multistep", "--boundaries", "1,2", "--factors", "0.5"), ["factors.size()"]),
        (("--scheduler", "multistep", "--boundaries", "2,1", "--factors", "0.5,0.5"), ["boundaries[1]"]),
        (("--scheduler", "multistep", "--boundaries", "1", "--factors", "2"), ["factors[0]"]),
    ]:
        rc, out, err = run(capsys, "escape", "--eps", "0.1", "--paths", "4", "--horizon", "1", *argv)
        assert_clean_error(rc, err, *words)
        assert out == ""
