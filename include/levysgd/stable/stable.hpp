#pragma once
// The alpha-stable law: the stable/ topic in one include.
//
//   parameterization.hpp      S0 and S1
//   stable_distribution.hpp   stable_distribution<Real> (validated value type,
//                             <random> distribution, stream I/O), support(d)
//   sample.hpp                sample(), sample_array(), sample_coordinates()
//                             (SIMD, threads; index rule in core/stable_plan.hpp)
//   density.hpp               pdf, logpdf, cdf, ccdf, quantile,
//                             quantile_complement, median, stable_evaluator
//   fit.hpp                   parameter estimation

#include "density.hpp"
#include "fit.hpp"
#include "parameterization.hpp"
#include "sample.hpp"
#include "stable_distribution.hpp"
