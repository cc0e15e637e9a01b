#pragma once
// The thread grid of levysgd's CUDA kernels, without the CUDA runtime: every
// kernel is a thin __global__ wrapper of a LEVYSGD_HOST_DEVICE per-thread
// body taking a thread_index; host_launch runs the same body over every
// (block, thread) of a grid in a loop, so plain g++ tests each index
// computation, tail block and stream offset against the CPU library.

#include <cstdint>

#include "../config.hpp"

namespace levysgd::cuda {

/// Where a thread is: blockIdx.x, threadIdx.x, blockDim.x, gridDim.x.
struct thread_index {
    unsigned block = 0, thread = 0, block_dim = 1, grid_dim = 1;
    /// Position in the grid, and the grid size (the grid-stride loop's step).
    LEVYSGD_HOST_DEVICE constexpr std::uint64_t global() const noexcept {
        return std::uint64_t{block} * block_dim + thread;
    }
    LEVYSGD_HOST_DEVICE constexpr std::uint64_t stride() const noexcept {
        return std::uint64_t{grid_dim} * block_dim;
    }
};

/// A one-dimensional launch: `grid` blocks of `block` threads.
struct launch_shape {
    unsigned grid = 1, block = 1;
};

/// Threads per block of levysgd's kernels, and the most blocks a
/// grid-stride kernel is launched with.
inline constexpr unsigned default_block = 256;
inline constexpr unsigned max_grid = 65535u * 8u;

/// The shape covering `items` work items (one per thread, grid-stride
/// beyond max_grid blocks); at least one block.
constexpr launch_shape shape_for(std::uint64_t items, unsigned block = default_block) noexcept {
    const std::uint64_t g = (items + block - 1) / block;
    return {static_cast<unsigned>(g == 0 ? 1 : (g > max_grid ? max_grid : g)), block};
}

/// Runs body(thread_index) for every thread of `s`, blocks in order, threads
/// in order within a block: the kernel's work on the CPU.
template <class Body> void host_launch(launch_shape s, Body &&body) {
    for (unsigned b = 0; b < s.grid; ++b)
        for (unsigned t = 0; t < s.block; ++t)
            body(thread_index{b, t, s.block, s.grid});
}

} // namespace levysgd::cuda
