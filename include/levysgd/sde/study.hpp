#pragma once
// Studies past one run and one machine: shards, checkpoints and the files
// they write (the MPI layer, levysgd/mpi.hpp, is built on the same pieces).
//
// A study plan (plan_escape_study, plan_transition_study,
// plan_simulate_paths, plan_run_paths) is a study's inputs checked once and
// its identity record; it runs any range of the study's fixed 64-path blocks.
// The result of a study is the block results merged in block order from an
// empty result, then finished (intervals, rates) once, so
//   run_study(plan)                    one process (= escape_study etc.),
//   run_study(plan, {.path, .interval}) with a checkpoint, resumed after a crash,
//   run_shard(plan, {k, K}, file)      shard k of K (contiguous block range),
//   merge_shards(plan, files)          the shards combined,
// all give the same result bit for bit, for any thread count. A file holds
// the study identity and the state of a block range: the merged prefix from
// block 0 (shard 0 only: merging later blocks into a partial sum would change
// the rounding) and every other finished block on its own. The format
// (little-endian, FNV-1a 64 checksum) is on docs/scale-out.md.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include <Eigen/Core>

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#define LEVYSGD_HAVE_CXXABI 1
#endif
#if __has_include(<unistd.h>)
#include <unistd.h>
#define LEVYSGD_HAVE_FSYNC 1
#endif

#include "../config.hpp"
#include "../detail/progress.hpp"
#include "../detail/validate.hpp"
#include "concepts.hpp"
#include "escape.hpp"
#include "paths.hpp"
#include "serialize.hpp"
#include "simulate.hpp"
#include "transition.hpp"

namespace levysgd {

/// The version of the study file format this library writes and reads.
inline constexpr std::uint32_t study_file_format = 1;

/// One named field of a study identity (value as text; numbers in the
/// shortest form that reads back to the same value).
struct study_field {
    std::string name, value;
    friend bool operator==(const study_field &, const study_field &) = default;
};

/// What makes two runs the same study: every field must match for a file
/// to be merged or resumed (see docs/scale-out.md for the fields).
struct study_identity {
    std::vector<study_field> fields;

