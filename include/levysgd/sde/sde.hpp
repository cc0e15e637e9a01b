#pragma once
// SDE integrators and escape-time studies: the sde/ topic in one include.

#include "concepts.hpp"
#include "domains.hpp"
#include "escape.hpp"
#include "integrators.hpp"
#include "noise.hpp"
#include "potentials.hpp"
#include "scheduler.hpp"
