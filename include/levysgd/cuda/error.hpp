#pragma once
// levysgd::cuda::error: a failed CUDA call (no device, out of memory, launch
// error), naming the levysgd call and CUDA's error name and string.
// Device code cannot throw: parameters are validated on the host, before any
// launch, with the CPU library's messages (std::invalid_argument).

#if !defined(__CUDACC__)
#error "levysgd/cuda/error.hpp is for code compiled with nvcc (host launches: levysgd/cuda/*_body.hpp)"
#endif

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <cuda_runtime_api.h>

#include "grid.hpp"

namespace levysgd::cuda {

class error : public std::runtime_error {
  public:
    error(std::string_view call, cudaError_t code)
        : std::runtime_error(std::string(call) + ": CUDA error " + cudaGetErrorName(code) + ": " +
                             cudaGetErrorString(code)),
          code_(code) {}
    cudaError_t code() const noexcept { return code_; }

  private:
    cudaError_t code_;
};

/// Throws levysgd::cuda::error for anything but cudaSuccess.
inline void check(cudaError_t code, std::string_view call) {
    if (code != cudaSuccess)
        throw error(call, code);
}

/// Settings of an asynchronous launch: the position of out[0] in the random
/// stream (as sample_options::first_index on the CPU) and the CUDA stream the
/// kernel is queued on (0: the default stream).
struct launch_options {
    std::uint64_t first_index = 0;
    cudaStream_t cuda_stream = nullptr;
};

namespace detail {
/// This thread's place in the grid.
__device__ inline thread_index this_thread() noexcept {
    return {blockIdx.x, threadIdx.x, blockDim.x, gridDim.x};
}

/// Device buffer freed on scope exit.
template <class T> struct device_buffer {
    T *p = nullptr;
    device_buffer(std::size_t n, std::string_view where) {
        check(cudaMalloc(reinterpret_cast<void **>(&p), n * sizeof(T)), where);
    }
    device_buffer(const device_buffer &) = delete;
    device_buffer &operator=(const device_buffer &) = delete;
    ~device_buffer() { cudaFree(p); }
};

/// Queues kernel<<<shape, 0, s>>>(args...) and throws on a launch error
/// (the launch itself is asynchronous: errors during the run show at the
/// next synchronising call).
template <class... Params, class... Args>
void launch(std::string_view call, void (*kernel)(Params...), launch_shape shape, cudaStream_t s,
            Args &&...args) {
    kernel<<<shape.grid, shape.block, 0, s>>>(std::forward<Args>(args)...);
    check(cudaGetLastError(), call);
}
} // namespace detail

} // namespace levysgd::cuda
