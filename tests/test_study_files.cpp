// Shards, checkpoints and study files (sde/study.hpp): every result field
// bitwise equal to one run; every corrupted or mismatched file refused with
// a message naming what is wrong.

#include <levysgd/levysgd.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "levysgd_catch.hpp"

namespace {

using levysgd_test::message_of;
namespace fs = std::filesystem;

template <class T> bool same_bits(const T &a, const T &b) {
    return std::memcmp(&a, &b, sizeof(T)) == 0;
}
template <class R> bool same_estimate(const levysgd::estimate<R> &a, const levysgd::estimate<R> &b) {
    return same_bits(a.value, b.value) && same_bits(a.low, b.low) && same_bits(a.high, b.high);
}

/// Every field of two escape results, path records included, bit for bit.
template <class R, int D>
void require_same(const levysgd::escape_result<R, D> &a, const levysgd::escape_result<R, D> &b) {
    REQUIRE(a.paths == b.paths);
    REQUIRE(a.exited == b.exited);
    REQUIRE(a.censored == b.censored);
    REQUIRE(a.non_finite == b.non_finite);
    REQUIRE(same_bits(a.time_step, b.time_step));
    REQUIRE(same_bits(a.horizon, b.horizon));
    REQUIRE(same_estimate(a.mean_exit_time, b.mean_exit_time));
    REQUIRE(same_bits(a.exit_time_sd, b.exit_time_sd));
    REQUIRE(same_bits(a.restricted_mean, b.restricted_mean));
    REQUIRE(same_estimate(a.escape_rate, b.escape_rate));
    REQUIRE(same_bits(a.z, b.z));
    REQUIRE(a.channels.size() == b.channels.size());
    for (std::size_t c = 0; c < a.channels.size(); ++c) {
        REQUIRE(a.channels[c].coordinate == b.channels[c].coordinate);
        REQUIRE(a.channels[c].side == b.channels[c].side);
        REQUIRE(a.channels[c].count == b.channels[c].count);
        REQUIRE(same_estimate(a.channels[c].probability, b.channels[c].probability));
    }
    REQUIRE(a.path_records.size() == b.path_records.size());
    for (std::size_t i = 0; i < a.path_records.size(); ++i) {
        const auto &p = a.path_records[i], &q = b.path_records[i];
        REQUIRE(p.status == q.status);
        REQUIRE(same_bits(p.time, q.time));
        REQUIRE(p.steps == q.steps);
        REQUIRE(p.where.coordinate == q.where.coordinate);
        REQUIRE(p.where.side == q.where.side);
        REQUIRE(p.point.size() == q.point.size());
        for (Eigen::Index k = 0; k < p.point.size(); ++k)
            REQUIRE(same_bits(p.point[k], q.point[k]));
    }
}

template <class R>
void require_same(const levysgd::transition_result<R> &a, const levysgd::transition_result<R> &b) {
    REQUIRE(a.basins == b.basins);
    REQUIRE(a.paths == b.paths);
    REQUIRE(a.non_finite == b.non_finite);
    REQUIRE(same_bits(a.time_step, b.time_step));
    REQUIRE(a.counts == b.counts);
    REQUIRE(a.occupation.size() == b.occupation.size());
    for (Eigen::Index i = 0; i < a.occupation.size(); ++i)
        REQUIRE(same_bits(a.occupation[i], b.occupation[i]));
    REQUIRE(same_bits(a.unlabelled_time, b.unlabelled_time));
}

template <class R, int D>
void require_same(const levysgd::terminal_states<R, D> &a, const levysgd::terminal_states<R, D> &b) {
    REQUIRE(a.non_finite == b.non_finite);
    REQUIRE(a.steps == b.steps);
    REQUIRE(same_bits(a.time_step, b.time_step));
    REQUIRE(a.states.rows() == b.states.rows());
    REQUIRE(a.states.cols() == b.states.cols());
    REQUIRE(std::memcmp(a.states.data(), b.states.data(), sizeof(R) * a.states.size()) == 0);
}

struct tmpdir {
    fs::path dir;
    explicit tmpdir(const char *name) : dir(fs::temp_directory_path() / name) {
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~tmpdir() { fs::remove_all(dir); }
    std::string operator()(const std::string &f) const { return (dir / f).string(); }
};

std::vector<unsigned char> read_all(const std::string &p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_all(const std::string &p, const std::vector<unsigned char> &b) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(b.data()), static_cast<std::streamsize>(b.size()));
}

std::string file_error_of(auto &&f) {
    try {
        f();
    } catch (const levysgd::study_file_error &e) {
        return e.what();
    }
    return "no study_file_error";
}

// A 1-D Levy escape from the left well of a double well: some paths exit,
// some are censored (horizon short), on the SIMD path.
const auto well = levysgd::double_well(-1.0, 0.0, 1.0);
const levysgd::stable_noise<double> levy(1, 1.5, 0.5);
const levysgd::tamed_euler<double> integ(0.01);
const levysgd::interval<double> left(-3.0, 0.0);
const Eigen::Matrix<double, 1, 1> x0(-1.0);

levysgd::escape_options<double> escape_opts(std::size_t paths, unsigned threads) {
    return {.paths = paths, .horizon = 4, .seed = 11, .first_stream = 5, .threads = threads,
            .progress = levysgd::progress_mode::never};
}

} // namespace