    void add(std::string name, std::string value) {
        fields.push_back({std::move(name), std::move(value)});
    }
    /// The value of a field, or nullptr.
    const std::string *find(std::string_view name) const noexcept {
        for (const auto &f : fields)
            if (f.name == name)
                return &f.value;
        return nullptr;
    }
    /// "" when equal; otherwise the first field that differs, as
    /// "seed differs: the file has 7, this study has 8".
    std::string difference_from(const study_identity &file) const {
        for (const auto &f : fields) {
            const std::string *v = file.find(f.name);
            if (!v)
                return f.name + " is missing from the file (this study has " + f.value + ")";
            if (*v != f.value)
                return f.name + " differs: the file has " + *v + ", this study has " + f.value;
        }
        for (const auto &f : file.fields)
            if (!find(f.name))
                return "the file has a field " + f.name + " = " + f.value +
                       " that this study does not have";
        return {};
    }
    friend bool operator==(const study_identity &, const study_identity &) = default;
};

/// Shard `index` of `count`: a contiguous range of the study's 64-path
/// blocks fixed by (paths, count, index) only.
struct shard_options {
    std::size_t index = 0;
    std::size_t count = 1;
};

/// Where and how often a run saves its state. interval: seconds between
/// checkpoints (0 = after every finished block); the finished state is
/// always written at the end.
struct checkpoint_options {
    std::string path;
    double interval = 10;
};

namespace detail {

// ---------------------------------------------------------------------------
// Describing the pieces of a study for its identity record.
// ---------------------------------------------------------------------------

template <class T> std::string type_name() {
    const char *raw = typeid(T).name();
#ifdef LEVYSGD_HAVE_CXXABI
    int status = 0;
    char *d = abi::__cxa_demangle(raw, nullptr, nullptr, &status);
    if (d && status == 0) {
        std::string s(d);
        std::free(d);
        return s;
    }
    std::free(d);
#endif
    return raw;
}

template <class T> std::string value_text(const T &v) {
    if constexpr (std::is_arithmetic_v<T>) {
        return to_text(v);
    } else if constexpr (std::is_convertible_v<const T &, std::string_view>) {
        return std::string(std::string_view(v));
    } else {
        std::string s = "[";
        bool first = true;
        for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(std::size(v)); ++i) {
            s += first ? "" : ", ";
            s += to_text(v[static_cast<std::size_t>(i)]);
            first = false;
        }
        return s + "]";
    }
}
template <class S, int R, int C, int O, int MR, int MC>
std::string value_text(const Eigen::Matrix<S, R, C, O, MR, MC> &m) {
    std::string s = "[";
    for (Eigen::Index i = 0; i < m.size(); ++i)
        s += (i ? ", " : "") + to_text(m.data()[i]);
    return s + "]";
}

template <class T>
concept has_describe = requires(const T &t) {
    { t.describe() } -> std::convertible_to<std::string>;
};

/// The type's name and the parameters it exposes: describe() if it has one;
/// otherwise the public members and accessors the built-in pieces use
/// (alpha, scale, sigma, dt, eta, lo, hi, center, radius, level, sharpness,
/// minima, maxima, dimension, time_step). Members it does not expose are not
/// part of the identity.
template <class T> std::string describe_piece(const T &t) {
    std::string s = type_name<T>();
    if constexpr (has_describe<T>) {
        return s + " {" + std::string(t.describe()) + "}";
    } else {
        std::string p;
        auto add = [&](const char *name, const auto &v) {
            p += (p.empty() ? "" : ", ") + std::string(name) + " = " + value_text(v);
        };
        if constexpr (requires { t.dimension(); })
            add("dimension", t.dimension());
        if constexpr (requires { t.alpha(); })
            add("alpha", t.alpha());
        if constexpr (requires { t.scale(); })
            add("scale", t.scale());
        if constexpr (requires { t.sigma(); })
            add("sigma", t.sigma());
        if constexpr (requires { t.time_step(); })
            add("time_step", t.time_step());
        if constexpr (requires { t.dt; })
            add("dt", t.dt);
        if constexpr (requires { t.eta; })
            add("eta", t.eta);
        if constexpr (requires { t.lo; } && requires { t.hi; }) {
            add("lo", t.lo);
            add("hi", t.hi);
        }
        if constexpr (requires { t.center; } && requires { t.radius; }) {
            add("center", t.center);
            add("radius", t.radius);
        }
        if constexpr (requires { t.level(); })
            add("level", t.level());
        if constexpr (requires { t.sharpness(); })
            add("sharpness", t.sharpness());
        if constexpr (requires { t.minima(); } && requires { t.maxima(); }) {
            add("minima", t.minima());
            add("maxima", t.maxima());
        }
        if constexpr (requires { t.basins(); })
            add("basins", t.basins());
        return p.empty() ? s : s + " {" + p + "}";
    }
}

/// The fields every study has.
template <class P, class N, class I, class O>
study_identity common_identity(std::string_view kind, const P &potential, const N &noise,
                               const I &integ, const state_vector<P> &x0,
                               const run_options<typename P::scalar_type> &opt,
                               std::uint64_t max_steps) {
    using Real = typename P::scalar_type;
    study_identity id;
    id.add("study", std::string(kind));
    id.add("scalar", sizeof(Real) == 4 ? "float" : "double");
    id.add("paths", to_text(opt.paths));
    id.add("seed", to_text(opt.seed));
    id.add("first_stream", to_text(opt.first_stream));
    id.add("horizon", to_text(opt.horizon));
    id.add("steps", to_text(max_steps));
    id.add("time_step", to_text(integ.time_step()));
    id.add("x0", value_text(x0));
    id.add("potential", describe_piece(potential));
    id.add("noise", describe_piece(noise));
    id.add("integrator", describe_piece(integ));
    // Results are bitwise reproducible within a build: the SIMD width and
    // instruction set are part of the study (float rounding may differ).
    id.add("path", takes_simd_path<P, N, I, O>
                       ? "simd " + std::string(xsimd::default_arch::name()) + " x" +
                             std::to_string(path_batch<Real>::size)
                       : "scalar " + std::string(xsimd::default_arch::name()));
    return id;
}

} // namespace detail

/// A study's checked inputs, its observer, its finishing step and its
/// identity (see the header comment). It refers to the potential, noise
/// model, integrator and domain passed to the plan_* function: they must
/// outlive it.
template <class P, class N, class I, class O, class Fin> class study_plan {
  public:
    using real_type = typename P::scalar_type;
    using observer_type = O;
    using block_result = typename O::result_type;
    using result_type = std::invoke_result_t<const Fin &, block_result &&>;

    study_plan(const P &potential, const N &noise, const I &integrator, state_vector<P> x0,
               run_options<real_type> opt, std::uint64_t max_steps, O observer, Fin finish,
               study_identity id)
        : p_(&potential), n_(&noise), i_(&integrator), x0_(std::move(x0)), opt_(opt),
          steps_(max_steps), obs_(std::move(observer)), fin_(std::move(finish)),
          id_(std::move(id)) {}

    const study_identity &identity() const noexcept { return id_; }
    const run_options<real_type> &options() const noexcept { return opt_; }
    const O &observer() const noexcept { return obs_; }
    /// The number of 64-path blocks.
    std::size_t blocks() const noexcept { return detail::path_blocks(opt_.paths); }
    /// Runs blocks [lo, hi) except those skip(b) excludes; on_block(b, r&&)
    /// receives each block's result from the thread that ran it.
    template <class Skip, class OnBlock>
    void run_blocks(std::size_t lo, std::size_t hi, detail::progress_bar &bar, Skip &&skip,
                    OnBlock &&on_block) const {
        detail::run_observed_blocks(*p_, *n_, *i_, x0_, opt_, steps_, obs_, lo, hi, bar, skip,
                                    on_block);
    }
    /// The study's result from its merged block results.
    result_type finish(block_result &&total) const { return fin_(std::move(total)); }

  private:
    const P *p_;
    const N *n_;
    const I *i_;
    state_vector<P> x0_;
    run_options<real_type> opt_;
    std::uint64_t steps_;
    O obs_;
    Fin fin_;
    study_identity id_;
};

