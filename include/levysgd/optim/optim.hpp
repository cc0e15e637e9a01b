#pragma once
// Optimizer steps for training loops: the optim/ topic in one include.

#include "minibatch.hpp"
#include "steps.hpp"
