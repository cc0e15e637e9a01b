#pragma once
// Moved to core/cms.hpp (the host/device core); kept for old includes.
#include "../../core/cms.hpp"