TEST_CASE("escape study: run_study, shards 0..K-1 merged and checkpoints equal escape_study",
          "[study]") {
    const std::size_t paths = 64 * 13 + 17; // 14 blocks, the last partial
    const auto ref = levysgd::escape_study(well, levy, integ, left, x0, escape_opts(paths, 1));
    REQUIRE(ref.exited > 0);
    REQUIRE(ref.censored > 0);
    tmpdir tmp("levysgd_test_study_escape");
    for (unsigned threads : {1u, 2u, 3u}) {
        const auto plan =
            levysgd::plan_escape_study(well, levy, integ, left, x0, escape_opts(paths, threads));
        require_same(levysgd::run_study(plan), ref);
        for (std::size_t K : {1u, 2u, 3u, 5u, 14u, 20u}) {
            std::vector<std::string> files;
            for (std::size_t k = K; k-- > 0;) { // any order
                files.push_back(tmp("shard" + std::to_string(k) + "of" + std::to_string(K)));
                levysgd::run_shard(plan, {.index = k, .count = K}, files.back(), 0);
            }
            require_same(levysgd::merge_shards(plan, files), ref);
        }
        const std::string ck = tmp("ck" + std::to_string(threads));
        require_same(levysgd::run_study(plan, {.path = ck, .interval = 0}), ref);
        // The finished checkpoint is the whole study: resuming runs nothing.
        require_same(levysgd::run_study(plan, {.path = ck, .interval = 0}), ref);
        require_same(levysgd::merge_shards(plan, {ck}), ref);
    }
}

TEST_CASE("transition study and simulate_paths: shards and checkpoints equal one run",
          "[study]") {
    tmpdir tmp("levysgd_test_study_transition");
    const levysgd::interval_basins<double> basins({-3.0, 0.0}, {0.0, 3.0});
    const levysgd::stable_noise<double> strong(1, 1.5, 1.0);
    const levysgd::transition_options<double> topt{.paths = 300, .horizon = 3, .seed = 4,
                                                   .threads = 2,
                                                   .progress = levysgd::progress_mode::never};
    const auto tref = levysgd::transition_study(well, strong, integ, basins, x0, topt);
    REQUIRE(tref.counts.sum() > 0);
    const auto tplan = levysgd::plan_transition_study(well, strong, integ, basins, x0, topt);
    require_same(levysgd::run_study(tplan), tref);
    std::vector<std::string> files;
    for (std::size_t k = 0; k < 3; ++k) {
        files.push_back(tmp("t" + std::to_string(k)));
        levysgd::run_shard(tplan, {k, 3}, files.back());
    }
    require_same(levysgd::merge_shards(tplan, files), tref);
    require_same(levysgd::run_study(tplan, {.path = tmp("tck"), .interval = 0}), tref);

    // 2-D Gaussian noise on the scalar path (no batch members on the quadratic's noise).
    const levysgd::quadratic<double, 2> bowl(Eigen::Matrix2d::Identity(), Eigen::Vector2d::Zero());
    const auto gauss = levysgd::gaussian_noise<double>::isotropic(2, 0.5);
    const levysgd::path_options<double> popt{.paths = 200, .horizon = 1, .seed = 9,
                                             .threads = 3,
                                             .progress = levysgd::progress_mode::never};
    const Eigen::Vector2d y0(1.0, -1.0);
    const auto sref = levysgd::simulate_paths(bowl, gauss, levysgd::euler<double>(0.01), y0, popt);
    const levysgd::euler<double> e(0.01);
    const auto splan = levysgd::plan_simulate_paths(bowl, gauss, e, y0, popt);
    require_same(levysgd::run_study(splan), sref);
    files.clear();
    for (std::size_t k = 0; k < 2; ++k) {
        files.push_back(tmp("s" + std::to_string(k)));
        levysgd::run_shard(splan, {k, 2}, files.back());
    }
    require_same(levysgd::merge_shards(splan, {files[1], files[0]}), sref);
}