/// The plan of escape_study(potential, noise, integrator, domain, x0, opt):
/// the same checks, the same result (path records included when keep_paths).
template <Potential P, class N, class I, class D>
requires NoiseModel<N, state_vector<P>> && Domain<D, state_vector<P>> &&
    Integrator<I, P, noise_source_t<N>>
auto plan_escape_study(const P &potential, const N &noise, const I &integrator, const D &domain,
                       const state_vector<P> &x0,
                       const escape_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    const std::uint64_t max_steps = detail::check_escape_study<Real>(
        "levysgd::plan_escape_study", potential, noise, integrator, domain, x0, opt);
    using O = escape_observer<D, Real, P::dim>;
    O obs = opt.keep_paths ? O(domain, potential.dimension(), records_in_result)
                           : O(domain, potential.dimension());
    const run_options<Real> ro{opt.paths,        opt.horizon, opt.seed,
                               opt.first_stream, opt.threads, opt.progress, opt.on_progress};
    study_identity id = detail::common_identity<P, N, I, O>("escape_study", potential, noise,
                                                            integrator, x0, ro, max_steps);
    id.add("domain", detail::describe_piece(domain));
    id.add("confidence", detail::to_text(opt.confidence));
    id.add("keep_paths", detail::to_text(opt.keep_paths));
    const Real dt = integrator.time_step();
    auto fin = [paths = opt.paths, conf = opt.confidence, dt,
                max_steps](typename O::result_type &&tot) {
        auto res = detail::finish_escape<Real, P::dim>(tot, paths, conf, dt, max_steps);
        res.path_records = std::move(tot.records);
        return res;
    };
    return study_plan<P, N, I, O, decltype(fin)>(potential, noise, integrator, x0, ro, max_steps,
                                                 std::move(obs), std::move(fin), std::move(id));
}

/// The plan of transition_study(potential, noise, integrator, classifier, x0, opt).
template <Potential P, class N, class I, class C>
requires NoiseModel<N, state_vector<P>> && BasinClassifier<C, state_vector<P>> &&
    Integrator<I, P, noise_source_t<N>>
auto plan_transition_study(const P &potential, const N &noise, const I &integrator,
                           const C &classifier, const state_vector<P> &x0,
                           const transition_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    // The observer keeps this name for its error messages (a string_view).
    constexpr std::string_view where = "levysgd::transition_study";
    std::uint64_t max_steps = 0;
    const int label0 = detail::check_transition_study<Real>(where, potential, noise, integrator,
                                                            classifier, x0, opt, max_steps);
    const Real dt = integrator.time_step();
    using O = transition_observer<C, Real>;
    study_identity id = detail::common_identity<P, N, I, O>("transition_study", potential, noise,
                                                            integrator, x0, opt, max_steps);
    id.add("classifier", detail::describe_piece(classifier));
    auto fin = [K = classifier.basins(), paths = opt.paths, dt](typename O::result_type &&tot) {
        return detail::finish_transition<Real>(tot, K, paths, dt);
    };
    return study_plan<P, N, I, O, decltype(fin)>(potential, noise, integrator, x0, opt, max_steps,
                                                 O(classifier, label0, dt, where), std::move(fin),
                                                 std::move(id));
}

/// The plan of simulate_paths(potential, noise, integrator, x0, opt).
template <Potential P, class N, class I>
requires NoiseModel<N, state_vector<P>> && Integrator<I, P, noise_source_t<N>>
auto plan_simulate_paths(const P &potential, const N &noise, const I &integrator,
                         const state_vector<P> &x0,
                         const path_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    const std::uint64_t steps = detail::check_study_common<Real>(
        "levysgd::plan_simulate_paths", potential, noise, integrator, x0, opt.paths,
        opt.first_stream, opt.horizon);
    using O = detail::final_states_in_result<Real, P::dim>;
    study_identity id = detail::common_identity<P, N, I, O>("simulate_paths", potential, noise,
                                                            integrator, x0, opt, steps);
    const Eigen::Index n = potential.dimension();
    auto fin = [n, steps, dt = integrator.time_step()](typename O::result_type &&tot) {
        terminal_states<Real, P::dim> res;
        res.states = Eigen::Map<const Eigen::Matrix<Real, P::dim, Eigen::Dynamic>>(
            tot.states.data(), n, static_cast<Eigen::Index>(tot.states.size()) / n);
        res.non_finite = tot.non_finite;
        res.steps = steps;
        res.time_step = dt;
        return res;
    };
    return study_plan<P, N, I, O, decltype(fin)>(potential, noise, integrator, x0, opt, steps,
                                                 O(n), std::move(fin), std::move(id));
}

