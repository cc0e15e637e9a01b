#pragma once
// Stochastic-gradient-noise analysis on Eigen matrices: the analysis/ topic
// in one include.
//
//   gradient_noise.hpp  noise matrix U = G - 1 g^T, per-parameter, pooled and
//                       multivariate tail indices (Simsekli et al. 2019), noise
//                       covariance (Battash & Lindenbaum 2023 eq. 2), and the
//                       C ~ H/B comparison (Xie et al. 2021 Fig. 2)

#include "gradient_noise.hpp"
