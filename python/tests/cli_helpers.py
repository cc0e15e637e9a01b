"""Shared helpers of the CLI tests: run `levysgd` in-process or as a process."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import levysgd
from levysgd import cli

PKG_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(levysgd.__file__)))


def run(capsys, *argv):
    """main(argv) in this process: (exit status, stdout, stderr)."""
    capsys.readouterr()
    rc = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def run_json(capsys, *argv):
    rc, out, err = run(capsys, *argv)
    assert rc == 0, err
    return json.loads(out)


def child_env():
    """The environment with this levysgd first on the path, for a child python."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PKG_ROOT, env.get("PYTHONPATH")) if p)
    env.pop("LEVYSGD_TRACEBACK", None)
    return env


def run_process(*argv, stderr=subprocess.PIPE, timeout=60):
    """`python -m levysgd.cli argv` as a child process."""
    return subprocess.run([sys.executable, "-m", "levysgd.cli", *map(str, argv)],
                          stdout=subprocess.PIPE, stderr=stderr, env=child_env(),
                          timeout=timeout)


def assert_clean_error(rc, err, *words, status=None):
    """Nonzero exit, one `levysgd ...: error: ...` message naming `words`, no traceback."""
    assert rc != 0
    if status is not None:
        assert rc == status, (rc, err)
    assert "Traceback" not in err, err
    assert "error:" in err, err
    for w in words:
        assert w in err, (w, err)
