#pragma once
// The pipeline of examples/real_gradient_noise.cpp, in a header so that
// tests/test_mlp.cpp runs it (reduced, on synthetic data): train a
// levysgd::mlp with levysgd::sgd and measure its gradient noise
//   - at chosen epochs: alpha per parameter (Mohammadi, bootstrap intervals)
//     and per layer (Battash & Lindenbaum 2023 Figs. 1-2), pooled and
//     multivariate alpha (Simsekli et al. 2019 Sec. 4), SaS against Gaussian
//     fit errors per layer (Battash & Lindenbaum 2023 Table 1);
//   - alpha against batch size, width and depth (Simsekli et al. 2019
//     Figs. 4 and 6);
//   - the noise covariance against H/B in the last layer at initialisation
//     and after training (Xie et al. 2021 eq. 7, Fig. 2).
// The noise of one measurement: K i.i.d. minibatch gradients G (rows, indices
// drawn with replacement), U = G - 1 g^T with the exact full gradient g
// (levysgd::gradient_noise). Training itself samples without replacement.

#include <levysgd/levysgd.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <limits>
#include <numeric>
#include <ostream>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rgn {

struct data_set {
    Eigen::MatrixXd x; ///< one sample per row
    std::vector<int> y;
};

/// scikit-learn's digits.csv (64 pixel values 0..16, then the label, per
/// line), pixels scaled to [0, 1]. Throws std::runtime_error naming the path
/// and where the file comes from when it cannot be read.
inline data_set read_digits_csv(const std::string &path) {
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error(
            "cannot read the digits data at '" + path +
            "'. The repository ships it as examples/data/digits.csv; scikit-learn ships the same "
            "file as sklearn/datasets/data/digits.csv.gz (Debian: apt-get install python3-sklearn, "
            "then gunzip a copy) - pass its path with --data PATH");
    std::vector<double> v;
    std::vector<int> y;
    std::string line;
    std::size_t lineno = 0;
    while (std::getline(in, line)) {
        ++lineno;
        if (line.empty())
            continue;
        std::stringstream ss(line);
        std::string cell;
        std::vector<double> row;
        while (std::getline(ss, cell, ','))
            row.push_back(std::stod(cell));
        if (row.size() != 65 || row[64] < 0 || row[64] > 9)
            throw std::runtime_error(path + " line " + std::to_string(lineno) +
                                     ": expected 64 pixels and a label 0..9");
        v.insert(v.end(), row.begin(), row.begin() + 64);
        y.push_back(int(row[64]));
    }
    data_set d{Eigen::MatrixXd(Eigen::Index(y.size()), 64), y};
    for (Eigen::Index r = 0; r < d.x.rows(); ++r)
        for (Eigen::Index c = 0; c < 64; ++c)
            d.x(r, c) = v[std::size_t(r * 64 + c)] / 16.0;
    return d;
}

struct config {
    std::vector<Eigen::Index> hidden{64, 64};
    levysgd::activation act = levysgd::activation::relu;
    std::size_t batch = 32;
    double lr = 0.05;
    std::vector<std::size_t> checkpoints{1, 10, 40}; ///< epochs; the last ends training
    std::size_t noise_batches = 1024;                ///< K minibatch gradients per measurement
    std::size_t bootstrap_reps = 100; ///< per-parameter intervals at the last checkpoint (0: none)
    std::size_t gof_params = 10;      ///< parameters per layer fitted (SaS and Gaussian)
    std::size_t gof_bins = 50;
    std::vector<std::size_t> batch_sizes{8, 16, 32, 64, 128, 256};
    std::vector<Eigen::Index> widths{8, 16, 32, 64, 128};
    std::vector<std::size_t> depths{1, 2, 3, 4};
    std::uint64_t seed = 2026;
    int export_layer = -1; ///< layer whose noise matrix is kept (-1: the last)

    std::size_t epochs() const { return checkpoints.empty() ? 0 : checkpoints.back(); }

    /// The size of the test suite and of docs/images/make_figures.py.
    static config reduced() {
        config c;
        c.hidden = {16, 16};
        c.checkpoints = {1, 4};
        c.noise_batches = 64;
        c.bootstrap_reps = 20;
        c.gof_params = 2;
        c.gof_bins = 20;
        c.batch_sizes = {8, 32};
        c.widths = {8, 16};
        c.depths = {1, 2};
        return c;
    }
};

