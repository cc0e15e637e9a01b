"""Null rules of the Gauss-Kronrod (7-15) rule (Berntsen and Espelid 1991),
as used by include/levysgd/core/gauss_kronrod.hpp (gk15_combine_sharp).

On the 15 Kronrod nodes x_i with the Kronrod weights w_i (an inner product
<f, g> = sum_i w_i f(x_i) g(x_i), exact for the integral of f g when
deg f + deg g <= 22), the polynomials q_0 .. q_14 are made orthonormal by
Gram-Schmidt on the Legendre polynomials; f's coefficients in them are
c_j = sum_i w_i q_j(x_i) f(x_i), and K15 = sqrt(2) c_0. The null rule of
degree j, n_j[i] = w_i q_j(x_i), integrates every polynomial of degree < j
to 0; |K15 - G7| = |c_14| |G7(q_14)| (checked). q_j is even or odd with j,
so n_j is printed on the positive half of the nodes (descending x, then the
centre; odd j: the centre's entry is 0 and left out), for j = 9 .. 14.
Computed with mpmath at 60 digits from the 33-digit nodes and weights
of gauss_kronrod.hpp (the checks hold to their precision), printed to 20.

    /usr/bin/python3 tests/scripts/gk15_null_rules.py
"""
import mpmath as mp

mp.mp.dps = 60

# the Kronrod nodes and weights (positive half, descending; the centre last)
xk = ["0.991455371120812639206854697526329", "0.949107912342758524526189684047851",
      "0.864864423359769072789712788640926", "0.741531185599394439863864773280788",
      "0.586087235467691130294144845693013", "0.405845151377397166906606412076961",
      "0.207784955007898467600689403773245", "0"]
wk = ["0.022935322010529224963732008058970", "0.063092092629978553290700663189204",
      "0.104790010322250183839876322541518", "0.140653259715525918745189590510238",
      "0.169004726639267902826583426598550", "0.190350578064785409913256402421014",
      "0.204432940075298892414161999234649", "0.209482141084727828012999174891714"]
wg = ["0.129484966168869693270611432679082", "0.279705391489276667901467771423780",
      "0.381830050505118944950369775488975", "0.417959183673469387755102040816327"]

# the 15 nodes ascending, as gk15_abscissae orders them on [-1, 1]
x = [-mp.mpf(v) for v in xk[:7]] + [mp.mpf(0)] + [mp.mpf(v) for v in reversed(xk[:7])]
w = [mp.mpf(v) for v in wk[:7]] + [mp.mpf(wk[7])] + [mp.mpf(v) for v in reversed(wk[:7])]
# G7 weights on the 15 nodes (odd positions of the positive half)
g = [mp.mpf(0)] * 15
for j in range(7):
    if j % 2 == 1:
        g[j] = g[14 - j] = mp.mpf(wg[j // 2])
g[7] = mp.mpf(wg[3])


def dot(a, b):
    return mp.fsum(wi * ai * bi for wi, ai, bi in zip(w, a, b))


q = []
for j in range(15):
    v = [mp.legendre(j, xi) for xi in x]
    for p in q:
        c = dot(v, p)
        v = [vi - c * pi for vi, pi in zip(v, p)]
    nrm = mp.sqrt(dot(v, v))
    q.append([vi / nrm for vi in v])

# checks: orthonormal; n_j annihilates degree < j; |K - G| = |c_14| |G7(q_14)|
for j in range(15):
    for k in range(15):
        assert abs(dot(q[j], q[k]) - (1 if j == k else 0)) < mp.mpf(10) ** -50
    for d in range(j):
        assert abs(mp.fsum(w[i] * q[j][i] * x[i] ** d for i in range(15))) < mp.mpf(10) ** -50
g7_q14 = mp.fsum(g[i] * q[14][i] for i in range(15))
f = [mp.exp(3 * xi) * mp.cos(2 * xi) for xi in x]
kg = mp.fsum(wi * fi for wi, fi in zip(w, f)) - mp.fsum(gi * fi for gi, fi in zip(g, f))
c14 = mp.fsum(w[i] * q[14][i] * f[i] for i in range(15))
assert abs(abs(kg) - abs(c14 * g7_q14)) < mp.mpf(10) ** -18 * abs(kg)
print("|G7(q_14)| =", mp.nstr(abs(g7_q14), 20))
for j in range(9, 15):
    half = [w[i] * q[j][i] for i in range(7)]  # x descending from the left end: i = 0..6
    # on the positive half (descending x): the right end first = mirror of i
    pos = [w[14 - i] * q[j][14 - i] for i in range(7)]
    if j % 2 == 0:
        pos.append(w[7] * q[j][7])
    print("n_%d = {%s}" % (j, ", ".join(mp.nstr(v, 20, min_fixed=-1, max_fixed=1) for v in pos)))
