#pragma once
// Closed-form escape-time theory: the theory/ topic in one include.
//
//   kramers.hpp        Eyring-Kramers (001 Thm 3.1), SGD escape (001 Thm 3.2),
//                      multi-path rule, minima selection (001 Prop. 1)
//   first_passage.hpp  exact 1-D mean exit time by quadrature
//   gibbs.hpp          Gibbs equilibrium weights and noise threshold (002)
//   levy.hpp           Levy metastability (003 Thms 1-2) and the per-coordinate
//                      first-jump model (000 eq. 12-13, Cor. 4.2, 4.4)

#include "first_passage.hpp"
#include "gibbs.hpp"
#include "kramers.hpp"
#include "levy.hpp"
