#pragma once
// Tail indices of data in device memory: one array, or each column of a
// column-major gradient matrix (one estimate per parameter, as
// analyse_noise_tails' per_parameter).
//   Mohammadi (Simsekli et al. 2019 eq. 15): the CPU's K1 rule, block
//   structure, errors and result type (tail_index_result); the blocks' sums
//   are reduced on the device, their logs added on the host in block order
//   (kernel: tail_body.hpp).
//   Hill (Hill 1975): the CPU's k rule, errors and hill_result; the
//   threshold |x|_(k+1) by a radix select on the device (hill_body.hpp).
// Each call queues its kernels on the given CUDA stream and waits for that
// stream (not the device) before returning the result. The overloads taking
// a workspace (device memory of at least *_workspace_size bytes) allocate no
// device memory: repeated calls on one stream can share one workspace.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "error.hpp"
#include "hill_body.hpp"
#include "tail_body.hpp"

namespace levysgd::cuda {

/// Caller-provided device memory for a call: `bytes` bytes at `data`
/// (cudaMalloc'd: aligned for any type).
struct workspace {
    void *data = nullptr;
    std::size_t bytes = 0;
};

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

/// The convenient overloads' workspace: allocated for the call.
struct owned_workspace {
    device_buffer<unsigned char> buf;
    workspace ws;
    owned_workspace(std::size_t bytes, std::string_view where)
        : buf(bytes == 0 ? 1 : bytes, where), ws{buf.p, bytes} {}
};

/// Refuses a workspace smaller than `need` bytes.
inline void check_workspace(std::string_view where, workspace ws, std::size_t need) {
    if (ws.bytes < need || (need > 0 && ws.data == nullptr))
        levysgd::detail::throw_invalid(where, "workspace.bytes", ws.bytes,
                                       "must be >= " + std::to_string(need) +
                                           " (the *_workspace_size of this call), with data "
                                           "non-null");
}

/// The device accepts bad_value_policy::throw_error only.
inline void check_device_policy(std::string_view where, bad_value_policy p, const char *cpu) {
    levysgd::detail::check_policy(where, p);
    if (p != bad_value_policy::throw_error)
        levysgd::detail::throw_invalid(where, "bad_values", static_cast<int>(p),
                                       std::string("must be bad_value_policy::throw_error on the "
                                                   "device (skip: use the CPU's ") +
                                           cpu + ")");
}

/// Mohammadi's K1 and workspace bytes for rows x cols (validated).
inline std::size_t mohammadi_k1(std::string_view where, std::size_t rows, tail_index_options opt) {
    check_device_policy(where, opt.bad_values, "mohammadi_tail_index");
    if (rows < 4)
        levysgd::detail::throw_invalid(where, "number of usable values", rows,
                                       "must be >= 4 (two blocks of two)");
    return levysgd::detail::checked_k1(where, opt.k1, rows, "K");
}

/// Mohammadi's workspace bytes for rows x cols (validated, naming `where`).
inline std::size_t mohammadi_bytes(std::string_view where, std::size_t rows, std::size_t cols,
                                   tail_index_options opt) {
    return rows / mohammadi_k1(where, rows, opt) * cols * sizeof(tail_block_result);
}

/// Copies n values at src (device) to dst (host) on stream s and waits.
template <class T>
void copy_to_host(T *dst, const T *src, std::size_t n, cudaStream_t s, std::string_view where) {
    check(cudaMemcpyAsync(dst, src, n * sizeof(T), cudaMemcpyDeviceToHost, s), where);
    check(cudaStreamSynchronize(s), where);
}

template <class Real>
std::vector<tail_index_result> tail_columns(std::string_view where, const Real *x,
                                            std::size_t rows, std::size_t cols, std::size_t ld,
                                            tail_index_options opt, cudaStream_t s,
                                            workspace ws) {
    const std::size_t k1 = mohammadi_k1(where, rows, opt);
    const std::size_t k2 = rows / k1, dropped = rows - k1 * k2;
    check_workspace(where, ws, k2 * cols * sizeof(tail_block_result));
    std::vector<tail_block_result> host(k2 * cols);
    std::vector<Real> tail(dropped);
    {
        auto *out = static_cast<tail_block_result *>(ws.data);
        const tail_args<Real> a{x, k1, k2, cols, ld, out};
        const std::uint64_t total = std::uint64_t{cols} * k2;
        const launch_shape shape{static_cast<unsigned>(total < max_grid ? total : max_grid),
                                 default_block};
        detail::launch(where, &tail_kernel<Real>, shape, s, a);
        copy_to_host(host.data(), out, host.size(), s, where);
    }
    std::vector<tail_index_result> r;
    r.reserve(cols);
    for (std::size_t c = 0; c < cols; ++c) {
        const Real *col = x + c * ld;
        std::uint64_t tail_bad = 0, tail_first = ~std::uint64_t{0};
        if (dropped > 0) {
            copy_to_host(tail.data(), col + k1 * k2, dropped, s, where);
            for (std::size_t j = 0; j < dropped; ++j)
                if (!levysgd::detail::usable_for_log(double(tail[j])) && tail_bad++ == 0)
                    tail_first = k1 * k2 + j;
        }
        const auto value_at = [&](std::uint64_t i) {
            Real v{};
            copy_to_host(&v, col + i, 1, s, where);
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
template <class Real> __global__ void hill_init_kernel(hill_args<Real> a) {
    const thread_index ti = this_thread();
    for (std::uint64_t c = ti.global(); c < a.cols; c += ti.stride())
        hill_init_column(a, c);
}

template <class Real> __global__ void hill_count_kernel(hill_args<Real> a, unsigned pass) {
    __shared__ unsigned h[hill_bins]; // one chunk's histogram (< 2^32 values)
    struct counter {
        unsigned *h;
        hill_state *s;
        __device__ void bin(unsigned d) { atomicAdd(&h[d], 1u); }
        __device__ void bad(std::uint64_t j) {
            atomicAdd(&s->bad, 1ull);
            atomicMin(&s->first_bad, static_cast<unsigned long long>(j));
        }
    };
    const std::uint64_t total = std::uint64_t{a.cols} * a.chunks;
    for (std::uint64_t g = blockIdx.x; g < total; g += gridDim.x) {
        for (unsigned d = threadIdx.x; d < hill_bins; d += blockDim.x)
            h[d] = 0;
        __syncthreads();
        const std::uint64_t c = g / a.chunks;
        counter n{h, a.state + c};
        hill_count_thread(a, g, threadIdx.x, blockDim.x, pass, n);
        __syncthreads();
        for (unsigned d = threadIdx.x; d < hill_bins; d += blockDim.x)
            if (h[d] != 0)
                atomicAdd(&a.hist[c * hill_bins + d], static_cast<unsigned long long>(h[d]));
        __syncthreads();
    }
}

template <class Real> __global__ void hill_select_kernel(hill_args<Real> a, unsigned pass) {
    const thread_index ti = this_thread();
    for (std::uint64_t c = ti.global(); c < a.cols; c += ti.stride())
        hill_select_column(a, c, pass);
}

template <class Real> __global__ void hill_sum_kernel(hill_args<Real> a) {
    __shared__ double parts[default_block];
    const std::uint64_t total = std::uint64_t{a.cols} * a.chunks;
    for (std::uint64_t g = blockIdx.x; g < total; g += gridDim.x) {
        parts[threadIdx.x] = hill_sum_thread(a, g, threadIdx.x, blockDim.x);
        __syncthreads();
        for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
            if (threadIdx.x < half)
                parts[threadIdx.x] += parts[threadIdx.x + half];
            __syncthreads();
        }
        if (threadIdx.x == 0)
            a.partial[g] = parts[0];
        __syncthreads();
    }
}

template <class Real> __global__ void hill_finish_kernel(hill_args<Real> a) {
    const thread_index ti = this_thread();
    for (std::uint64_t c = ti.global(); c < a.cols; c += ti.stride())
        hill_finish_column(a, c);
}

/// Hill's k for rows values (validated, naming `where`).
inline std::size_t check_hill(std::string_view where, std::size_t rows, std::size_t k,
                              bad_value_policy policy) {
    check_device_policy(where, policy, "hill_tail_index");
    return levysgd::detail::hill_k(where, k, rows);
}

template <class Real>
std::vector<hill_result> hill_columns(std::string_view where, const Real *x, std::size_t rows,
                                      std::size_t cols, std::size_t ld, std::size_t k,
                                      bad_value_policy policy, cudaStream_t s, workspace ws) {
    k = check_hill(where, rows, k, policy);
    check_workspace(where, ws, hill_workspace_bytes(rows, cols));
    const hill_args<Real> a = make_hill_args(x, rows, cols, ld, k, ws.data);
    const std::uint64_t total = std::uint64_t{cols} * a.chunks;
    const launch_shape per_column = shape_for(cols),
                       per_chunk{static_cast<unsigned>(total < max_grid ? total : max_grid),
                                 default_block};
    launch(where, &hill_init_kernel<Real>, per_column, s, a);
    for (unsigned pass = 0; pass < hill_key_of<Real>::passes; ++pass) {
        launch(where, &hill_count_kernel<Real>, per_chunk, s, a, pass);
        launch(where, &hill_select_kernel<Real>, per_column, s, a, pass);
    }
    launch(where, &hill_sum_kernel<Real>, per_chunk, s, a);
    launch(where, &hill_finish_kernel<Real>, per_column, s, a);
    std::vector<hill_state> st(cols);
    copy_to_host(st.data(), a.state, cols, s, where);
    std::vector<hill_result> r;
    r.reserve(cols);
    for (std::size_t c = 0; c < cols; ++c) {
        const std::string in = cols == 1 ? std::string(where)
                                         : std::string(where) + " (column " + std::to_string(c) +
                                               ")";
        r.push_back(finish_hill<Real>(in, st[c], k, rows, [&](std::uint64_t i) {
            Real v{};
            copy_to_host(&v, x + c * ld + i, 1, s, where);
            return v;
        }));
    }
    return r;
}

/// Checks a column-major matrix's cols and ld.
inline void check_columns(std::string_view where, std::size_t rows, std::size_t cols,
                          std::size_t ld) {
    if (cols < 1)
        levysgd::detail::throw_invalid(where, "cols", cols, "must be >= 1");
    if (ld < rows)
        levysgd::detail::throw_invalid(where, "ld", ld,
                                       "must be >= rows = " + std::to_string(rows));
}
} // namespace detail

/// Device memory (bytes) a workspace call of mohammadi_tail_index (cols = 1)
/// or mohammadi_tail_index_columns needs for rows x cols values and opt.
inline std::size_t mohammadi_workspace_size(std::size_t rows, std::size_t cols = 1,
                                            tail_index_options opt = {}) {
    return detail::mohammadi_bytes("levysgd::cuda::mohammadi_workspace_size", rows, cols, opt);
}

/// Device memory (bytes) a workspace call of hill_tail_index (cols = 1) or
/// hill_tail_index_columns needs for rows x cols values (any k).
inline std::size_t hill_workspace_size(std::size_t rows, std::size_t cols = 1) noexcept {
    return hill_workspace_bytes(rows, cols);
}

/// mohammadi_tail_index of x (device memory), as the CPU's: the same K1,
/// blocks and errors; the estimate agrees to rounding. Only
/// bad_value_policy::throw_error (the default); opt.threads is ignored.
/// Throws std::invalid_argument (the CPU's messages) or levysgd::cuda::error.
/// Allocates mohammadi_workspace_size(x.size(), 1, opt) bytes for the call.
template <class Real>
tail_index_result mohammadi_tail_index(std::span<const Real> x, tail_index_options opt = {},
                                       cudaStream_t cuda_stream = nullptr) {
    constexpr std::string_view where = "levysgd::cuda::mohammadi_tail_index";
    detail::owned_workspace w(detail::mohammadi_bytes(where, x.size(), 1, opt), where);
    return detail::tail_columns(where, x.data(), x.size(), 1, x.size(), opt, cuda_stream,
                                w.ws)[0];
}

/// As above, in the caller's workspace (no device allocation).
template <class Real>
tail_index_result mohammadi_tail_index(std::span<const Real> x, tail_index_options opt,
                                       cudaStream_t cuda_stream, workspace ws) {
    return detail::tail_columns("levysgd::cuda::mohammadi_tail_index", x.data(), x.size(), 1,
                                x.size(), opt, cuda_stream, ws)[0];
}

/// One estimate per column of the column-major rows x cols matrix u in device
/// memory (leading dimension ld >= rows): rows = minibatches, columns =
/// parameters, as analyse_noise_tails' per_parameter on the CPU.
template <class Real>
std::vector<tail_index_result>
mohammadi_tail_index_columns(const Real *u, std::size_t rows, std::size_t cols, std::size_t ld,
                             tail_index_options opt = {}, cudaStream_t cuda_stream = nullptr) {
    constexpr std::string_view where = "levysgd::cuda::mohammadi_tail_index_columns";
    detail::check_columns(where, rows, cols, ld);
    detail::owned_workspace w(detail::mohammadi_bytes(where, rows, cols, opt), where);
    return detail::tail_columns(where, u, rows, cols, ld, opt, cuda_stream, w.ws);
}

/// As above, in the caller's workspace (no device allocation).
template <class Real>
std::vector<tail_index_result>
mohammadi_tail_index_columns(const Real *u, std::size_t rows, std::size_t cols, std::size_t ld,
                             tail_index_options opt, cudaStream_t cuda_stream, workspace ws) {
    constexpr std::string_view where = "levysgd::cuda::mohammadi_tail_index_columns";
    detail::check_columns(where, rows, cols, ld);
    return detail::tail_columns(where, u, rows, cols, ld, opt, cuda_stream, ws);
}

/// hill_tail_index of x (device memory), as the CPU's: the same k rule
/// (k = 0: floor(sqrt(n))), threshold |x|_(k+1) exactly, errors and
/// hill_result; inv_alpha agrees to rounding. Only
/// bad_value_policy::throw_error (the default). Allocates
/// hill_workspace_size(x.size()) bytes for the call.
template <class Real>
hill_result hill_tail_index(std::span<const Real> x, std::size_t k = 0,
                            bad_value_policy policy = bad_value_policy::throw_error,
                            cudaStream_t cuda_stream = nullptr) {
    constexpr std::string_view where = "levysgd::cuda::hill_tail_index";
    detail::check_hill(where, x.size(), k, policy); // before any CUDA call
    detail::owned_workspace w(hill_workspace_size(x.size()), where);
    return detail::hill_columns(where, x.data(), x.size(), 1, x.size(), k, policy, cuda_stream,
                                w.ws)[0];
}

/// As above, in the caller's workspace (no device allocation).
template <class Real>
hill_result hill_tail_index(std::span<const Real> x, std::size_t k, bad_value_policy policy,
                            cudaStream_t cuda_stream, workspace ws) {
    return detail::hill_columns("levysgd::cuda::hill_tail_index", x.data(), x.size(), 1,
                                x.size(), k, policy, cuda_stream, ws)[0];
}

/// One Hill estimate per column of the column-major rows x cols matrix u in
/// device memory (leading dimension ld >= rows), each with the same k.
template <class Real>
std::vector<hill_result>
hill_tail_index_columns(const Real *u, std::size_t rows, std::size_t cols, std::size_t ld,
                        std::size_t k = 0,
                        bad_value_policy policy = bad_value_policy::throw_error,
                        cudaStream_t cuda_stream = nullptr) {
    constexpr std::string_view where = "levysgd::cuda::hill_tail_index_columns";
    detail::check_columns(where, rows, cols, ld);
    detail::check_hill(where, rows, k, policy);
    detail::owned_workspace w(hill_workspace_size(rows, cols), where);
    return detail::hill_columns(where, u, rows, cols, ld, k, policy, cuda_stream, w.ws);
}

/// As above, in the caller's workspace (no device allocation).
template <class Real>
std::vector<hill_result> hill_tail_index_columns(const Real *u, std::size_t rows,
                                                 std::size_t cols, std::size_t ld, std::size_t k,
                                                 bad_value_policy policy,
                                                 cudaStream_t cuda_stream, workspace ws) {
    constexpr std::string_view where = "levysgd::cuda::hill_tail_index_columns";
    detail::check_columns(where, rows, cols, ld);
    return detail::hill_columns(where, u, rows, cols, ld, k, policy, cuda_stream, ws);
}

} // namespace levysgd::cuda