namespace {
/// A user observer that opts in to study files: the sum and count of the
/// final states' first coordinate.
struct mean_observer {
    using state_type = std::array<double, 0>;
    struct result_type {
        double sum = 0;
        std::size_t n = 0;
    };
    double shift = 0;
    std::string describe() const { return "shift = " + levysgd::detail::to_text(shift); }
    template <class V> state_type start(std::uint64_t, const V &) const { return {}; }
    template <class V> bool step(state_type &, const V &) const { return false; }
    template <class V>
    void finish(result_type &r, const state_type &, const levysgd::path_end<double> &,
                const V &x) const {
        r.sum += x[0] + shift;
        ++r.n;
    }
    result_type make_result() const { return {}; }
    void merge(result_type &into, result_type &&b) const {
        into.sum += b.sum;
        into.n += b.n;
    }
    void save(levysgd::byte_writer &w, const result_type &r) const {
        w.put(r.sum);
        w.put_size(r.n);
    }
    result_type load(levysgd::byte_reader &rd) const {
        result_type r;
        r.sum = rd.get<double>();
        r.n = rd.get_size();
        return r;
    }
};
static_assert(levysgd::SavableObserver<mean_observer>);
static_assert(levysgd::SavableObserver<levysgd::escape_observer<levysgd::interval<double>, double, 1>>);
static_assert(!levysgd::SavableObserver<int>);
} // namespace

TEST_CASE("a user observer with save/load runs in shards; its describe() is checked", "[study]") {
    tmpdir tmp("levysgd_test_study_user");
    const levysgd::run_options<double> opt{.paths = 500, .horizon = 1, .seed = 3,
                                           .progress = levysgd::progress_mode::never};
    const auto ref = levysgd::run_paths(well, levy, integ, x0, opt, mean_observer{0.5});
    const auto plan = levysgd::plan_run_paths(well, levy, integ, x0, opt, mean_observer{0.5});
    const std::vector<std::string> files{tmp("u0"), tmp("u1")};
    levysgd::run_shard(plan, {0, 2}, files[0]);
    levysgd::run_shard(plan, {1, 2}, files[1]);
    const auto got = levysgd::merge_shards(plan, files);
    REQUIRE(same_bits(got.sum, ref.sum));
    REQUIRE(got.n == 500);
    const auto other = levysgd::plan_run_paths(well, levy, integ, x0, opt, mean_observer{0.25});
    const auto msg = file_error_of([&] { levysgd::merge_shards(other, files); });
    REQUIRE_THAT(msg, Catch::Matchers::Contains("observer differs") &&
                          Catch::Matchers::Contains("shift = 0.5") &&
                          Catch::Matchers::Contains("shift = 0.25"));
}