/// Median, quartiles and a 95 % bootstrap interval of the median of a set of
/// per-parameter estimates (the interval resamples parameters).
struct spread {
    double median = 0, low = 0, high = 0, q25 = 0, q75 = 0;
};

struct layer_stats {
    std::string name;
    Eigen::Index offset = 0, parameters = 0, dead = 0;
    Eigen::Index one_valued = 0; ///< live parameters with a zero interquartile range
    std::vector<Eigen::Index> live;  ///< columns (within the layer) with noise
    std::vector<double> alpha;       ///< per live parameter
    std::vector<double> alpha_low;   ///< per live parameter, 95 % bootstrap (may be empty)
    std::vector<double> alpha_high;
    double median_alpha = 0;
    spread s;
    levysgd::tail_index_result pooled, multivariate; ///< within the layer
    std::size_t gof_params = 0, sas_better_sse = 0, sas_better_chi2 = 0;
    double gauss_sse = 0, sas_sse = 0, gauss_chi2 = 0, sas_chi2 = 0, fitted_alpha = 0;
};

struct measurement {
    std::size_t batch = 0, minibatches = 0;
    std::vector<layer_stats> layers;
    levysgd::tail_index_result pooled, multivariate; ///< whole network
    spread s;                                        ///< over all live parameters
};

struct checkpoint {
    std::size_t epoch = 0;
    double train_loss = 0, train_accuracy = 0, test_accuracy = 0;
    measurement m;
};

struct sweep_point {
    std::string kind; ///< batch_trained, batch_fixed_weights, width, depth
    double value = 0;
    double train_accuracy = 0, test_accuracy = 0;
    measurement m;
};

struct covariance_result {
    std::size_t batch = 0;
    Eigen::Index parameters = 0;
    levysgd::hessian_comparison at_init, trained;
};

struct result {
    std::vector<checkpoint> checkpoints;
    std::vector<sweep_point> batch_sweep, batch_fixed, width_sweep, depth_sweep;
    covariance_result covariance;
    double train_accuracy = 0, test_accuracy = 0;
    Eigen::MatrixXd exported; ///< U of the export layer at the last checkpoint
    int exported_layer = 0;
    std::vector<std::pair<std::string, double>> seconds;
};

namespace detail {

inline spread spread_of(std::vector<double> a, std::uint64_t seed, std::uint64_t stream) {
    spread s;
    if (a.empty())
        return s;
    auto median = [](std::span<const double> v) {
        std::vector<double> t(v.begin(), v.end());
        const std::size_t h = t.size() / 2;
        std::nth_element(t.begin(), t.begin() + std::ptrdiff_t(h), t.end());
        const double hi = t[h];
        if (t.size() % 2)
            return hi;
        return (*std::max_element(t.begin(), t.begin() + std::ptrdiff_t(h)) + hi) / 2;
    };
    std::sort(a.begin(), a.end());
    auto q = [&](double p) {
        const double h = p * double(a.size() - 1);
        const auto i = std::size_t(h);
        const double f = h - double(i);
        return i + 1 < a.size() ? a[i] * (1 - f) + a[i + 1] * f : a[i];
    };
    s.q25 = q(0.25);
    s.q75 = q(0.75);
    if (a.size() >= 2) {
        const auto ci = levysgd::bootstrap_ci(std::span<const double>(a), median,
                                              {.reps = 1000, .level = 0.95, .seed = seed,
                                               .stream = stream});
        s.median = ci.estimate;
        s.low = ci.lower;
        s.high = ci.upper;
    } else {
        s.median = s.low = s.high = a[0];
    }
    return s;
}

inline std::vector<std::size_t> iota(std::size_t n) {
    std::vector<std::size_t> v(n);
    std::iota(v.begin(), v.end(), std::size_t(0));
    return v;
}

inline double tail_inv_alpha(std::span<const double> x) {
    return levysgd::mohammadi_tail_index(
               x, {.bad_values = levysgd::bad_value_policy::skip, .threads = 1})
        .inv_alpha;
}

/// f(i) for i in [0, n) on two threads, each on its own half (results by
/// index, so the same for any thread count); an exception is rethrown here.
template <class F> void two_threads(std::size_t n, F &&f) {
    std::exception_ptr err;
    std::thread t([&] {
        try {
            for (std::size_t i = n / 2; i < n; ++i)
                f(i);
        } catch (...) {
            err = std::current_exception();
        }
    });
    try {
        for (std::size_t i = 0; i < n / 2; ++i)
            f(i);
    } catch (...) {
        t.join();
        throw;
    }
    t.join();
    if (err)
        std::rethrow_exception(err);
}

/// Whether x has a positive interquartile range (what a stable fit needs).
inline bool positive_iqr(std::span<const double> x) {
    std::vector<double> v(x.begin(), x.end());
    const auto lo = std::ptrdiff_t(v.size() / 4), hi = std::ptrdiff_t(3 * v.size() / 4);
    std::nth_element(v.begin(), v.begin() + lo, v.end());
    const double a = v[std::size_t(lo)];
    std::nth_element(v.begin(), v.begin() + hi, v.end());
    return v[std::size_t(hi)] > a;
}

} // namespace detail

