// Catch2 v2 main translation unit (with Catch2 v3, Catch2::Catch2WithMain is used instead).
#if !defined(LEVYSGD_CATCH2_V3)
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
