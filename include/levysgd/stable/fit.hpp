#pragma once
// Fitting alpha-stable laws to data (all estimates in Nolan's S0
// parameterization, with the S1 location alongside):
//  - fit_stable_quantiles: McCulloch's (1986) quantile estimator, "Simple
//    consistent estimators of stable distribution parameters", Commun.
//    Statist. Simul. 15(4). The ratios nu_alpha, nu_beta of sample quantiles
//    are inverted through the exact quantile function of the standard S0 law
//    (levysgd::quantile), not through McCulloch's printed tables.
//  - fit_stable_mle: maximum likelihood from the McCulloch start, with the
//    log-density tabulated per (alpha, beta) as in Nolan's STABLE
//    (stable_logpdf_grid), a profiled Newton search, and standard
//    errors from the observed information (numerical Hessian).
//  - stable_gaussian_gof: histogram goodness of fit, SaS vs Gaussian, as in
//    Battash & Lindenbaum 2023 Tables 1-3 (SSE and Chi^2).
// One header per estimator under stable/fit/; this umbrella includes all three.

#include "fit/goodness_of_fit.hpp"
#include "fit/mcculloch.hpp"
#include "fit/mle.hpp"