struct measure_options {
    bool per_parameter_ci = false;
    bool gof = false;
};

/// One measurement of the gradient noise of m at w with batch size b.
inline measurement measure(const levysgd::mlp<double> &m, const Eigen::VectorXd &w, std::size_t b,
                           const config &c, std::uint64_t stream, measure_options mo,
                           Eigen::MatrixXd *kept = nullptr) {
    using levysgd::bad_value_policy;
    const auto all = detail::iota(m.samples());
    Eigen::VectorXd g(m.dimension()), gb(m.dimension());
    m.gradient(w, all, g);
    const std::size_t k = c.noise_batches;
    Eigen::MatrixXd u(Eigen::Index(k), m.dimension());
    {
        // i.i.d. minibatches (with replacement), as the Mohammadi estimator
        // assumes: without replacement, a block of K1 consecutive minibatches
        // spanning whole epochs sums to ~0 (each epoch's noise does) and
        // inflates alpha-hat far above 2 once N / B is small
        levysgd::minibatch_sampler s(m.samples(), b, levysgd::sampling::with_replacement,
                                     c.seed + 1, stream);
        for (std::size_t r = 0; r < k; ++r) {
            m.gradient(w, s.next(), gb);
            u.row(Eigen::Index(r)) = gb.transpose();
        }
        u = levysgd::gradient_noise(u, g); // Simsekli et al. 2019 Sec. 4: U = G - 1 grad f^T
    }
    measurement out;
    out.batch = b;
    out.minibatches = k;
    std::vector<double> every;
    const int keep = c.export_layer < 0 ? int(m.layers()) - 1 : c.export_layer;
    for (std::size_t l = 0; l < m.layers(); ++l) {
        layer_stats ls;
        ls.name = l + 1 == m.layers() ? "output" : "hidden" + std::to_string(l + 1);
        ls.offset = m.layer_offset(l);
        ls.parameters = m.layer_size(l);
        const auto block = u.middleCols(ls.offset, ls.parameters);
        if (kept && int(l) == keep)
            *kept = block;
        for (Eigen::Index j = 0; j < ls.parameters; ++j) {
            // a column needs 4 nonzero values for two blocks of two; a
            // parameter no sample moves (an always-0 pixel, a dead unit) has none
            if ((block.col(j).array() != 0).count() >= 16)
                ls.live.push_back(j);
        }
        ls.dead = ls.parameters - Eigen::Index(ls.live.size());
        if (ls.live.empty()) {
            out.layers.push_back(ls);
            continue;
        }
        Eigen::MatrixXd ul(block.rows(), Eigen::Index(ls.live.size()));
        for (std::size_t j = 0; j < ls.live.size(); ++j)
            ul.col(Eigen::Index(j)) = block.col(ls.live[j]);
        // Battash & Lindenbaum 2023 Fig. 2 (alpha per parameter); Simsekli
        // et al. 2019 eq. 15 pooled and, on whole noise vectors, multivariate
        const auto t = levysgd::analyse_noise_tails(ul, bad_value_policy::skip);
        ls.alpha.assign(t.per_parameter.data(), t.per_parameter.data() + t.per_parameter.size());
        ls.pooled = t.pooled;
        ls.multivariate = t.multivariate;
        ls.s = detail::spread_of(ls.alpha, c.seed + 2, stream * 64 + l);
        ls.median_alpha = ls.s.median;
        every.insert(every.end(), ls.alpha.begin(), ls.alpha.end());
        if (mo.per_parameter_ci && c.bootstrap_reps >= 10) {
            ls.alpha_low.resize(ls.live.size());
            ls.alpha_high.resize(ls.live.size());
            detail::two_threads(ls.live.size(), [&](std::size_t j) {
                // the interval of 1/alpha (eq. 15 estimates 1/alpha; it stays
                // finite where alpha-hat = inf), mapped to alpha: 1/alpha <= 0
                // gives alpha = inf (null in JSON)
                const std::span<const double> col(ul.col(Eigen::Index(j)).data(),
                                                  std::size_t(ul.rows()));
                auto inv = [](double v) {
                    return v > 0 ? 1 / v : std::numeric_limits<double>::infinity();
                };
                try {
                    const auto ci = levysgd::bootstrap_ci(
                        col, detail::tail_inv_alpha,
                        {.reps = c.bootstrap_reps, .level = 0.95, .seed = c.seed + 3,
                         .stream = std::uint64_t(ls.offset + ls.live[j])});
                    ls.alpha_low[j] = inv(ci.upper);
                    ls.alpha_high[j] = inv(ci.lower);
                } catch (const std::invalid_argument &) { // < 10 resamples with 4 nonzero values
                    ls.alpha_low[j] = ls.alpha_high[j] = std::numeric_limits<double>::quiet_NaN();
                }
            });
        }
        if (mo.gof && c.gof_params > 0) {
            // Battash & Lindenbaum 2023 Table 1: SSE and Chi^2 of a fitted SaS
            // law and a fitted Gaussian, averaged over parameters (here
            // gof_params evenly spaced live parameters of the layer)
            // gof_params evenly spaced live parameters of the layer; a
            // parameter whose noise takes one value in over half of the
            // minibatches (a pixel few images use) has no interquartile range
            // and no stable fit: counted in `one_valued`, not fitted
            std::vector<Eigen::Index> fit_cols;
            for (std::size_t j = 0; j < ls.live.size(); ++j)
                if (detail::positive_iqr(std::span<const double>(
                        ul.col(Eigen::Index(j)).data(), std::size_t(ul.rows()))))
                    fit_cols.push_back(Eigen::Index(j));
            ls.one_valued = Eigen::Index(ls.live.size() - fit_cols.size());
            const std::size_t n = std::min(c.gof_params, fit_cols.size());
            std::vector<levysgd::stable_gof_result> fits(n);
            detail::two_threads(n, [&](std::size_t i) {
                const auto j = fit_cols[i * fit_cols.size() / n];
                fits[i] = levysgd::stable_gaussian_gof(
                    std::span<const double>(ul.col(j).data(), std::size_t(ul.rows())),
                    {.bins = c.gof_bins});
            });
            for (const auto &f : fits) {
                ls.gauss_sse += f.gauss_error.sse / double(n);
                ls.sas_sse += f.sas_error.sse / double(n);
                ls.gauss_chi2 += f.gauss_error.chi2 / double(n);
                ls.sas_chi2 += f.sas_error.chi2 / double(n);
                ls.fitted_alpha += f.sas.alpha / double(n);
                ls.sas_better_sse += f.sas_error.sse < f.gauss_error.sse;
                ls.sas_better_chi2 += f.sas_error.chi2 < f.gauss_error.chi2;
            }
            ls.gof_params = n;
        }
        out.layers.push_back(std::move(ls));
    }
    out.s = detail::spread_of(every, c.seed + 2, stream * 64 + 63);
    {
        const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm = u;
        out.pooled = levysgd::mohammadi_tail_index(
            std::span<const double>(rm.data(), std::size_t(rm.size())),
            {.bad_values = bad_value_policy::skip});
    }
    out.multivariate =
        levysgd::mohammadi_tail_index_rows(u, {.bad_values = bad_value_policy::skip});
    return out;
}

