"""`--plot out.png`: a PNG where matplotlib is installed; without it (its
absence simulated), a clear message before any work, and no file."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from levysgd import cli, plot
from cli_helpers import assert_clean_error, run

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    p = tmp_path_factory.mktemp("plot") / "g.npy"
    assert cli.main(["sample", "--alpha", "1.3,1.9", "-n", "5000", "--out", str(p)]) == 0
    return str(p)


def _has_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


needs_mpl = pytest.mark.skipif(not _has_matplotlib(),
                               reason="matplotlib is not installed: --plot is not drawn here")


@needs_mpl
@pytest.mark.parametrize("argv", [
    ("sample", "--alpha", "1.5", "-n", "3000", "--format", "csv"),
    ("tail-index", "DATA", "--bootstrap", "0"),
    ("fit", "DATA"),
])
def test_plot_writes_png(capsys, tmp_path, data, argv):
    out = tmp_path / "fig.png"
    argv = [data if a == "DATA" else a for a in argv]
    rc, _, err = run(capsys, *argv, "--plot", out)
    assert rc == 0, err
    b = out.read_bytes()
    assert b[:8] == PNG and len(b) > 10_000  # a drawn figure, not an empty canvas


def test_plot_without_matplotlib(capsys, tmp_path, data, monkeypatch):
    # None in sys.modules makes `import matplotlib` raise ImportError
    for m in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, m)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(plot.PlotUnavailable, match="needs matplotlib"):
        plot.require_matplotlib()
    out = tmp_path / "fig.png"
    for argv in (("tail-index", data), ("fit", data), ("sample", "--alpha", "1.5")):
        rc, stdout, err = run(capsys, *argv, "--plot", out)
        assert_clean_error(rc, err, "--plot needs matplotlib", "pip install matplotlib",
                           status=1)
        assert stdout == ""  # refused before the work, not after it
        assert not out.exists()
    # without --plot the command does not need matplotlib
    rc, stdout, err = run(capsys, "tail-index", data, "--bootstrap", "0")
    assert rc == 0 and stdout


@needs_mpl
def test_plot_into_missing_directory(capsys, tmp_path, data):
    rc, out, err = run(capsys, "fit", data, "--plot", tmp_path / "no" / "fig.png")
    assert_clean_error(rc, err, "--plot", "no such directory", status=2)
    assert out == ""


@needs_mpl
def test_escape_figure_direct(tmp_path):
    rows = [{"eps": e, "mean_exit_time": 10 / e, "mean_exit_time_low": 9 / e,
             "mean_exit_time_high": 11 / e} for e in (0.1, 0.05)]
    e = np.geomspace(0.04, 0.12, 10)
    plot.escape_figure(rows, e, 10 / e, "theory", str(tmp_path / "e.png"), "test")
    assert (tmp_path / "e.png").read_bytes()[:8] == PNG
