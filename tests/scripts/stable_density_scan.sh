#!/bin/sh
# The stable density's self-consistency scan (issue 18): the scan points of
# tests/scripts/stable_density_probe.cpp with the quadrature's stopping rule
# as it is and at 1e-14 (a copy of include/ with stable_standard::tol
# changed); prints the worst differences (log f absolute where f is a normal
# double, else relative; the smaller of cdf/ccdf relative). With a second
# tree (BASE=/path/to/other/checkout), also the points where this tree is
# worse than max(1e-12, 2 x BASE's).
#   sh tests/scripts/stable_density_scan.sh            (from the repository root)
set -e
out=${OUT:-/tmp/stable_density_scan}
mkdir -p "$out"
build() { # build NAME INCLUDE_DIR
    g++ -std=c++20 -O2 -march=native -I "$2" -isystem /usr/include/eigen3 \
        tests/scripts/stable_density_probe.cpp -o "$out/$1"
    "$out/$1" scan > "$out/$1.txt"
}
rm -rf "$out/tight_src" && mkdir -p "$out/tight_src" && cp -r include "$out/tight_src/"
sed -i 's/static constexpr double tol = 1e-12;/static constexpr double tol = 1e-14;/' \
    "$out/tight_src/include/levysgd/stable/detail/density_standard.hpp"
grep -q 'tol = 1e-14;' "$out/tight_src/include/levysgd/stable/detail/density_standard.hpp"
build tight "$out/tight_src/include"
build this include
[ -n "$BASE" ] && build base "$BASE/include"
/usr/bin/python3 - "$out" "${BASE:+base}" <<'PY'
import math, sys
out, base = sys.argv[1], sys.argv[2]
load = lambda n: [l.split() for l in open(f"{out}/{n}.txt")]
ref, this = load("tight"), load("this")
def errs(r, g):
    lr, lg = float(r[4]), float(g[4])
    if lr == lg: e0 = 0.0
    elif not (math.isfinite(lr) and math.isfinite(lg)): e0 = math.inf
    else: e0 = abs(lg - lr) if lr > -700 else abs(lg / lr - 1)
    k = 5 if float(r[5]) <= float(r[6]) else 6
    rv, gv = float(r[k]), float(g[k])
    e1 = 0.0 if rv == gv else (abs(gv / rv - 1) if rv != 0 else math.inf)
    return e0, e1
for i, name in enumerate(["log f", "smaller tail"]):
    e, r = max((errs(r, g)[i], r[:4]) for r, g in zip(ref, this))
    print(f"{name}: worst {e:.3g} at param/alpha/beta/x {r}")
for r, g in zip(ref, this):
    if r[1] == "1.016875" and r[3] == "18.84":
        print("alpha = 1.016875, beta = 0.5, S1 y = 18.84: log f", g[4], "(tol 1e-14:", r[4] + ")")
if base:
    b = load("base")
    worse = [(r[:4], i, eb[i], et[i]) for r, g, bb in zip(ref, this, b)
             for eb, et in [(errs(r, bb), errs(r, g))] for i in range(2) if et[i] > max(1e-12, 2 * eb[i])]
    print(f"worse than max(1e-12, 2 x base): {len(worse)}")
    for w in worse[:20]: print("  ", w)
PY
