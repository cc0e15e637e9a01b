#pragma once
// Moved to core/transforms.hpp (the host/device core); kept for old includes.
#include "../core/transforms.hpp"
