#pragma once
// levysgd's CUDA backend (docs/cuda.md), for code compiled with nvcc: sampling
// and fills into device memory, tail indices of device arrays. The CPU
// headers (levysgd.hpp) never need the CUDA toolkit; the per-thread kernel
// bodies and their host launches (cuda/*_body.hpp) build with any compiler.
#if !defined(__CUDACC__)
#error "levysgd/cuda.hpp is for code compiled with nvcc (host launches: levysgd/cuda/*_body.hpp)"
#endif

#include "cuda/error.hpp"
#include "cuda/escape.hpp"
#include "cuda/grid.hpp"
#include "cuda/sample.hpp"
#include "cuda/sample_body.hpp"
#include "cuda/study_body.hpp"
#include "cuda/tail.hpp"
#include "cuda/tail_body.hpp"