/// The plan of run_paths(potential, noise, integrator, x0, opt, observer)
/// for an observer whose results can be saved (SavableObserver). Its
/// identity names the observer's type, plus observer.describe() if it has
/// one: without it, the observer's own settings are not checked.
template <Potential P, class N, class I, class O>
requires NoiseModel<N, state_vector<P>> && Integrator<I, P, noise_source_t<N>> &&
    PathObserver<O, state_vector<P>> && SavableObserver<O>
auto plan_run_paths(const P &potential, const N &noise, const I &integrator,
                    const state_vector<P> &x0, const run_options<typename P::scalar_type> &opt,
                    const O &observer) {
    using Real = typename P::scalar_type;
    const std::uint64_t steps = detail::check_study_common<Real>(
        "levysgd::plan_run_paths", potential, noise, integrator, x0, opt.paths, opt.first_stream,
        opt.horizon);
    study_identity id = detail::common_identity<P, N, I, O>("run_paths", potential, noise,
                                                            integrator, x0, opt, steps);
    id.add("observer", detail::describe_piece(observer));
    auto fin = [](typename O::result_type &&tot) { return std::move(tot); };
    return study_plan<P, N, I, O, decltype(fin)>(potential, noise, integrator, x0, opt, steps,
                                                 observer, std::move(fin), std::move(id));
}

/// What a study file holds, read without a plan (read_study_file_info).
struct study_file_info {
    std::uint32_t format_version = 0;
    std::uint32_t library_version = 0; // LEVYSGD_VERSION of the writer
    study_identity identity;
    std::size_t blocks = 0;                   // of the whole study
    std::size_t block_lo = 0, block_hi = 0;   // the range this file covers
    std::size_t shard_index = 0, shard_count = 1;
    std::size_t finished_blocks = 0;          // of the range
    std::vector<std::size_t> finished;        // finished block indices, ascending
    bool complete() const noexcept { return finished_blocks == block_hi - block_lo; }
};

