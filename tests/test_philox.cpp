// Philox4x32-10: known answers, Random123 agreement, engine semantics and
// SIMD == scalar bits.
#include <levysgd/random/philox.hpp>
#include <levysgd/random/philox_simd.hpp>
#include <levysgd/random/transforms.hpp>

#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

#include "levysgd_catch.hpp"

#if defined(LEVYSGD_HAVE_RANDOM123)
#include <Random123/philox.h>
// Random123's C API defines a function-like macro with our engine's name.
#undef philox4x32
#endif

using levysgd::philox4x32;
using levysgd::philox_block;

static_assert(std::uniform_random_bit_generator<philox4x32>);
static_assert(!std::uniform_random_bit_generator<int>);
static_assert(philox4x32::min() == 0 && philox4x32::max() == 0xFFFFFFFFu);

TEST_CASE("philox4x32_10 matches Random123's published known-answer vectors", "[philox]") {
    // Random123 1.14, examples/kat_vectors, philox4x32 10 rounds.
    struct kat {
        philox_block ctr;
        levysgd::philox_key key;
        philox_block expect;
    };
    const kat kats[] = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
         {0xffffffff, 0xffffffff},
         {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
         {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };
    for (const auto &k : kats)
        CHECK(levysgd::philox4x32_10(k.ctr, k.key) == k.expect);
    // constexpr evaluation gives the same bits
    constexpr auto c = levysgd::philox4x32_10({0, 0, 0, 0}, {0, 0});
    STATIC_REQUIRE(c[0] == 0x6627e8d5u);
}

#if defined(LEVYSGD_HAVE_RANDOM123)
TEST_CASE("philox4x32_10 agrees with Random123 on random counters and keys", "[philox]") {
    std::mt19937_64 g(12345);
    for (int i = 0; i < 20000; ++i) {
        const std::uint64_t a = g(), b = g(), c = g();
        r123::Philox4x32_R<10>::ctr_type ctr = {
            {std::uint32_t(a), std::uint32_t(a >> 32), std::uint32_t(b), std::uint32_t(b >> 32)}};
        r123::Philox4x32_R<10>::key_type key = {{std::uint32_t(c), std::uint32_t(c >> 32)}};
        const auto ref = r123::Philox4x32_R<10>()(ctr, key);
        const auto got = levysgd::philox4x32_10({ctr[0], ctr[1], ctr[2], ctr[3]}, {key[0], key[1]});
        for (int w = 0; w < 4; ++w)
            REQUIRE(got[w] == ref[w]);
    }
}
#endif

TEST_CASE("philox4x32 engine walks the blocks of (seed, stream) in order", "[philox]") {
    const std::uint64_t seed = 0x0123456789abcdefull, stream = 0xfedcba9876543210ull;
    philox4x32 eng(seed, stream);
    CHECK(eng.key() == seed);
    CHECK(eng.stream() == stream);
    for (std::uint64_t block = 0; block < 100; ++block) {
        const auto bits = levysgd::philox_bits(seed, stream, block);
        for (int w = 0; w < 4; ++w)
            REQUIRE(eng() == bits[w]);
    }
    CHECK(eng.position() == 400);
    // key = seed halves, counter = (block, stream halves)
    const auto direct =
        levysgd::philox4x32_10({7, 0, std::uint32_t(stream), std::uint32_t(stream >> 32)},
                               {std::uint32_t(seed), std::uint32_t(seed >> 32)});
    CHECK(levysgd::philox_bits(seed, stream, 7) == direct);
}

TEST_CASE("philox4x32 discard and set_position are exact skip-aheads", "[philox]") {
    philox4x32 a(42, 3), b(42, 3);
    std::vector<std::uint32_t> ref(10000);
    for (auto &x : ref)
        x = a();
    for (std::uint64_t skip : {0ull, 1ull, 2ull, 3ull, 4ull, 5ull, 77ull, 1000ull, 4095ull}) {
        philox4x32 c(42, 3);
        c.discard(skip);
        for (std::uint64_t i = skip; i < skip + 20; ++i)
            REQUIRE(c() == ref[i]);
    }
    // mid-block jumps backwards and forwards, using the cached block
    b.discard(5);
    CHECK(b() == ref[5]);
    b.set_position(6);
    CHECK(b() == ref[6]);
    b.set_position(1);
    CHECK(b() == ref[1]);
    b.set_position(9999);
    CHECK(b() == ref[9999]);
    CHECK(b.position() == 10000);
    // far jump: block 2^40 of the stream
    philox4x32 far(42, 3);
    far.discard(4ull << 40);
    CHECK(far() == levysgd::philox_bits(42, 3, 1ull << 40)[0]);
    // different streams and seeds differ
    CHECK(philox4x32(42, 3)() != philox4x32(42, 4)());
    CHECK(philox4x32(42, 3)() != philox4x32(43, 3)());
    CHECK(philox4x32(42, 3) == philox4x32(42, 3));
    CHECK_FALSE(a == philox4x32(42, 3));
}

TEST_CASE("philox4x32 works with <random> distributions", "[philox]") {
    philox4x32 eng(1, 2);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    double s = 0;
    for (int i = 0; i < 100000; ++i)
        s += u(eng);
    CHECK(s / 100000 == Approx(0.5).margin(0.005)); // 5.5 sigma
}

// The default arch and every x86 path this build can run: the wide-layout
// helpers have one intrinsic branch per ISA, and xsimd::avx (AVX without
// AVX2) takes their generic fallback. Repeats of the default are harmless.
using philox_archs = std::tuple<xsimd::default_arch
#if XSIMD_WITH_SSE2
                                ,
                                xsimd::sse2
#endif
#if XSIMD_WITH_AVX
                                ,
                                xsimd::avx
#endif
#if XSIMD_WITH_AVX2
                                ,
                                xsimd::avx2
#endif
                                >;

TEMPLATE_LIST_TEST_CASE("SIMD Philox produces the scalar bits in every lane", "[philox][simd]",
                        philox_archs) {
    using A = TestType;
    using B = levysgd::detail::u32_batch<A>;
    using W = levysgd::detail::u64_batch<A>;
    constexpr std::size_t n = B::size, h = W::size;
    // include first blocks whose lanes straddle the 2^32 carry into counter word 1
    // and reach the end of the 64-bit counter range (the last wraps past 2^64)
    const std::uint64_t firsts[] = {0,
                                    1,
                                    12345,
                                    (1ull << 32) - 3,
                                    (1ull << 32) - n / 2,
                                    (1ull << 40) + 17,
                                    ~0ull - 2 * n,
                                    ~0ull - (n - 1),
                                    ~0ull - 1};
    for (std::uint64_t first : firsts) {
        for (std::uint64_t stream : {0ull, 5ull, 0xffffffff00000001ull}) {
            const auto blk = levysgd::detail::philox4x32_10_batch<A>(99, stream, first);
            alignas(64) std::uint32_t w[4][n];
            blk.x0.store_aligned(w[0]);
            blk.x1.store_aligned(w[1]);
            blk.x2.store_aligned(w[2]);
            blk.x3.store_aligned(w[3]);
            const auto wide = levysgd::detail::philox_batch_stream<A>(99, stream).wide(first);
            for (std::size_t j = 0; j < n; ++j) {
                const auto ref = levysgd::philox_bits(99, stream, first + j);
                for (int k = 0; k < 4; ++k)
                    REQUIRE(w[k][j] == ref[k]);
                // wide layout: half j / h, lane j % h, low 32 bits
                alignas(64) std::uint64_t v[4][h];
                wide.x0[j / h].store_aligned(v[0]);
                wide.x1[j / h].store_aligned(v[1]);
                wide.x2[j / h].store_aligned(v[2]);
                wide.x3[j / h].store_aligned(v[3]);
                for (int k = 0; k < 4; ++k)
                    REQUIRE(static_cast<std::uint32_t>(v[k][j % h]) == ref[k]);
                // doubles straight from the wide words
                alignas(64) double u[2][h];
                levysgd::detail::uniform_double_wide<A>(wide.x0[j / h], wide.x1[j / h])
                    .store_aligned(u[0]);
                levysgd::detail::uniform_double_wide<A>(wide.x2[j / h], wide.x3[j / h])
                    .store_aligned(u[1]);
                REQUIRE(u[0][j % h] == levysgd::uniform_double(ref[0], ref[1]));
                REQUIRE(u[1][j % h] == levysgd::uniform_double(ref[2], ref[3]));
            }
        }
    }
}

TEMPLATE_LIST_TEST_CASE("wide-layout Philox helpers ignore the high halves of their lanes",
                        "[philox][simd]", philox_archs) {
    using A = TestType;
    using B = levysgd::detail::u32_batch<A>;
    using W = levysgd::detail::u64_batch<A>;
    constexpr std::size_t h = W::size;
    std::mt19937_64 g(7);
    for (int rep = 0; rep < 1000; ++rep) {
        alignas(64) std::uint64_t a[h], b[h], prod[h], high[h];
        alignas(64) std::uint32_t packed[2 * h];
        for (std::size_t j = 0; j < h; ++j) {
            a[j] = g(); // random high halves: must not matter
            b[j] = g();
        }
        a[0] = 0xdeadbeefffffffffull;
        const auto m = static_cast<std::uint32_t>(rep == 0 ? 0xffffffffu : g());
        const W va = W::load_aligned(a), vb = W::load_aligned(b);
        levysgd::detail::mul_low32<A>(va, m).store_aligned(prod);
        levysgd::detail::high_to_low<A>(va).store_aligned(high);
        levysgd::detail::pack_low_words<A>(va, vb).store_aligned(packed);
        for (std::size_t j = 0; j < h; ++j) {
            REQUIRE(prod[j] == (a[j] & 0xffffffffull) * m);
            REQUIRE(static_cast<std::uint32_t>(high[j]) == static_cast<std::uint32_t>(a[j] >> 32));
            REQUIRE(packed[j] == static_cast<std::uint32_t>(a[j]));
            REQUIRE(packed[h + j] == static_cast<std::uint32_t>(b[j]));
        }
        static_assert(B::size == 2 * h);
    }
}
