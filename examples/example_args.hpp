#pragma once
// The command line of the examples behind docs/images/make_figures.py:
//
//   program [count] [seed] [--csv PATH]
//   program --simd-arch        prints the SIMD instruction set of this build
//
// count is the example's size (paths, draws or repetitions) and seed its
// Philox key. With --csv the example also writes its table as CSV: to
// PATH.tmp first, renamed to PATH by finish(), so a run that fails or is
// interrupted never leaves a half-written table where a table was.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include <xsimd/xsimd.hpp>

class example_args {
  public:
    std::size_t count;
    std::uint64_t seed;

    example_args(const char *program, int argc, char **argv, std::size_t default_count,
                 std::uint64_t default_seed)
        : count(default_count), seed(default_seed), program_(program) {
        std::vector<std::string> pos;
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            if (a == "--csv" && i + 1 < argc) {
                path_ = argv[++i];
            } else if (a == "--simd-arch") { // what the committed figure data were made with
                std::printf("%s\n", xsimd::default_arch::name());
                std::exit(0);
            }
            else {
                pos.push_back(a);
            }
        }
        if (pos.size() > 2)
            fail("usage: " + program_ + " [count] [seed] [--csv PATH]");
        if (pos.size() > 0)
            count = number("count", pos[0]);
        if (pos.size() > 1)
            seed = number("seed", pos[1]);
        if (count == 0)
            fail(program_ + ": count must be >= 1, got 0");
    }
    example_args(const example_args &) = delete;
    example_args &operator=(const example_args &) = delete;
    ~example_args() {
        if (csv_) { // not finished: drop the partial table
            std::fclose(csv_);
            std::remove(tmp().c_str());
        }
    }

    /// Opens PATH.tmp and writes the header line; nullptr without --csv.
    /// Exits with a message when the file cannot be written.
    std::FILE *open_csv(const char *header) {
        if (path_.empty())
            return nullptr;
        csv_ = std::fopen(tmp().c_str(), "w");
        if (!csv_)
            fail(program_ + ": cannot write " + tmp());
        std::fprintf(csv_, "%s\n", header);
        return csv_;
    }
    /// Closes the table and renames it to PATH; exits with a message on error.
    void finish() {
        if (!csv_)
            return;
        const bool ok = std::ferror(csv_) == 0;
        const bool closed = std::fclose(csv_) == 0;
        csv_ = nullptr;
        if (!ok || !closed || std::rename(tmp().c_str(), path_.c_str()) != 0) {
            std::remove(tmp().c_str());
            fail(program_ + ": writing " + path_ + " failed");
        }
    }

  private:
    std::string program_, path_;
    std::FILE *csv_ = nullptr;

    std::string tmp() const { return path_ + ".tmp"; }
    [[noreturn]] static void fail(const std::string &msg) {
        std::fprintf(stderr, "%s\n", msg.c_str());
        std::exit(2);
    }
    std::uint64_t number(const char *what, const std::string &s) const {
        std::size_t used = 0;
        unsigned long long v = 0;
        try {
            v = std::stoull(s, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used != s.size() || s.empty() || s[0] == '-')
            fail(program_ + ": " + what + " must be a non-negative integer, got '" + s + "'");
        return v;
    }
};