namespace detail {

inline constexpr unsigned char study_magic[8] = {'L', 'E', 'V', 'Y', 'S', 'G', 'D', 'S'};
inline constexpr std::size_t study_header_bytes = 24, study_trailer_bytes = 8;

/// Blocks [lo, hi) of shard `index` of `count` over `blocks` blocks: the
/// first blocks % count shards get one block more.
inline std::pair<std::size_t, std::size_t> shard_range(std::size_t blocks, std::size_t count,
                                                       std::size_t index) noexcept {
    const std::size_t q = blocks / count, r = blocks % count;
    const std::size_t lo = index * q + std::min(index, r);
    return {lo, lo + q + (index < r ? 1 : 0)};
}

inline void check_shard(std::string_view where, const shard_options &s) {
    if (s.count == 0)
        throw_invalid(where, "shard.count", s.count, "must be >= 1");
    if (s.index >= s.count)
        throw_invalid(where, "shard.index", s.index,
                      "must be < shard.count = " + std::to_string(s.count));
}

/// The state of a block range: blocks [lo, prefix_end) merged (from an empty
/// result, in order) into prefix when lo = 0; every other finished block
/// alone in `done`.
template <class R> struct study_state {
    std::size_t blocks = 0, lo = 0, hi = 0, shard_index = 0, shard_count = 1;
    std::size_t prefix_end = 0;
    std::optional<R> prefix;
    std::map<std::size_t, R> done;

    std::size_t finished_blocks() const noexcept { return prefix_end - lo + done.size(); }
    bool complete() const noexcept { return finished_blocks() == hi - lo; }
    bool has(std::size_t b) const { return b < prefix_end || done.count(b) != 0; }
};

template <class Plan>
study_state<typename Plan::block_result> empty_state(const Plan &plan, const shard_options &s) {
    study_state<typename Plan::block_result> st;
    st.blocks = plan.blocks();
    std::tie(st.lo, st.hi) = shard_range(st.blocks, s.count, s.index);
    st.shard_index = s.index;
    st.shard_count = s.count;
    st.prefix_end = st.lo;
    if (st.lo == 0)
        st.prefix.emplace(plan.observer().make_result());
    return st;
}

/// Adds block b's result: merged into the prefix when it extends it, kept
/// alone otherwise (and merged once the blocks before it are).
template <class Plan>
void add_block(const Plan &plan, study_state<typename Plan::block_result> &st, std::size_t b,
               typename Plan::block_result &&r) {
    const auto &obs = plan.observer();
    if (st.prefix && b == st.prefix_end) {
        obs.merge(*st.prefix, std::move(r));
        ++st.prefix_end;
        for (auto it = st.done.begin(); it != st.done.end() && it->first == st.prefix_end;
             it = st.done.erase(it)) {
            obs.merge(*st.prefix, std::move(it->second));
            ++st.prefix_end;
        }
    } else {
        st.done.emplace(b, std::move(r));
    }
}

inline void put_identity(byte_writer &w, const study_identity &id) {
    w.put(static_cast<std::uint32_t>(id.fields.size()));
    for (const auto &f : id.fields) {
        w.put_string(f.name);
        w.put_string(f.value);
    }
}

template <class O, class R> void put_result(byte_writer &w, const O &obs, const R &r) {
    byte_writer part;
    obs.save(part, r);
    w.put_size(part.size());
    w.put_bytes(part.bytes().data(), part.size());
}

/// The file bytes of a state: header, payload, checksum.
template <class Plan>
std::vector<unsigned char> encode_state(const Plan &plan,
                                        const study_state<typename Plan::block_result> &st) {
    byte_writer w;
    w.put_bytes(study_magic, sizeof study_magic);
    w.put(study_file_format);
    w.put(static_cast<std::uint32_t>(LEVYSGD_VERSION));
    w.put(std::uint64_t(0)); // payload size, patched below
    put_identity(w, plan.identity());
    for (std::size_t v : {st.blocks, st.lo, st.hi, st.shard_index, st.shard_count, st.prefix_end})
        w.put_size(v);
    w.put(st.prefix.has_value());
    if (st.prefix)
        put_result(w, plan.observer(), *st.prefix);
    w.put_size(st.done.size());
    for (const auto &[b, r] : st.done) {
        w.put_size(b);
        put_result(w, plan.observer(), r);
    }
    auto &bytes = w.bytes();
    const std::uint64_t payload = bytes.size() - study_header_bytes;
    for (std::size_t i = 0; i < 8; ++i)
        bytes[16 + i] = static_cast<unsigned char>((payload >> (8 * i)) & 0xffu);
    w.put(fnv1a64(bytes.data(), bytes.size()));
    return std::move(bytes);
}

inline std::string version_text(std::uint32_t v) {
    return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." +
           std::to_string(v % 100);
}

/// Checks magic, length, checksum and versions; returns a reader positioned
/// at the payload (the identity). Errors: study_file_error "<where>: <what>
/// '<name>': <reason>".
inline byte_reader open_payload(const std::vector<unsigned char> &bytes, const std::string &pre) {
    if (bytes.size() < sizeof study_magic ||
        std::memcmp(bytes.data(), study_magic, sizeof study_magic) != 0)
        throw study_file_error(pre + "not a levysgd study file (no LEVYSGDS magic)");
    if (bytes.size() < study_header_bytes + study_trailer_bytes)
        throw study_file_error(pre + "truncated: " + std::to_string(bytes.size()) +
                               " bytes, shorter than the header and checksum");
    byte_reader h(bytes.data(), study_header_bytes);
    h.skip(8);
    const auto format = h.get<std::uint32_t>();
    const auto version = h.get<std::uint32_t>();
    const auto payload = h.get<std::uint64_t>();
    const std::size_t want = study_header_bytes + study_trailer_bytes;
    if (payload != bytes.size() - want)
        throw study_file_error(
            pre + (payload > bytes.size() - want ? "truncated" : "corrupted (trailing bytes)") +
            ": the header announces " + std::to_string(payload) + " payload bytes, the file has " +
            std::to_string(bytes.size() - want));
    byte_reader t(bytes.data() + bytes.size() - study_trailer_bytes, study_trailer_bytes);
    const auto stored = t.get<std::uint64_t>();
    const auto computed = fnv1a64(bytes.data(), bytes.size() - study_trailer_bytes);
    if (stored != computed)
        throw study_file_error(pre + "corrupted: checksum mismatch (FNV-1a 64 stored " +
                               std::to_string(stored) + ", computed " + std::to_string(computed) +
                               ")");
    if (format != study_file_format)
        throw study_file_error(pre + "file format version " + std::to_string(format) +
                               ", this library reads version " +
                               std::to_string(study_file_format));
    if (version != LEVYSGD_VERSION)
        throw study_file_error(pre + "written by levysgd " + version_text(version) +
                               ", this is levysgd " + version_text(LEVYSGD_VERSION) +
                               " (results are reproducible within one version only)");
    return byte_reader(bytes.data() + study_header_bytes, static_cast<std::size_t>(payload));
}

inline study_identity get_identity(byte_reader &rd) {
    study_identity id;
    const auto n = rd.get<std::uint32_t>();
    if (n > rd.remaining() / 8)
        throw study_file_error("identity of " + std::to_string(n) + " fields (corrupted)");
    for (std::uint32_t i = 0; i < n; ++i) {
        std::string name = rd.get_string();
        std::string value = rd.get_string();
        id.add(std::move(name), std::move(value));
    }
    return id;
}

/// The range fields after the identity, checked for consistency.
struct range_fields {
    std::size_t blocks, lo, hi, shard_index, shard_count, prefix_end;
    bool has_prefix;
};
inline range_fields get_range(byte_reader &rd) {
    range_fields f{};
    f.blocks = rd.get_size();
    f.lo = rd.get_size();
    f.hi = rd.get_size();
    f.shard_index = rd.get_size();
    f.shard_count = rd.get_size();
    f.prefix_end = rd.get_size();
    f.has_prefix = rd.get<bool>();
    if (!(f.lo <= f.hi && f.hi <= f.blocks && f.lo <= f.prefix_end && f.prefix_end <= f.hi &&
          f.shard_index < f.shard_count && f.has_prefix == (f.lo == 0) &&
          (f.has_prefix || f.prefix_end == f.lo)))
        throw study_file_error("inconsistent block range (corrupted)");
    return f;
}

inline std::vector<unsigned char> read_bytes(const std::string &path, const std::string &pre) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw study_file_error(pre + "cannot be opened");
    return std::vector<unsigned char>(std::istreambuf_iterator<char>(in),
                                      std::istreambuf_iterator<char>());
}