/// Trains `epochs` epochs of SGD (without replacement) from w.
inline void train(const levysgd::mlp<double> &m, Eigen::VectorXd &w, levysgd::sgd<double> &step,
                  std::size_t epochs) {
    const std::size_t per_epoch = (m.samples() + step.batch_size() - 1) / step.batch_size();
    for (std::size_t k = 0; k < epochs * per_epoch; ++k)
        step.step(w, m);
}

/// The covariance of the noise against H/B in the last layer (Xie et al.
/// 2021 eq. 7): C from the per-sample gradients of all samples
/// (levysgd::noise_covariance, Battash & Lindenbaum 2023 eq. 2), H exact.
inline levysgd::hessian_comparison covariance_vs_hessian(const levysgd::mlp<double> &m,
                                                         const Eigen::VectorXd &w, std::size_t b) {
    const std::size_t last = m.layers() - 1;
    const Eigen::Index off = m.layer_offset(last), p = m.layer_size(last);
    Eigen::MatrixXd per(Eigen::Index(m.samples()), p);
    for (std::size_t j0 = 0; j0 < m.samples(); j0 += 128) { // chunks: N x dimension() is large
        const auto idx = detail::iota(std::min<std::size_t>(128, m.samples() - j0));
        std::vector<std::size_t> chunk(idx.size());
        for (std::size_t i = 0; i < idx.size(); ++i)
            chunk[i] = j0 + i;
        per.middleRows(Eigen::Index(j0), Eigen::Index(chunk.size())) =
            m.per_sample_gradients(w, chunk).middleCols(off, p);
    }
    const Eigen::MatrixXd cov = levysgd::noise_covariance(per, double(b));
    return levysgd::compare_covariance_with_hessian(cov, m.last_layer_hessian(w), double(b));
}

