#pragma once
// Mohammadi tail index (Simsekli et al. 2019 eq. 15) of data in device
// memory: one array, or each column of a column-major gradient matrix (one
// estimate per parameter, as analyse_noise_tails' per_parameter). The CPU's
// K1 rule, block structure, errors and result type (tail_index_result); the
// blocks' sums are reduced on the device, their logs added on the host in
// block order. Kernel: a __global__ wrapper of tail_body.hpp.
// Synchronous: returns the result (the kernel runs on opt's CUDA stream);
// each call allocates one small buffer (one entry per block) for it.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "error.hpp"
#include "tail_body.hpp"

namespace levysgd::cuda {

namespace detail {
template <class Real> __global__ void tail_kernel(tail_args<Real> a) {
    // raw storage: __shared__ variables take no initializers
    __shared__ alignas(tail_partial) unsigned char raw[sizeof(tail_partial) * default_block];
    tail_partial *parts = reinterpret_cast<tail_partial *>(raw);
    const std::uint64_t total = std::uint64_t{a.cols} * a.k2;
    for (std::uint64_t g = blockIdx.x; g < total; g += gridDim.x) {
        parts[threadIdx.x] = tail_thread_partial(a, g, threadIdx.x, blockDim.x);
        __syncthreads();
        for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
            tail_tree_step(parts, half, threadIdx.x);
            __syncthreads();
        }
        if (threadIdx.x == 0)
            a.out[g] = tail_block_finish(parts[0]);
        __syncthreads();
    }
}

template <class Real>
std::vector<tail_index_result> tail_columns(std::string_view where, const Real *x,
                                            std::size_t rows, std::size_t cols, std::size_t ld,
                                            tail_index_options opt, cudaStream_t s) {
    levysgd::detail::check_policy(where, opt.bad_values);
    if (opt.bad_values != bad_value_policy::throw_error)
        levysgd::detail::throw_invalid(where, "bad_values", static_cast<int>(opt.bad_values),
                                       "must be bad_value_policy::throw_error on the device "
                                       "(skip: use the CPU's mohammadi_tail_index)");
    if (rows < 4)
        levysgd::detail::throw_invalid(where, "number of usable values", rows,
                                       "must be >= 4 (two blocks of two)");
    const std::size_t k1 = levysgd::detail::checked_k1(where, opt.k1, rows, "K");
    const std::size_t k2 = rows / k1, dropped = rows - k1 * k2;
    std::vector<tail_block_result> host(k2 * cols);
    std::vector<Real> tail(dropped);
    {
        device_buffer<tail_block_result> out(host.size(), where);
        const tail_args<Real> a{x, k1, k2, cols, ld, out.p};
        const std::uint64_t total = std::uint64_t{cols} * k2;
        const launch_shape shape{static_cast<unsigned>(total < max_grid ? total : max_grid),
                                 default_block};
        detail::launch(where, &tail_kernel<Real>, shape, s, a);
        check(cudaMemcpyAsync(host.data(), out.p, host.size() * sizeof(tail_block_result),
                              cudaMemcpyDeviceToHost, s),
              where);
        check(cudaStreamSynchronize(s), where);
    }
    std::vector<tail_index_result> r;
    r.reserve(cols);
    for (std::size_t c = 0; c < cols; ++c) {
        const Real *col = x + c * ld;
        std::uint64_t tail_bad = 0, tail_first = ~std::uint64_t{0};
        if (dropped > 0) {
            check(cudaMemcpy(tail.data(), col + k1 * k2, dropped * sizeof(Real),
                             cudaMemcpyDeviceToHost),
                  where);
            for (std::size_t j = 0; j < dropped; ++j)
                if (!levysgd::detail::usable_for_log(double(tail[j])) && tail_bad++ == 0)
                    tail_first = k1 * k2 + j;
        }
        const auto value_at = [&](std::uint64_t i) {
            Real v{};
            check(cudaMemcpy(&v, col + i, sizeof(Real), cudaMemcpyDeviceToHost), where);
            return v;
        };
        const std::string in = cols == 1 ? std::string(where)
                                         : std::string(where) + " (column " + std::to_string(c) +
                                               ")";
        r.push_back(finish_tail_blocks<Real>(
            in, std::span<const tail_block_result>(host.data() + c * k2, k2), k1, dropped,
            tail_bad, tail_first, value_at));
    }
    return r;
}
} // namespace detail

/// mohammadi_tail_index of x (device memory), as the CPU's: the same K1,
/// blocks and errors; the estimate agrees to rounding. Only
/// bad_value_policy::throw_error (the default); opt.threads is ignored.
/// Throws std::invalid_argument (the CPU's messages) or levysgd::cuda::error.
template <class Real>
tail_index_result mohammadi_tail_index(std::span<const Real> x, tail_index_options opt = {},
                                       cudaStream_t cuda_stream = nullptr) {
    return detail::tail_columns("levysgd::cuda::mohammadi_tail_index", x.data(), x.size(), 1,
                                x.size(), opt, cuda_stream)[0];
}

/// One estimate per column of the column-major rows x cols matrix u in device
/// memory (leading dimension ld >= rows): rows = minibatches, columns =
/// parameters, as analyse_noise_tails' per_parameter on the CPU.
template <class Real>
std::vector<tail_index_result>
mohammadi_tail_index_columns(const Real *u, std::size_t rows, std::size_t cols, std::size_t ld,
                             tail_index_options opt = {}, cudaStream_t cuda_stream = nullptr) {
    constexpr std::string_view where = "levysgd::cuda::mohammadi_tail_index_columns";
    if (cols < 1)
        levysgd::detail::throw_invalid(where, "cols", cols, "must be >= 1");
    if (ld < rows)
        levysgd::detail::throw_invalid(where, "ld", ld,
                                       "must be >= rows = " + std::to_string(rows));
    return detail::tail_columns(where, u, rows, cols, ld, opt, cuda_stream);
}

} // namespace levysgd::cuda