inline std::string file_prefix(std::string_view where, std::string_view what,
                               const std::string &path) {
    return std::string(where) + ": " + std::string(what) + " '" + path + "': ";
}

/// Decodes a state of `plan` from file bytes; every mismatch is an error.
template <class Plan>
study_state<typename Plan::block_result> decode_state(const Plan &plan,
                                                      const std::vector<unsigned char> &bytes,
                                                      const std::string &pre) {
    using R = typename Plan::block_result;
    try {
        byte_reader rd = open_payload(bytes, pre);
        const study_identity id = get_identity(rd);
        const std::string diff = plan.identity().difference_from(id);
        if (!diff.empty())
            throw study_file_error(pre + "a different study: " + diff);
        const range_fields f = get_range(rd);
        if (f.blocks != plan.blocks())
            throw study_file_error("a study of " + std::to_string(f.blocks) + " blocks, expected " +
                                   std::to_string(plan.blocks()) + " (corrupted)");
        study_state<R> st;
        st.blocks = f.blocks;
        st.lo = f.lo;
        st.hi = f.hi;
        st.shard_index = f.shard_index;
        st.shard_count = f.shard_count;
        st.prefix_end = f.prefix_end;
        auto get_result = [&](std::string_view what) {
            const std::size_t len = rd.get_size(rd.remaining());
            byte_reader part(bytes.data() + study_header_bytes + rd.position(), len);
            rd.skip(len);
            R r = plan.observer().load(part);
            if (part.remaining() != 0)
                throw study_file_error(std::string(what) + ": the observer read " +
                                       std::to_string(part.position()) + " of " +
                                       std::to_string(len) + " bytes (corrupted, or its save "
                                                             "and load disagree)");
            return r;
        };
        if (f.has_prefix)
            st.prefix.emplace(get_result("the merged blocks"));
        const std::size_t n = rd.get_size(f.hi - f.prefix_end);
        std::size_t last = f.prefix_end;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t b = rd.get_size();
            if (b < last || b >= f.hi || (i > 0 && b == last))
                throw study_file_error("block " + std::to_string(b) + " out of order or outside [" +
                                       std::to_string(f.prefix_end) + ", " + std::to_string(f.hi) +
                                       ") (corrupted)");
            if (f.has_prefix && b == f.prefix_end)
                throw study_file_error("block " + std::to_string(b) +
                                       " should have been merged (corrupted)");
            st.done.emplace(b, get_result("block " + std::to_string(b)));
            last = b;
        }
        if (rd.remaining() != 0)
            throw study_file_error(std::to_string(rd.remaining()) +
                                   " bytes after the last block (corrupted)");
        return st;
    } catch (const study_file_error &e) {
        const std::string_view m = e.what();
        if (m.substr(0, pre.size()) == pre)
            throw;
        throw study_file_error(pre + std::string(m));
    }
}

/// Writes bytes to path atomically: path.tmp written, flushed and synced,
/// then renamed over path (a crash leaves the old file or the new one).
inline void write_file_atomic(const std::string &path, const std::vector<unsigned char> &bytes,
                              std::string_view where) {
    const std::string tmp = path + ".tmp";
    auto fail = [&](const std::string &what) {
        throw std::system_error(errno, std::generic_category(),
                                std::string(where) + ": " + what);
    };
    std::FILE *f = std::fopen(tmp.c_str(), "wb");
    if (!f)
        fail("cannot create '" + tmp + "'");
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size() &&
                    std::fflush(f) == 0
#ifdef LEVYSGD_HAVE_FSYNC
                    && ::fsync(::fileno(f)) == 0
#endif
        ;
    if (std::fclose(f) != 0 || !ok)
        fail("cannot write '" + tmp + "'");
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        fail("cannot rename '" + tmp + "' to '" + path + "'");
}