/// The whole study. log (may be null) gets one line per stage.
inline result run(const data_set &train_set, const data_set &test_set, const config &c,
                  std::ostream *log) {
    using clock = std::chrono::steady_clock;
    auto say = [&](const std::string &s) {
        if (log)
            *log << s << std::endl;
    };
    const int classes = 10;
    result r;
    auto t0 = clock::now();
    auto lap = [&](const std::string &what) {
        const auto t1 = clock::now();
        r.seconds.emplace_back(what, std::chrono::duration<double>(t1 - t0).count());
        t0 = t1;
    };
    auto model = [&](const data_set &d, const std::vector<Eigen::Index> &hidden) {
        return levysgd::mlp<double>(d.x, d.y, hidden, classes, c.act);
    };
    std::uint64_t stream = 0; // one noise stream per measurement
    std::uint64_t run_id = 0; // one training stream per trained network

    // 1. the main network: measurements at the checkpoints
    const auto m = model(train_set, c.hidden);
    const auto mt = model(test_set, c.hidden);
    Eigen::VectorXd w = m.initial_parameters(c.seed);
    r.covariance.batch = c.batch;
    r.covariance.parameters = m.layer_size(m.layers() - 1);
    r.covariance.at_init = covariance_vs_hessian(m, w, c.batch);
    {
        levysgd::sgd<double> step(m.samples(), c.batch, c.lr, c.seed, run_id++,
                                  levysgd::sampling::without_replacement);
        std::size_t done = 0;
        for (std::size_t e : c.checkpoints) {
            train(m, w, step, e - done);
            done = e;
            checkpoint cp;
            cp.epoch = e;
            cp.train_loss = m.loss(w);
            cp.train_accuracy = m.accuracy(w);
            cp.test_accuracy = mt.accuracy(w);
            const bool last = e == c.epochs();
            cp.m = measure(m, w, c.batch, c, stream++,
                           {.per_parameter_ci = last, .gof = true},
                           last ? &r.exported : nullptr);
            say("epoch " + std::to_string(e) + ": train accuracy " +
                std::to_string(cp.train_accuracy) + ", test " + std::to_string(cp.test_accuracy) +
                ", median alpha " + std::to_string(cp.m.s.median) + ", pooled " +
                std::to_string(cp.m.pooled.alpha));
            r.checkpoints.push_back(std::move(cp));
        }
    }
    r.exported_layer = c.export_layer < 0 ? int(m.layers()) - 1 : c.export_layer;
    r.train_accuracy = r.checkpoints.back().train_accuracy;
    r.test_accuracy = r.checkpoints.back().test_accuracy;
    r.covariance.trained = covariance_vs_hessian(m, w, c.batch);
    lap("main network");

    // 2. alpha against batch size at the trained weights (no retraining)
    for (std::size_t b : c.batch_sizes) {
        sweep_point p{"batch_fixed_weights", double(b), r.train_accuracy, r.test_accuracy,
                      measure(m, w, b, c, stream++, {})};
        r.batch_fixed.push_back(std::move(p));
    }
    lap("batch sweep, fixed weights");

    // 3. Simsekli et al. 2019: train at each batch size / width / depth for
    // the same number of epochs, then measure at the batch size trained with
    auto trained_point = [&](const std::string &kind, double value,
                             const std::vector<Eigen::Index> &hidden, std::size_t b) {
        const auto mm = model(train_set, hidden);
        const auto mmt = model(test_set, hidden);
        Eigen::VectorXd ww = mm.initial_parameters(c.seed);
        levysgd::sgd<double> step(mm.samples(), b, c.lr, c.seed, run_id++,
                                  levysgd::sampling::without_replacement);
        train(mm, ww, step, c.epochs());
        sweep_point p{kind, value, mm.accuracy(ww), mmt.accuracy(ww),
                      measure(mm, ww, b, c, stream++, {})};
        say(kind + " " + std::to_string(value) + ": train accuracy " +
            std::to_string(p.train_accuracy) + ", median alpha " + std::to_string(p.m.s.median));
        return p;
    };
    for (std::size_t b : c.batch_sizes)
        r.batch_sweep.push_back(trained_point("batch_trained", double(b), c.hidden, b));
    lap("batch sweep, trained");
    for (Eigen::Index wd : c.widths)
        r.width_sweep.push_back(trained_point(
            "width", double(wd), std::vector<Eigen::Index>(c.hidden.size(), wd), c.batch));
    lap("width sweep");
    for (std::size_t d : c.depths)
        r.depth_sweep.push_back(trained_point(
            "depth", double(d), std::vector<Eigen::Index>(d, c.hidden.at(0)), c.batch));
    lap("depth sweep");
    return r;
}

