#pragma once
// Moved to core/fast_math.hpp (the host/device core); kept for old includes.
#include "../core/fast_math.hpp"