inline bool file_exists(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return static_cast<bool>(in);
}

/// Runs the unfinished blocks of st's range; with a path, saves the state
/// there every `interval` seconds and once finished.
template <class Plan>
void advance(const Plan &plan, study_state<typename Plan::block_result> &st,
             const std::string &path, double interval, std::string_view where) {
    using R = typename Plan::block_result;
    using clock = std::chrono::steady_clock;
    std::vector<char> had(st.hi - st.lo);
    std::size_t todo = 0;
    for (std::size_t b = st.lo; b < st.hi; ++b) {
        had[b - st.lo] = st.has(b);
        if (!had[b - st.lo])
            todo += std::min(plan.options().paths, (b + 1) * study_block) - b * study_block;
    }
    // The state is encoded under `m`, the file written under `write_m` only:
    // other threads go on merging while one waits for fsync. A snapshot
    // older than the last one written is dropped, so the file never goes back.
    std::mutex m, write_m;
    std::uint64_t encoded = 0, written = 0;
    auto last = clock::now();
    {
        progress_bar bar(todo, plan.options().progress, "paths", plan.options().on_progress);
        plan.run_blocks(
            st.lo, st.hi, bar, [&](std::size_t b) { return had[b - st.lo] != 0; },
            [&](std::size_t b, R &&r) {
                std::vector<unsigned char> bytes;
                std::uint64_t seq = 0;
                {
                    std::lock_guard<std::mutex> lk(m);
                    add_block(plan, st, b, std::move(r));
                    if (path.empty() || st.complete() ||
                        std::chrono::duration<double>(clock::now() - last).count() < interval)
                        return;
                    bytes = encode_state(plan, st);
                    seq = ++encoded;
                    last = clock::now();
                }
                std::lock_guard<std::mutex> lk(write_m);
                if (seq > written) {
                    write_file_atomic(path, bytes, where);
                    written = seq;
                }
            });
    }
    if (!path.empty())
        write_file_atomic(path, encode_state(plan, st), where);
}

/// The state of shard s: loaded from path when the file exists (it must be
/// of this plan and this shard), else empty.
template <class Plan>
study_state<typename Plan::block_result> start_state(const Plan &plan, const shard_options &s,
                                                     const std::string &path,
                                                     std::string_view where,
                                                     std::string_view what) {
    auto st = empty_state(plan, s);
    if (path.empty() || !file_exists(path))
        return st;
    const std::string pre = file_prefix(where, what, path);
    auto got = decode_state(plan, read_bytes(path, pre), pre);
    if (got.lo != st.lo || got.hi != st.hi)
        throw study_file_error(pre + "holds blocks [" + std::to_string(got.lo) + ", " +
                               std::to_string(got.hi) + ") (shard " +
                               std::to_string(got.shard_index) + " of " +
                               std::to_string(got.shard_count) + "), this run is blocks [" +
                               std::to_string(st.lo) + ", " + std::to_string(st.hi) +
                               ") (shard " + std::to_string(s.index) + " of " +
                               std::to_string(s.count) + ")");
    return got;
}

inline void check_interval(std::string_view where, double interval) {
    if (!(interval >= 0))
        throw_invalid(where, "checkpoint.interval", interval, "must be >= 0 seconds");
}

/// The merged block result of complete states that tile [0, blocks):
/// shard 0's prefix, then every later block in block order.
template <class Plan>
typename Plan::block_result merge_states(const Plan &plan,
                                         std::vector<study_state<typename Plan::block_result>> sts,
                                         const std::vector<std::string> &names,
                                         std::string_view where) {
    std::vector<std::size_t> order(sts.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return sts[a].lo < sts[b].lo; });
    for (std::size_t i = 0; i < sts.size(); ++i)
        if (!sts[i].complete())
            throw study_file_error(std::string(where) + ": '" + names[i] + "' is unfinished (" +
                                   std::to_string(sts[i].finished_blocks()) + " of " +
                                   std::to_string(sts[i].hi - sts[i].lo) +
                                   " blocks): run its shard to the end first");
    std::size_t next = 0;
    std::string prev;
    for (std::size_t k : order) {
        const auto &st = sts[k];
        if (st.lo == st.hi)
            continue; // an empty shard (more shards than blocks)
        if (st.lo > next)
            throw study_file_error(std::string(where) + ": blocks [" + std::to_string(next) +
                                   ", " + std::to_string(st.lo) +
                                   ") are in no file (a shard is missing)");
        if (st.lo < next)
            throw study_file_error(std::string(where) + ": '" + names[k] + "' and '" + prev +
                                   "' both hold block " + std::to_string(st.lo));
        next = st.hi;
        prev = names[k];
    }
    if (next != plan.blocks())
        throw study_file_error(std::string(where) + ": blocks [" + std::to_string(next) + ", " +
                               std::to_string(plan.blocks()) +
                               ") are in no file (a shard is missing)");
    typename Plan::block_result total = plan.observer().make_result();
    bool first = true;
    for (std::size_t k : order) {
        auto &st = sts[k];
        if (st.prefix) {
            if (first)
                total = std::move(*st.prefix);
            else
                plan.observer().merge(total, std::move(*st.prefix));
            first = false;
        }
        for (auto &[b, r] : st.done)
            plan.observer().merge(total, std::move(r));
    }
    return total;
}

} // namespace detail