// ------------------------------------------------------------------ output

inline std::string num(double v) {
    if (!std::isfinite(v))
        return "null"; // JSON has no inf/NaN: alpha = inf (1/alpha <= 0) is written as null
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

inline void json_tail(std::ostream &o, const levysgd::tail_index_result &t) {
    o << "{\"alpha\": " << num(t.alpha) << ", \"k1\": " << t.k1 << ", \"k2\": " << t.k2
      << ", \"n_used\": " << t.n_used << ", \"n_bad\": " << t.n_bad << "}";
}

inline void json_spread(std::ostream &o, const spread &s) {
    o << "{\"median\": " << num(s.median) << ", \"low\": " << num(s.low)
      << ", \"high\": " << num(s.high) << ", \"q25\": " << num(s.q25)
      << ", \"q75\": " << num(s.q75) << "}";
}

/// Per-parameter values over the whole layer: null for a parameter without noise.
inline void json_per_parameter(std::ostream &o, const layer_stats &l,
                               const std::vector<double> &v) {
    std::vector<std::string> out(std::size_t(l.parameters), "null");
    for (std::size_t j = 0; j < l.live.size() && j < v.size(); ++j)
        out[std::size_t(l.live[j])] = num(v[j]);
    o << "[";
    for (std::size_t j = 0; j < out.size(); ++j)
        o << (j ? ", " : "") << out[j];
    o << "]";
}

inline void json_measurement(std::ostream &o, const measurement &m, bool per_parameter) {
    o << "{\"batch\": " << m.batch << ", \"minibatches\": " << m.minibatches
      << ", \"pooled\": ";
    json_tail(o, m.pooled);
    o << ", \"multivariate\": ";
    json_tail(o, m.multivariate);
    o << ", \"alpha_spread\": ";
    json_spread(o, m.s);
    o << ", \"layers\": [";
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
        const auto &l = m.layers[i];
        o << (i ? ", " : "") << "\n    {\"name\": \"" << l.name << "\", \"offset\": " << l.offset
          << ", \"parameters\": " << l.parameters << ", \"without_noise\": " << l.dead
          << ", \"alpha_spread\": ";
        json_spread(o, l.s);
        o << ", \"pooled\": ";
        json_tail(o, l.pooled);
        o << ", \"multivariate\": ";
        json_tail(o, l.multivariate);
        if (l.gof_params)
            o << ", \"fit\": {\"parameters\": " << l.gof_params
              << ", \"zero_iqr_parameters\": " << l.one_valued
              << ", \"gauss_sse\": " << num(l.gauss_sse) << ", \"sas_sse\": " << num(l.sas_sse)
              << ", \"gauss_chi2\": " << num(l.gauss_chi2)
              << ", \"sas_chi2\": " << num(l.sas_chi2)
              << ", \"sas_better_sse\": " << l.sas_better_sse
              << ", \"sas_better_chi2\": " << l.sas_better_chi2
              << ", \"mean_fitted_alpha\": " << num(l.fitted_alpha) << "}";
        if (per_parameter) {
            o << ",\n     \"alpha\": ";
            json_per_parameter(o, l, l.alpha);
            if (!l.alpha_low.empty()) {
                o << ",\n     \"alpha_low\": ";
                json_per_parameter(o, l, l.alpha_low);
                o << ",\n     \"alpha_high\": ";
                json_per_parameter(o, l, l.alpha_high);
            }
        }
        o << "}";
    }
    o << "]}";
}

