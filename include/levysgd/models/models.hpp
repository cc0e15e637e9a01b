#pragma once
// Models to measure gradient noise on: the models/ topic in one include.
//
//   mlp.hpp  multilayer perceptron with softmax cross-entropy (GradientOracle,
//            per-sample gradients, exact last-layer Hessian)

#include "mlp.hpp"
