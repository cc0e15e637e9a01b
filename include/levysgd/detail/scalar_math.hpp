#pragma once
// Moved to core/scalar_math.hpp (the host/device core); kept for old includes.
#include "../core/scalar_math.hpp"
