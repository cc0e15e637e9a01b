// levysgd's pdf, cdf and quantile against Nolan's STABLE tables (external
// reference, S0, shared/testdata/nolan/README.md), scored the way the
// levy-stable-benchmarks project ranks libraries: the percentage of entries
// matched within absolute tolerances 1e-2 ... 1e-6. scipy's percentages on the
// same entries (tests/scripts/nolan_scipy.py, committed as
// tests/data/nolan_scipy_summary.csv) are printed alongside.
//
// The tables are not exact, so the floors sit just under what levysgd reaches.
// Every kind of entry levysgd misses at 1e-6 was evaluated with the independent
// mpmath Fourier inversion of tests/scripts/stable_reference.py
// (nolan_scipy.py --check), and levysgd agreed with it to <= 1e-15 absolute
// (pdf: <= 3e-10 relative) every time; the table was wrong:
//  - cdf, alpha <= 0.4 near the mode (alpha 0.1, beta 0: a peak 1.2e6 high)
//    and alpha 0.2, 0.3 with beta = 1 next to the support edge, off by up to
//    0.11 in probability: the 1998 table's x are mostly linear in p there;
//  - cdf, alpha = 1, beta != 0 beyond the 99% quantile (up to 3e-4), as the
//    README warns; the quantile misses are the same entries;
//  - cdf, single entries at alpha 0.6 and 0.8, off by 1e-6 and 1.6e-6;
//  - pdf: 4 entries off by 1e-6 ... 2.8e-6 (alpha 0.6, 1.4, 1.5; the density
//    2e4 at alpha 0.1, beta 1), and alpha 0.2, beta 1 at x 1e-6 inside the
//    support edge (table 0.0334, true 0.00891).
//
// Set LEVYSGD_NOLAN_DUMP=file to write every entry that misses 1e-6.
#include <levysgd/levysgd.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "levysgd_catch.hpp"

#if !defined(LEVYSGD_NOLAN_DIR)
#define LEVYSGD_NOLAN_DIR "../shared/testdata/nolan"
#endif
#if !defined(LEVYSGD_TEST_DATA_DIR)
#define LEVYSGD_TEST_DATA_DIR "tests/data"
#endif

namespace {

constexpr std::array<double, 5> tols{1e-2, 1e-3, 1e-4, 1e-5, 1e-6};

// One (alpha, beta) law of the tables with its 171 points: p, x (CDF(x) = p)
// and the density at x.
struct nolan_block {
    double alpha = 0, beta = 0;
    std::vector<double> p, x, f;
};

std::string nolan_dir() {
    const char *e = std::getenv("LEVYSGD_NOLAN_DIR");
    return e && *e ? e : LEVYSGD_NOLAN_DIR;
}

// Whitespace-separated numbers of a line (CR counts as space; Fortran's
// "0.3E-004" is fine for strtod); empty if any token is not a number.
std::vector<double> numbers(const std::string &line) {
    std::vector<double> v;
    std::string s = line;
    std::replace(s.begin(), s.end(), '\r', ' ');
    std::istringstream is(s);
    std::string tok;
    while (is >> tok) {
        char *end = nullptr;
        const double d = std::strtod(tok.c_str(), &end);
        if (end == tok.c_str() || *end != '\0')
            return {};
        v.push_back(d);
    }
    return v;
}

// nolan_cdf_quantile.dat: per alpha a line "alpha= a", then rows
// "p x(beta=0.0) ... x(beta=1.0)".
std::vector<nolan_block> read_cdf_table(const std::string &path) {
    std::ifstream in(path);
    std::vector<nolan_block> out;
    std::string line;
    std::size_t first = 0;
    bool have_alpha = false;
    while (std::getline(in, line)) {
        if (const auto k = line.find("alpha="); k != std::string::npos) {
            const double a = std::strtod(line.c_str() + k + 6, nullptr);
            first = out.size();
            for (int j = 0; j <= 10; ++j)
                out.push_back({a, j / 10.0, {}, {}, {}});
            have_alpha = true;
            continue;
        }
        const auto v = numbers(line);
        if (!have_alpha || v.size() != 12 || !(v[0] > 0 && v[0] < 1))
            continue;
        for (int j = 0; j <= 10; ++j) {
            out[first + std::size_t(j)].p.push_back(v[0]);
            out[first + std::size_t(j)].x.push_back(v[std::size_t(j) + 1]);
        }
    }
    return out;
}

// nolan_pdf_quantile.dat: blocks "alpha", "x beta", alpha, beta, "x density",
// one point each, in the order of the cdf table. Fills f of the matching
// block, checking that the x agree.
std::size_t read_pdf_table(const std::string &path, std::vector<nolan_block> &blocks) {
    std::ifstream in(path);
    std::map<std::pair<long, long>, std::size_t> index, filled;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        index[{std::lround(blocks[i].alpha * 100), std::lround(blocks[i].beta * 100)}] = i;
        blocks[i].f.assign(blocks[i].x.size(), std::nan(""));
    }
    std::string line;
    std::vector<double> nums;
    bool in_block = false;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        if (line.rfind("alpha", 0) == 0) {
            nums.clear();
            in_block = true;
            continue;
        }
        const auto v = numbers(line);
        if (!in_block || v.empty())
            continue;
        nums.insert(nums.end(), v.begin(), v.end());
        if (nums.size() < 4)
            continue;
        in_block = false;
        const auto it = index.find({std::lround(nums[0] * 100), std::lround(nums[1] * 100)});
        if (it == index.end())
            continue;
        nolan_block &b = blocks[it->second];
        std::size_t &k = filled[it->first];
        if (k < b.x.size() &&
            std::fabs(b.x[k] - nums[2]) <= 1e-6 * std::max(1.0, std::fabs(nums[2]))) {
            b.f[k] = nums[3];
            ++n;
        }
        ++k;
    }
    return n;
}