inline void write_json(std::ostream &o, const result &r, const config &c) {
    o << "{\"config\": {\"hidden\": [";
    for (std::size_t i = 0; i < c.hidden.size(); ++i)
        o << (i ? ", " : "") << c.hidden[i];
    o << "], \"activation\": \"" << (c.act == levysgd::activation::relu ? "relu" : "tanh")
      << "\", \"batch\": " << c.batch << ", \"lr\": " << num(c.lr)
      << ", \"epochs\": " << c.epochs() << ", \"noise_batches\": " << c.noise_batches
      << ", \"bootstrap_reps\": " << c.bootstrap_reps << ", \"gof_params\": " << c.gof_params
      << ", \"gof_bins\": " << c.gof_bins << ", \"seed\": " << c.seed
      << ", \"exported_layer\": " << r.exported_layer << "},\n";
    o << "\"train_accuracy\": " << num(r.train_accuracy)
      << ", \"test_accuracy\": " << num(r.test_accuracy) << ",\n\"checkpoints\": [";
    for (std::size_t i = 0; i < r.checkpoints.size(); ++i) {
        const auto &cp = r.checkpoints[i];
        o << (i ? ",\n" : "\n") << "  {\"epoch\": " << cp.epoch
          << ", \"train_loss\": " << num(cp.train_loss)
          << ", \"train_accuracy\": " << num(cp.train_accuracy)
          << ", \"test_accuracy\": " << num(cp.test_accuracy) << ", \"noise\": ";
        json_measurement(o, cp.m, true);
        o << "}";
    }
    o << "],\n";
    auto sweep = [&](const char *name, const std::vector<sweep_point> &v) {
        o << "\"" << name << "\": [";
        for (std::size_t i = 0; i < v.size(); ++i) {
            o << (i ? ",\n" : "\n") << "  {\"value\": " << num(v[i].value)
              << ", \"train_accuracy\": " << num(v[i].train_accuracy)
              << ", \"test_accuracy\": " << num(v[i].test_accuracy) << ", \"noise\": ";
            json_measurement(o, v[i].m, false);
            o << "}";
        }
        o << "],\n";
    };
    sweep("batch_fixed_weights", r.batch_fixed);
    sweep("batch_trained", r.batch_sweep);
    sweep("width", r.width_sweep);
    sweep("depth", r.depth_sweep);
    auto cmp = [&](const levysgd::hessian_comparison &h) {
        o << "{\"slope\": " << num(h.slope) << ", \"pearson\": " << num(h.pearson)
          << ", \"h_over_b\": [";
        for (Eigen::Index i = 0; i < h.h_over_b.size(); ++i)
            o << (i ? ", " : "") << num(h.h_over_b[i]);
        o << "], \"c_diag\": [";
        for (Eigen::Index i = 0; i < h.c_diag.size(); ++i)
            o << (i ? ", " : "") << num(h.c_diag[i]);
        o << "]}";
    };
    o << "\"covariance\": {\"layer\": \"output\", \"batch\": " << r.covariance.batch
      << ", \"parameters\": " << r.covariance.parameters << ",\n  \"at_init\": ";
    cmp(r.covariance.at_init);
    o << ",\n  \"trained\": ";
    cmp(r.covariance.trained);
    o << "},\n\"seconds\": {";
    for (std::size_t i = 0; i < r.seconds.size(); ++i)
        o << (i ? ", " : "") << "\"" << r.seconds[i].first << "\": " << num(r.seconds[i].second);
    o << "}}\n";
}