/// Runs the whole study in this process: the result of escape_study (or
/// transition_study, simulate_paths, run_paths) with the plan's inputs.
template <class Plan> typename Plan::result_type run_study(const Plan &plan) {
    auto st = detail::empty_state(plan, {});
    detail::advance(plan, st, {}, 0, "levysgd::run_study");
    return plan.finish(std::move(*st.prefix));
}

/// Runs the whole study with a checkpoint at ck.path, written every
/// ck.interval seconds (atomically) and when finished. If the file exists
/// the run resumes from it: its finished blocks are not run again, and the
/// result is bitwise that of an uninterrupted run. A file of another study,
/// another library or format version, truncated or corrupted throws
/// study_file_error naming what differs.
template <class Plan>
typename Plan::result_type run_study(const Plan &plan, const checkpoint_options &ck) {
    constexpr std::string_view where = "levysgd::run_study";
    detail::check_interval(where, ck.interval);
    if (ck.path.empty())
        return run_study(plan);
    auto st = detail::start_state(plan, {}, ck.path, where, "checkpoint");
    detail::advance(plan, st, ck.path, ck.interval, where);
    return plan.finish(std::move(*st.prefix));
}

/// Runs shard.index of shard.count and writes its state to `out`, every
/// checkpoint_interval seconds while it runs and finished at the end. An
/// existing `out` of the same study and shard is resumed (a finished one
/// returns at once). Throws std::invalid_argument for index >= count or
/// count = 0; study_file_error for an unusable `out`.
template <class Plan>
void run_shard(const Plan &plan, const shard_options &shard, const std::string &out,
               double checkpoint_interval = 10) {
    constexpr std::string_view where = "levysgd::run_shard";
    detail::check_shard(where, shard);
    detail::check_interval(where, checkpoint_interval);
    if (out.empty())
        detail::throw_invalid(where, "out", "\"\"", "must name a file");
    auto st = detail::start_state(plan, shard, out, where, "shard file");
    if (st.complete() && detail::file_exists(out))
        return;
    detail::advance(plan, st, out, checkpoint_interval, where);
}

/// The result of the whole study from its shard files (any order): bitwise
/// the result of run_study(plan). Refuses (study_file_error) a file of
/// another study (naming the field that differs), an unfinished shard, a
/// missing or overlapping block range, and any corrupted file.
template <class Plan>
typename Plan::result_type merge_shards(const Plan &plan, const std::vector<std::string> &files) {
    constexpr std::string_view where = "levysgd::merge_shards";
    if (files.empty())
        detail::throw_invalid(where, "files", "none", "must name at least one shard file");
    std::vector<detail::study_state<typename Plan::block_result>> sts;
    for (const auto &f : files) {
        const std::string pre = detail::file_prefix(where, "shard file", f);
        sts.push_back(detail::decode_state(plan, detail::read_bytes(f, pre), pre));
    }
    return plan.finish(detail::merge_states(plan, std::move(sts), files, where));
}

/// The header, identity and progress of a study file, without a plan (the
/// checksum and versions are checked; the block results are not decoded).
inline study_file_info read_study_file_info(const std::string &path) {
    const std::string pre = detail::file_prefix("levysgd::read_study_file_info", "file", path);
    const auto bytes = detail::read_bytes(path, pre);
    try {
        byte_reader rd = detail::open_payload(bytes, pre);
        study_file_info info;
        byte_reader h(bytes.data() + 8, 8);
        info.format_version = h.get<std::uint32_t>();
        info.library_version = h.get<std::uint32_t>();
        info.identity = detail::get_identity(rd);
        const auto f = detail::get_range(rd);
        info.blocks = f.blocks;
        info.block_lo = f.lo;
        info.block_hi = f.hi;
        info.shard_index = f.shard_index;
        info.shard_count = f.shard_count;
        for (std::size_t b = f.lo; b < f.prefix_end; ++b)
            info.finished.push_back(b);
        if (f.has_prefix)
            rd.skip(rd.get_size(rd.remaining()));
        const std::size_t n = rd.get_size(f.hi - f.prefix_end);
        for (std::size_t i = 0; i < n; ++i) {
            info.finished.push_back(rd.get_size());
            rd.skip(rd.get_size(rd.remaining()));
        }
        info.finished_blocks = info.finished.size();
        return info;
    } catch (const study_file_error &e) {
        const std::string_view m = e.what();
        if (m.substr(0, pre.size()) == pre)
            throw;
        throw study_file_error(pre + std::string(m));
    }
}

} // namespace levysgd