// Entries within each tolerance.
struct score {
    std::size_t n = 0;
    std::array<std::size_t, tols.size()> hit{};
    void add(double err) {
        ++n;
        for (std::size_t k = 0; k < tols.size(); ++k)
            hit[k] += std::isfinite(err) && err <= tols[k];
    }
    double pct(std::size_t k) const { return n ? 100.0 * double(hit[k]) / double(n) : 0.0; }
};

// scipy's counts: quantity -> alpha label ("all" for the total) -> score.
std::map<std::string, std::map<std::string, score>> read_scipy_summary() {
    std::map<std::string, std::map<std::string, score>> out;
    std::ifstream in(std::string(LEVYSGD_TEST_DATA_DIR) + "/nolan_scipy_summary.csv");
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#' || line.rfind("quantity", 0) == 0)
            continue;
        std::vector<std::string> f;
        std::istringstream is(line);
        for (std::string t; std::getline(is, t, ',');)
            f.push_back(t);
        if (f.size() != 3 + tols.size())
            continue;
        score s;
        s.n = std::stoul(f[2]);
        for (std::size_t k = 0; k < tols.size(); ++k)
            s.hit[k] = std::stoul(f[3 + k]);
        out[f[0]][f[1]] = s;
    }
    return out;
}

std::string alpha_label(double a) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", a);
    return buf;
}

struct miss {
    std::string what;
    double alpha, beta, p, x, table, ours;
};

// Probabilities at which the quantile is also scored (a quantile costs some
// tens of cdf evaluations; the whole table would take minutes).
bool quantile_p(double p) {
    for (double q : {1e-4, 1e-3, 1e-2, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999})
        if (std::fabs(p - q) < 1e-9)
            return true;
    return false;
}

struct nolan_scores {
    std::map<std::string, score> cdf, pdf, quantile; // per alpha label and "all"
    std::vector<miss> misses;                        // |error| > 1e-6 (pdf, cdf)
    double mirror_err = 0; // max |F(x; a, b) - ccdf(-x; a, -b)|, same for pdf
    std::size_t mirror_n = 0;
};

// Double precision (float results are the double ones rounded once: see
// stable/density.hpp), span API, one law per block.
nolan_scores evaluate(const std::vector<nolan_block> &blocks) {
    using levysgd::parameterization;
    nolan_scores r;
    for (const nolan_block &b : blocks) {
        const std::size_t n = b.x.size();
        const levysgd::stable_distribution<double> d(b.alpha, b.beta, 1, 0, parameterization::S0);
        const levysgd::stable_distribution<double> m(b.alpha, -b.beta, 1, 0, parameterization::S0);
        std::vector<double> cdf(n), pdf(n), qp, qx;
        levysgd::cdf(d, std::span<const double>(b.x), std::span<double>(cdf));
        levysgd::pdf(d, std::span<const double>(b.x), std::span<double>(pdf));
        for (std::size_t i = 0; i < n; ++i)
            if (quantile_p(b.p[i])) {
                qp.push_back(b.p[i]);
                qx.push_back(b.x[i]);
            }
        std::vector<double> q(qp.size());
        levysgd::quantile(d, std::span<const double>(qp), std::span<double>(q));
        const std::string al = alpha_label(b.alpha);
        for (std::size_t i = 0; i < n; ++i) {
            const double ec = std::fabs(cdf[i] - b.p[i]);
            const double ef = std::fabs(pdf[i] - b.f[i]);
            for (auto *s : {&r.cdf[al], &r.cdf["all"]})
                s->add(ec);
            for (auto *s : {&r.pdf[al], &r.pdf["all"]})
                s->add(ef);
            if (!(ec <= 1e-6))
                r.misses.push_back({"cdf", b.alpha, b.beta, b.p[i], b.x[i], b.p[i], cdf[i]});
            if (!(ef <= 1e-6))
                r.misses.push_back({"pdf", b.alpha, b.beta, b.p[i], b.x[i], b.f[i], pdf[i]});
            if (i % 5 == 0) { // beta < 0 by reflection, on a fifth of the entries
                const double mc = levysgd::ccdf(m, -b.x[i]), mf = levysgd::pdf(m, -b.x[i]);
                const double me = std::max(std::fabs(cdf[i] - mc), std::fabs(pdf[i] - mf));
                r.mirror_err = std::max(r.mirror_err, std::isnan(me) ? INFINITY : me);
                ++r.mirror_n;
            }
        }
        for (std::size_t i = 0; i < q.size(); ++i) {
            // x spans 1e-1 ... 1e50: the quantile is scored relative to max(1, |x|).
            const double eq = std::fabs(q[i] - qx[i]) / std::max(1.0, std::fabs(qx[i]));
            for (auto *s : {&r.quantile[al], &r.quantile["all"]})
                s->add(eq);
        }
    }
    return r;
}

