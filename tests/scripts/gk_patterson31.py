"""Patterson's extension of the Gauss-Kronrod (7-15) rule to 31 points
(Patterson 1968), as used by include/levysgd/core/gauss_kronrod.hpp
(gk31_abscissae, gk31_combine).

The Kronrod nodes are the 7 Gauss-Legendre nodes (roots of P7) and the roots
of the Stieltjes polynomial E8 (int P7 E8 x^k = 0, k < 8); the 16 added nodes
are the roots of the monic q16 with int P7 E8 q16 x^k = 0, k < 16, and the 31
weights are those of the interpolatory rule on all nodes (exact to degree
47). Computed with mpmath at 80 digits; prints the positive nodes and the
weights (descending x) to 33 digits, with the checks.

    /usr/bin/python3 tests/scripts/gk_patterson31.py
"""
import mpmath as mp

mp.mp.dps = 80


def pmul(a, b):  # coefficient lists, lowest degree first
    r = [mp.mpf(0)] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            r[i + j] += x * y
    return r


def moment(k):  # int_{-1}^{1} x^k dx
    return mp.mpf(0) if k % 2 else mp.mpf(2) / (k + 1)


def extend(w, m):
    """Monic q of degree m with int w q x^k dx = 0 for k < m."""
    def integral(j, k):
        return mp.fsum(c * moment(i + j + k) for i, c in enumerate(w))
    a = mp.matrix(m, m)
    b = mp.matrix(m, 1)
    for k in range(m):
        for j in range(m):
            a[k, j] = integral(j, k)
        b[k] = -integral(m, k)
    c = mp.lu_solve(a, b)
    return [c[j] for j in range(m)] + [mp.mpf(1)]


def real_roots(p):
    r = mp.polyroots(list(reversed(p)), maxsteps=500, extraprec=400)
    assert max(abs(mp.im(x)) for x in r) < mp.mpf(10) ** -60, "complex roots"
    return sorted(mp.re(x) for x in r)


p7 = mp.taylor(lambda x: mp.legendre(7, x), 0, 7)
e8 = extend(p7, 8)
q16 = extend(pmul(p7, e8), 16)
added = real_roots(q16)
nodes = sorted(real_roots(p7) + real_roots(e8) + added)
n = len(nodes)
a = mp.matrix(n, n)
b = mp.matrix(n, 1)
for k in range(n):
    for i, x in enumerate(nodes):
        a[k, i] = mp.legendre(k, x)
    b[k] = 2 if k == 0 else 0
w = mp.lu_solve(a, b)
assert min(w) > 0 and all(abs(x) < 1 for x in nodes)
for d in range(48):
    assert abs(mp.fsum(w[i] * nodes[i] ** d for i in range(n)) - moment(d)) < mp.mpf(10) ** -60
print("exact to degree 47; smallest weight", mp.nstr(min(w), 10))
print("added nodes, x > 0, descending:")
for x in sorted((x for x in added if x > 0), reverse=True):
    print("   ", mp.nstr(x, 33))
print("weights on the Kronrod nodes x >= 0, descending x:")
added_set = set(added)
for i in reversed(range(n)):
    if nodes[i] >= 0 and nodes[i] not in added_set:
        print("   ", mp.nstr(nodes[i], 33), mp.nstr(w[i], 33))
print("weights on the added nodes x > 0, descending x:")
for i in reversed(range(n)):
    if nodes[i] > 0 and nodes[i] in added_set:
        print("   ", mp.nstr(nodes[i], 33), mp.nstr(w[i], 33))
