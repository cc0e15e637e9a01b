#pragma once
// Closed-form escape-time theory: the theory/ topic in one include.
//
//   kramers.hpp        Eyring-Kramers (Xie et al. 2021 Thm 3.1), SGD escape (Xie et al. 2021 Thm 3.2),
//                      multi-path rule, minima selection (Xie et al. 2021 Prop. 1)
//   first_passage.hpp  exact 1-D mean exit time by quadrature
//   gibbs.hpp          Gibbs equilibrium weights and noise threshold (Jastrzębski et al. 2017)
//   levy.hpp           Levy metastability (Simsekli et al. 2019 Thms 1-2) and the per-coordinate
//                      first-jump model (Battash & Lindenbaum 2023 eq. 12-13, Cor. 4.2, 4.4)

#include "first_passage.hpp"
#include "gibbs.hpp"
#include "kramers.hpp"
#include "levy.hpp"