std::string pct(const score *s, std::size_t k) {
    if (!s || s->n == 0)
        return "   n/a";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%6.2f", s->pct(k));
    return buf;
}

// Both tables, checked for completeness (22 alphas x 11 betas x 171 p, the
// same x in both files). The tables are committed (tests/data/nolan), so a
// missing file is a failure.
std::vector<nolan_block> load_tables() {
    const std::string dir = nolan_dir();
    auto blocks = read_cdf_table(dir + "/nolan_cdf_quantile.dat");
    INFO("Nolan's tables read from " << dir << " (LEVYSGD_NOLAN_DIR overrides)");
    REQUIRE(!blocks.empty());
    std::size_t n_cdf = 0;
    for (const auto &b : blocks)
        n_cdf += b.x.size();
    const std::size_t n_pdf = read_pdf_table(dir + "/nolan_pdf_quantile.dat", blocks);
    REQUIRE(blocks.size() == 22 * 11);
    REQUIRE(n_cdf == 22 * 11 * 171);
    REQUIRE(n_pdf == n_cdf);
    return blocks;
}

} // namespace

TEST_CASE("Nolan's STABLE tables: parsing, and every 10th entry", "[stable][nolan]") {
    auto blocks = load_tables();
    // Spot values of both files (first and last law, p = 1e-5 and 0.5).
    CHECK(blocks.front().alpha == 2.0);
    CHECK(blocks.front().x.front() == -6.0314664);
    CHECK(blocks.front().f.front() == Approx(0.316694248890063e-4).epsilon(1e-14));
    CHECK(blocks.back().alpha == 0.1);
    CHECK(blocks.back().beta == 1.0);
    CHECK(blocks.back().x.front() == -0.15838418);
    CHECK(blocks.back().p[85] == Approx(0.5).margin(1e-12));
    // Every 30th in the sanitizer build.
    const std::size_t stride = levysgd_test::sanitized ? 30 : 10;
    for (auto &b : blocks) {
        nolan_block s{b.alpha, b.beta, {}, {}, {}};
        for (std::size_t i = 0; i < b.x.size(); i += stride) {
            s.p.push_back(b.p[i]);
            s.x.push_back(b.x[i]);
            s.f.push_back(b.f[i]);
        }
        b = std::move(s);
    }
    const auto r = evaluate(blocks);
    INFO("cdf " << r.cdf.at("all").pct(2) << " % within 1e-4, pdf " << r.pdf.at("all").pct(3)
                << " % within 1e-5, of " << r.cdf.at("all").n);
    CHECK(r.cdf.at("all").pct(2) >= 98.5);
    CHECK(r.pdf.at("all").pct(3) >= 99.9);
    CHECK(r.mirror_err <= 1e-12);
}

