// Gradient noise of a real network on real data (docs/real-networks.md):
// an MLP (levysgd::mlp, ReLU, hidden 64-64) trained with levysgd::sgd on the
// handwritten digits (1797 8x8 images, UCI via scikit-learn; the first 1497
// train, the last 300 test), and the central measurements of
// Simsekli et al. 2019, Battash & Lindenbaum 2023 and Xie et al. 2021 on its
// gradient noise; the pipeline is examples/real_gradient_noise.hpp.
//
//   build/release/examples/real_gradient_noise [--reduced] [--seed S] [--data PATH]
//       [--json PATH] [--csv PATH] [--export-layer PATH] [--layer L]
//
// --json   every number (per-parameter alpha with intervals, fits, sweeps, covariance)
// --csv    the data behind docs/images/real_gradient_noise.png (make_figures.py)
// --export-layer  the noise matrix U (minibatches x parameters) of layer L
//          (default: the output layer) at the last checkpoint, as float64 .npy,
//          for examples/real_gradient_noise_check.py
// --reduced  the size of the test suite and of the figure script
#include "real_gradient_noise.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#ifndef LEVYSGD_EXAMPLES_DATA_DIR
#define LEVYSGD_EXAMPLES_DATA_DIR "examples/data"
#endif

int main(int argc, char **argv) try {
    rgn::config c;
    std::string data = std::string(LEVYSGD_EXAMPLES_DATA_DIR) + "/digits.csv";
    std::string json, csv, npy;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has = i + 1 < argc;
        if (a == "--reduced") {
            const auto seed = c.seed;
            c = rgn::config::reduced();
            c.seed = seed;
        } else if (a == "--seed" && has) {
            c.seed = std::stoull(argv[++i]);
        } else if (a == "--data" && has) {
            data = argv[++i];
        } else if (a == "--json" && has) {
            json = argv[++i];
        } else if (a == "--csv" && has) {
            csv = argv[++i];
        } else if (a == "--export-layer" && has) {
            npy = argv[++i];
        } else if (a == "--layer" && has) {
            c.export_layer = std::stoi(argv[++i]);
        } else {
            std::fprintf(stderr,
                         "usage: %s [--reduced] [--seed S] [--data PATH] [--json PATH] "
                         "[--csv PATH] [--export-layer PATH] [--layer L]\n",
                         argv[0]);
            return 2;
        }
    }
    if (c.export_layer >= int(c.hidden.size()) + 1)
        throw std::runtime_error("--layer must be < " + std::to_string(c.hidden.size() + 1));

    const rgn::data_set all = rgn::read_digits_csv(data);
    const Eigen::Index n_train = all.x.rows() * 5 / 6; // 1497 of 1797
    const rgn::data_set train{all.x.topRows(n_train),
                              std::vector<int>(all.y.begin(), all.y.begin() + n_train)};
    const rgn::data_set test{all.x.bottomRows(all.x.rows() - n_train),
                             std::vector<int>(all.y.begin() + n_train, all.y.end())};
    std::printf("digits: %td train, %td test images; MLP 64", train.x.rows(), test.x.rows());
    for (auto h : c.hidden)
        std::printf("-%td", h);
    std::printf("-10 (ReLU), SGD B = %zu, lr %g, %zu epochs, K = %zu minibatches per "
                "measurement, seed %llu\n",
                c.batch, c.lr, c.epochs(), c.noise_batches, (unsigned long long)c.seed);

    const auto r = rgn::run(train, test, c, &std::cout);

    std::printf("\nper-layer alpha at each checkpoint (median [95%% CI] of the per-parameter "
                "alpha; quartiles; pooled)\n");
    for (const auto &cp : r.checkpoints)
        for (const auto &l : cp.m.layers)
            std::printf("  epoch %3zu %-8s %5td params (%4td no noise): median %.3f [%.3f, %.3f], "
                        "IQR %.3f-%.3f, pooled %.3f\n",
                        cp.epoch, l.name.c_str(), l.parameters, l.dead, l.s.median, l.s.low,
                        l.s.high, l.s.q25, l.s.q75, l.pooled.alpha);
    std::printf("\nSaS vs Gaussian fit (Battash & Lindenbaum 2023 Table 1), mean over the fitted "
                "parameters of each layer, last checkpoint\n");
    std::printf("  %-8s %6s %12s %12s %12s %12s %8s\n", "layer", "params", "Gauss-SSE",
                "SaS-SSE", "Gauss-Chi2", "SaS-Chi2", "SaS a");
    for (const auto &l : r.checkpoints.back().m.layers)
        std::printf("  %-8s %6zu %12.4g %12.4g %12.4g %12.4g %8.3f\n", l.name.c_str(),
                    l.gof_params, l.gauss_sse, l.sas_sse, l.gauss_chi2, l.sas_chi2,
                    l.fitted_alpha);
    auto sweep = [](const char *what, const std::vector<rgn::sweep_point> &v) {
        std::printf("\nalpha against %s (median per-parameter alpha [95%% CI], pooled, "
                    "multivariate; train/test accuracy)\n",
                    what);
        for (const auto &p : v)
            std::printf("  %6g: %.3f [%.3f, %.3f], pooled %.3f, multivariate %.3f; %.3f / %.3f\n",
                        p.value, p.m.s.median, p.m.s.low, p.m.s.high, p.m.pooled.alpha,
                        p.m.multivariate.alpha, p.train_accuracy, p.test_accuracy);
    };
    sweep("batch size, at the trained weights", r.batch_fixed);
    sweep("batch size, trained at that size", r.batch_sweep);
    sweep("width", r.width_sweep);
    sweep("depth", r.depth_sweep);
    std::printf("\nnoise covariance against H/B, output layer (%td parameters, B = %zu; Xie et "
                "al. 2021 eq. 7): slope %.3f, Pearson %.3f at initialisation; slope %.3f, "
                "Pearson %.3f trained\n",
                r.covariance.parameters, r.covariance.batch, r.covariance.at_init.slope,
                r.covariance.at_init.pearson, r.covariance.trained.slope,
                r.covariance.trained.pearson);
    double total = 0;
    for (const auto &[what, s] : r.seconds)
        total += s;
    std::printf("time: %.1f s\n", total);

    if (!json.empty()) {
        std::ofstream f(json);
        rgn::write_json(f, r, c);
        if (!f)
            throw std::runtime_error("cannot write " + json);
    }
    if (!csv.empty()) {
        std::ofstream f(csv);
        rgn::write_csv(f, r);
        if (!f)
            throw std::runtime_error("cannot write " + csv);
    }
    if (!npy.empty())
        rgn::write_npy(npy, r.exported);
    return 0;
} catch (const std::exception &e) {
    std::fprintf(stderr, "real_gradient_noise: %s\n", e.what());
    return 1;
}