/// A float64 C-order .npy file (format 1.0) holding m.
inline void write_npy(const std::string &path, const Eigen::MatrixXd &m) {
    std::ofstream f(path, std::ios::binary);
    if (!f)
        throw std::runtime_error("cannot write " + path);
    std::string h = "{'descr': '<f8', 'fortran_order': False, 'shape': (" +
                    std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + "), }";
    while ((10 + h.size() + 1) % 64 != 0)
        h += ' ';
    h += '\n';
    const unsigned short len = static_cast<unsigned short>(h.size());
    f.write("\x93NUMPY\x01\x00", 8);
    const char lb[2] = {char(len & 0xff), char(len >> 8)};
    f.write(lb, 2);
    f << h;
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm = m;
    f.write(reinterpret_cast<const char *>(rm.data()), std::streamsize(rm.size() * 8));
    if (!f)
        throw std::runtime_error("cannot write " + path);
}

/// The data behind docs/images/real_gradient_noise.png, one row per value
/// (kind, series, x, value, low, high): alpha histograms per layer, the
/// sweeps, the fit table and the covariance comparison.
inline void write_csv(std::ostream &o, const result &r) {
    o << "kind,series,x,value,low,high\n";
    auto row = [&](const std::string &k, const std::string &s, double x, double v, double lo,
                   double hi) {
        o << k << ',' << s << ',' << num(x) << ',' << num(v) << ',' << num(lo) << ','
          << num(hi) << '\n';
    };
    // per-layer alpha histograms at each checkpoint: bins of 0.05 on [0, 3];
    // inf and >= 3 counted in the last bin
    for (const auto &cp : r.checkpoints)
        for (const auto &l : cp.m.layers) {
            std::vector<int> h(60, 0);
            for (double a : l.alpha)
                ++h[std::size_t(std::clamp(std::isfinite(a) ? a / 0.05 : 59.0, 0.0, 59.0))];
            const std::string s = "epoch" + std::to_string(cp.epoch) + ":" + l.name;
            for (std::size_t i = 0; i < h.size(); ++i)
                if (h[i])
                    row("alpha_hist", s, 0.05 * double(i) + 0.025, h[i], 0, 0);
            row("layer_median", s, double(cp.epoch), l.s.median, l.s.low, l.s.high);
            row("layer_quartiles", s, double(cp.epoch), l.s.median, l.s.q25, l.s.q75);
            row("layer_pooled", s, double(cp.epoch), l.pooled.alpha, 0, 0);
            if (l.gof_params) {
                row("fit_sse", s, double(l.gof_params), l.gauss_sse, l.sas_sse, 0);
                row("fit_chi2", s, double(l.gof_params), l.gauss_chi2, l.sas_chi2, 0);
            }
        }
    for (const auto &cp : r.checkpoints) {
        const std::string s = "epoch" + std::to_string(cp.epoch);
        row("checkpoint_pooled", s, double(cp.epoch), cp.m.pooled.alpha, 0, 0);
        row("checkpoint_multivariate", s, double(cp.epoch), cp.m.multivariate.alpha, 0, 0);
        row("checkpoint_accuracy", s, double(cp.epoch), cp.train_accuracy, cp.test_accuracy, 0);
    }
    auto sweep = [&](const std::vector<sweep_point> &v) {
        for (const auto &p : v) {
            row(p.kind, "median", p.value, p.m.s.median, p.m.s.low, p.m.s.high);
            row(p.kind, "quartiles", p.value, p.m.s.median, p.m.s.q25, p.m.s.q75);
            row(p.kind, "pooled", p.value, p.m.pooled.alpha, 0, 0);
            row(p.kind, "multivariate", p.value, p.m.multivariate.alpha, 0, 0);
            row(p.kind, "accuracy", p.value, p.train_accuracy, p.test_accuracy, 0);
        }
    };
    sweep(r.batch_fixed);
    sweep(r.batch_sweep);
    sweep(r.width_sweep);
    sweep(r.depth_sweep);
    auto cov = [&](const std::string &s, const levysgd::hessian_comparison &h) {
        row("covariance_fit", s, double(r.covariance.batch), h.slope, h.pearson, 0);
        for (Eigen::Index i = 0; i < h.h_over_b.size(); ++i)
            row("covariance", s, h.h_over_b[i], h.c_diag[i], 0, 0);
    };
    cov("at_init", r.covariance.at_init);
    cov("trained", r.covariance.trained);
}

} // namespace rgn