TEST_CASE("corrupted, truncated, mismatched and other-version files are refused", "[study]") {
    tmpdir tmp("levysgd_test_study_refused");
    const auto opt = escape_opts(300, 2);
    const auto plan = levysgd::plan_escape_study(well, levy, integ, left, x0, opt);
    const std::string f0 = tmp("f0"), f1 = tmp("f1");
    levysgd::run_shard(plan, {0, 2}, f0);
    levysgd::run_shard(plan, {1, 2}, f1);
    const auto good = read_all(f0);
    const std::string bad = tmp("bad");
    auto merge_bad = [&] { return file_error_of([&] { levysgd::merge_shards(plan, {bad, f1}); }); };
    using Catch::Matchers::Contains;

    SECTION("every truncation") {
        for (std::size_t n = 0; n < good.size(); n += (n < 64 ? 1 : 97)) {
            write_all(bad, std::vector<unsigned char>(good.begin(), good.begin() + n));
            const auto m = merge_bad();
            INFO(n << ": " << m);
            REQUIRE((m.find("truncated") != std::string::npos ||
                     m.find("no LEVYSGDS magic") != std::string::npos));
            REQUIRE_THAT(m, Contains("'" + bad + "'"));
        }
    }
    SECTION("every flipped byte") {
        for (std::size_t i = 0; i < good.size(); i += (i < 64 ? 1 : 31)) {
            auto b = good;
            b[i] ^= 0x10;
            write_all(bad, b);
            const auto m = merge_bad();
            INFO(i << ": " << m);
            REQUIRE((m.find("checksum mismatch") != std::string::npos ||
                     m.find("no LEVYSGDS magic") != std::string::npos ||
                     m.find("truncated") != std::string::npos ||
                     m.find("corrupted") != std::string::npos));
        }
    }
    SECTION("another library or format version, with a valid checksum") {
        auto patch = [&](std::size_t at, std::uint32_t v) {
            auto b = good;
            for (int k = 0; k < 4; ++k)
                b[at + k] = static_cast<unsigned char>(v >> (8 * k));
            const auto h = levysgd::fnv1a64(b.data(), b.size() - 8);
            for (int k = 0; k < 8; ++k)
                b[b.size() - 8 + k] = static_cast<unsigned char>(h >> (8 * k));
            write_all(bad, b);
        };
        patch(12, LEVYSGD_VERSION + 100);
        REQUIRE_THAT(merge_bad(), Contains("written by levysgd 0.2.0, this is levysgd 0.1.0"));
        patch(8, 2);
        REQUIRE_THAT(merge_bad(), Contains("file format version 2, this library reads version 1"));
    }
    SECTION("not a study file, a missing file") {
        write_all(bad, {'h', 'e', 'l', 'l', 'o'});
        REQUIRE_THAT(merge_bad(), Contains("not a levysgd study file"));
        fs::remove(bad);
        REQUIRE_THAT(merge_bad(), Contains("cannot be opened"));
    }
    SECTION("a different study names the field") {
        auto with = [&](auto o) {
            return file_error_of([&] {
                levysgd::merge_shards(levysgd::plan_escape_study(well, levy, integ, left, x0, o),
                                      {f0, f1});
            });
        };
        auto o = opt;
        o.seed = 12;
        REQUIRE_THAT(with(o), Contains("seed differs: the file has 11, this study has 12"));
        o = opt;
        o.first_stream = 6;
        REQUIRE_THAT(with(o), Contains("first_stream differs"));
        o = opt;
        o.horizon = 5;
        REQUIRE_THAT(with(o), Contains("horizon differs"));
        o = opt;
        o.confidence = 0.9;
        REQUIRE_THAT(with(o), Contains("confidence differs"));
        o = opt;
        o.keep_paths = false;
        REQUIRE_THAT(with(o), Contains("keep_paths differs"));
        o = opt;
        o.paths = 301;
        REQUIRE_THAT(with(o), Contains("paths differs: the file has 300, this study has 301"));
        o = opt;
        o.threads = 1; // not part of the study: results do not depend on it
        REQUIRE(with(o) == "no study_file_error");
        const levysgd::stable_noise<double> other_noise(1, 1.6, 0.5);
        REQUIRE_THAT(file_error_of([&] {
                         levysgd::merge_shards(levysgd::plan_escape_study(well, other_noise, integ,
                                                                          left, x0, opt),
                                               {f0, f1});
                     }),
                     Contains("noise differs") && Contains("alpha = [1.6]"));
        const auto other_well = levysgd::double_well(-1.0, 0.0, 1.5);
        REQUIRE_THAT(file_error_of([&] {
                         levysgd::merge_shards(levysgd::plan_escape_study(other_well, levy, integ,
                                                                          left, x0, opt),
                                               {f0, f1});
                     }),
                     Contains("potential differs"));
        const levysgd::tamed_euler<double> other_step(0.02);
        REQUIRE_THAT(file_error_of([&] {
                         levysgd::merge_shards(levysgd::plan_escape_study(well, levy, other_step,
                                                                          left, x0, opt),
                                               {f0, f1});
                     }),
                     Contains("steps differs"));
        const levysgd::interval<double> other_domain(-3.0, 0.1);
        REQUIRE_THAT(file_error_of([&] {
                         levysgd::merge_shards(levysgd::plan_escape_study(well, levy, integ,
                                                                          other_domain, x0, opt),
                                               {f0, f1});
                     }),
                     Contains("domain differs"));
        // A checkpoint of another study is refused, not overwritten.
        o = opt;
        o.seed = 12;
        const auto p12 = levysgd::plan_escape_study(well, levy, integ, left, x0, o);
        REQUIRE_THAT(file_error_of([&] { levysgd::run_study(p12, {.path = f0}); }),
                     Contains("checkpoint '" + f0 + "': a different study: seed differs"));
        REQUIRE(read_all(f0) == good);
    }
    SECTION("unfinished, missing, overlapping and wrong-shard files") {
        REQUIRE_THAT(file_error_of([&] { levysgd::merge_shards(plan, {f1}); }),
                     Contains("blocks [0, 3) are in no file"));
        REQUIRE_THAT(file_error_of([&] { levysgd::merge_shards(plan, {f0}); }),
                     Contains("blocks [3, 5) are in no file"));
        REQUIRE_THAT(file_error_of([&] { levysgd::merge_shards(plan, {f0, f1, f1}); }),
                     Contains("both hold block 3"));
        REQUIRE_THAT(file_error_of([&] { levysgd::run_shard(plan, {1, 3}, f1); }),
                     Contains("holds blocks [3, 5) (shard 1 of 2), this run is blocks [2, 4) "
                              "(shard 1 of 3)"));
        // An unfinished checkpoint (blocks 1 and 3 of 5 done) is not a shard;
        // resumed, it ends bitwise as the uninterrupted run.
        auto st = levysgd::detail::empty_state(plan, {});
        levysgd::detail::progress_bar bar(0, levysgd::progress_mode::never, "");
        // on_block runs on the thread that ran the block (opt.threads = 2):
        // the state is merged under a lock, as run_study does
        std::mutex m;
        plan.run_blocks(
            0, 5, bar, [](std::size_t b) { return b != 1 && b != 3; },
            [&](std::size_t b, auto &&r) {
                const std::lock_guard<std::mutex> lk(m);
                levysgd::detail::add_block(plan, st, b, std::move(r));
            });
        const std::string ck = tmp("ck");
        write_all(ck, levysgd::detail::encode_state(plan, st));
        const auto info = levysgd::read_study_file_info(ck);
        REQUIRE(info.finished == std::vector<std::size_t>{1, 3});
        REQUIRE(!info.complete());
        REQUIRE(*info.identity.find("seed") == "11");
        REQUIRE_THAT(file_error_of([&] { levysgd::merge_shards(plan, {ck}); }),
                     Contains("is unfinished (2 of 5 blocks)"));
        const auto ref = levysgd::escape_study(well, levy, integ, left, x0, opt);
        require_same(levysgd::run_study(plan, {.path = ck}), ref);
        REQUIRE(levysgd::read_study_file_info(ck).complete());
        REQUIRE_THAT(file_error_of([&] { levysgd::merge_shards(plan, {ck, f1}); }),
                     Contains("both hold block 3"));
    }
    SECTION("bad shard options") {
        REQUIRE_THAT(message_of([&] { levysgd::run_shard(plan, {2, 2}, bad); }),
                     Contains("levysgd::run_shard: shard.index must be < shard.count = 2, got 2"));
        REQUIRE_THAT(message_of([&] { levysgd::run_shard(plan, {0, 0}, bad); }),
                     Contains("shard.count must be >= 1, got 0"));
        REQUIRE_THAT(message_of([&] { levysgd::run_study(plan, {.path = bad, .interval = -1}); }),
                     Contains("checkpoint.interval must be >= 0 seconds, got -1"));
    }
}
