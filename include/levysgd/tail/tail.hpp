#pragma once
// Tail-index estimation: the tail/ topic in one include.
//
//   mohammadi.hpp  Mohammadi et al. 2015 estimator as in Simsekli et al. 2019 eq. (15):
//                  one shot (SIMD, threads) and streaming (mohammadi_accumulator)
//   hill.hpp       Hill 1975 estimator on the k largest |x|
//   bootstrap.hpp  percentile bootstrap interval for any statistic (Efron & Tibshirani 1993)

#include "bootstrap.hpp"
#include "hill.hpp"
#include "mohammadi.hpp"