// The full tables (~10 s in a release build): the percentage table.
TEST_CASE("Nolan's STABLE tables: levysgd and scipy within absolute tolerances",
          "[stable][nolan][slow]") {
    auto blocks = load_tables();
    std::size_t n_cdf = 0;
    for (const auto &b : blocks)
        n_cdf += b.x.size();
    const auto dbl = evaluate(blocks);
    const auto scipy = read_scipy_summary();
    auto find = [&](const char *q, const std::string &a) -> const score * {
        const auto i = scipy.find(q);
        if (i == scipy.end())
            return nullptr;
        const auto j = i->second.find(a);
        return j == i->second.end() ? nullptr : &j->second;
    };

    std::ostringstream os;
    os << "Nolan's STABLE tables, " << n_cdf
       << " entries each, % within the absolute tolerance\n"
          "(cdf: |cdf(x_table) - p|; pdf: |pdf(x_table) - f_table|; quantile: "
          "|quantile(p) - x_table| / max(1, |x_table|))\n"
          "  tol    | cdf levysgd  scipy | pdf levysgd  scipy | quantile levysgd\n";
    for (std::size_t k = 0; k < tols.size(); ++k) {
        char t[16];
        std::snprintf(t, sizeof t, "%-6g", tols[k]);
        os << "  " << t << " |      " << pct(&dbl.cdf.at("all"), k) << " "
           << pct(find("cdf", "all"), k) << " |      " << pct(&dbl.pdf.at("all"), k) << " "
           << pct(find("pdf", "all"), k) << " |           " << pct(&dbl.quantile.at("all"), k)
           << "\n";
    }
    os << "quantile: " << dbl.quantile.at("all").n << " entries (13 p per law)\n"
       << "per alpha at 1e-6:\n  alpha | cdf levysgd  scipy | pdf levysgd  scipy | "
          "quantile\n";
    std::vector<std::string> labels;
    for (const auto &[a, s] : dbl.cdf)
        if (a != "all")
            labels.push_back(a);
    std::sort(labels.begin(), labels.end(), [](const std::string &u, const std::string &v) {
        return std::stod(u) > std::stod(v);
    });
    const std::size_t k6 = tols.size() - 1;
    for (const auto &a : labels)
        os << "  " << a << "  |      " << pct(&dbl.cdf.at(a), k6) << " " << pct(find("cdf", a), k6)
           << " |      " << pct(&dbl.pdf.at(a), k6) << " " << pct(find("pdf", a), k6) << " |   "
           << pct(&dbl.quantile.at(a), k6) << "\n";
    os << "largest |levysgd - table|:\n";
    auto worst = dbl.misses;
    std::sort(worst.begin(), worst.end(), [](const miss &u, const miss &v) {
        return std::fabs(u.ours - u.table) > std::fabs(v.ours - v.table);
    });
    for (std::size_t i = 0; i < std::min<std::size_t>(12, worst.size()); ++i) {
        const miss &m = worst[i];
        os << "  " << m.what << " alpha " << m.alpha << " beta " << m.beta << " p " << m.p << " x "
           << std::setprecision(10) << m.x << ": table " << m.table << ", levysgd " << m.ours
           << std::setprecision(6) << "\n";
    }
    std::cout << os.str() << std::flush;
    if (const char *dump = std::getenv("LEVYSGD_NOLAN_DUMP"); dump && *dump) {
        std::ofstream out(dump);
        out << "quantity,alpha,beta,p,x,table,levysgd\n" << std::setprecision(17);
        for (const miss &m : dbl.misses)
            out << m.what << ',' << m.alpha << ',' << m.beta << ',' << m.p << ',' << m.x << ','
                << m.table << ',' << m.ours << '\n';
    }

    // Floors: what levysgd reached when this test was written (cdf 99.43 / 99.15
    // / 98.96 / 98.81 / 98.67 %, pdf 100 / 100 / 100 / 100 / 99.99 %, quantile
    // 99.94 / 99.24 / 98.66 / 98.44 / 98.38 % at 1e-2 ... 1e-6), less a margin.
    // Every kind of miss was checked at high precision and is the table's error
    // (see the header): levysgd must stay at least as close as scipy too.
    const score &c = dbl.cdf.at("all"), &f = dbl.pdf.at("all"), &q = dbl.quantile.at("all");
    CHECK(c.pct(0) >= 99.3);
    CHECK(c.pct(2) >= 98.8);
    CHECK(c.pct(4) >= 98.5);
    CHECK(f.pct(2) >= 99.99);
    CHECK(f.pct(4) >= 99.95);
    CHECK(q.pct(0) >= 99.8);
    CHECK(q.pct(4) >= 98.2);
    for (const char *name : {"cdf", "pdf"})
        if (const score *s = find(name, "all"))
            for (std::size_t k = 0; k < tols.size(); ++k) {
                const score &ours = std::string(name) == "cdf" ? c : f;
                INFO(name << " at tolerance " << tols[k]);
                CHECK(ours.hit[k] >= s->hit[k]);
            }
    // beta < 0 by reflection: F(x; a, b) = 1 - F(-x; a, -b), f(x; a, b) = f(-x; a, -b).
    INFO("reflection checked at " << dbl.mirror_n << " entries");
    CHECK(dbl.mirror_err <= 1e-12);
}
