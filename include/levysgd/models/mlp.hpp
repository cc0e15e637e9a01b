#pragma once
// A multilayer perceptron with softmax cross-entropy on a data set it holds,
// written with Eigen: the GradientOracle of optim/steps.hpp (so sgd<Real>
// trains it), per-sample gradients as the rows of a matrix (the shape that
// analysis/gradient_noise.hpp takes), and the exact Hessian of the loss in
// the last layer's parameters (for the C ~ H/B comparison of
// Xie et al. 2021 eq. 7 and Fig. 2).
//
// Layer l = 0 .. L-1 maps a_l (width n_l; a_0 = the input) to
// z = W_l a_l + b_l (width n_{l+1}); hidden layers apply the activation,
// the last layer's z are the logits. The loss of sample j is
// -log softmax(z)_{y_j}; a minibatch's loss is the mean over its samples.
// Parameter layout: layer by layer, W_l column-major then b_l, so the entry
// (o, i) of [W_l b_l] (b_l read as column n_l) sits at offset_l + o + i n_{l+1}.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../detail/validate.hpp"
#include "../optim/steps.hpp"
#include "../random/fill.hpp"

namespace levysgd {

/// Activation of the hidden layers.
enum class activation { relu, tanh };

template <class Real = double> class mlp {
    static_assert(std::is_same_v<Real, float> || std::is_same_v<Real, double>);

  public:
    using matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
    using vector = param_vector<Real>;

    /// inputs: one sample per row; labels: one class in [0, classes) per
    /// row; hidden: the widths of the hidden layers (empty: softmax
    /// regression). The data are copied (cast to Real). Throws
    /// std::invalid_argument for an empty or non-finite input, a label count
    /// other than inputs.rows(), a label outside [0, classes), classes < 2,
    /// a width < 1, or an unknown activation.
    template <class D>
    mlp(const Eigen::MatrixBase<D> &inputs, std::span<const int> labels,
        std::vector<Eigen::Index> hidden, int classes, activation act = activation::relu)
        : x_(inputs.template cast<Real>()), y_(labels.begin(), labels.end()), act_(act) {
        constexpr std::string_view where = "levysgd::mlp";
        if (inputs.rows() < 1)
            detail::throw_invalid(where, "inputs.rows()", inputs.rows(), "must be >= 1");
        if (inputs.cols() < 1)
            detail::throw_invalid(where, "inputs.cols()", inputs.cols(), "must be >= 1");
        if (!x_.allFinite())
            detail::throw_invalid(where, "inputs", "a non-finite entry (in Real)",
                                  "must be finite");
        if (labels.size() != std::size_t(inputs.rows()))
            detail::throw_invalid(where, "labels.size()", labels.size(),
                                  "must equal inputs.rows() = " + std::to_string(inputs.rows()));
        if (classes < 2)
            detail::throw_invalid(where, "classes", classes, "must be >= 2");
        if (act != activation::relu && act != activation::tanh)
            detail::throw_invalid(where, "act", int(act), "must be activation::relu or ::tanh");
        for (std::size_t j = 0; j < y_.size(); ++j)
            if (y_[j] < 0 || y_[j] >= classes)
                detail::throw_invalid(where, "labels[" + std::to_string(j) + "]", y_[j],
                                      "must be in [0, classes = " + std::to_string(classes) + ")");
        width_.push_back(inputs.cols());
        for (std::size_t l = 0; l < hidden.size(); ++l) {
            if (hidden[l] < 1)
                detail::throw_invalid(where, "hidden[" + std::to_string(l) + "]", hidden[l],
                                      "must be >= 1");
            width_.push_back(hidden[l]);
        }
        width_.push_back(classes);
        offset_.push_back(0);
        for (std::size_t l = 0; l + 1 < width_.size(); ++l)
            offset_.push_back(offset_.back() + width_[l + 1] * (width_[l] + 1));
    }

    /// N, the number of samples.
    std::size_t samples() const noexcept { return y_.size(); }
    /// The number of parameters.
    Eigen::Index dimension() const noexcept { return offset_.back(); }
    /// The number of weight layers, L = hidden layers + 1.
    std::size_t layers() const noexcept { return width_.size() - 1; }
    /// Width n_l of layer input l (0: the input, layers(): the classes).
    Eigen::Index width(std::size_t l) const { return width_.at(l); }
    /// First parameter of layer l, and its count n_{l+1} (n_l + 1).
    Eigen::Index layer_offset(std::size_t l) const { return offset_.at(l); }
    Eigen::Index layer_size(std::size_t l) const { return offset_.at(l + 1) - offset_.at(l); }
    activation hidden_activation() const noexcept { return act_; }
    const matrix &inputs() const noexcept { return x_; }
    const std::vector<int> &labels() const noexcept { return y_; }

    /// Weights N(0, gain^2 / n_l) (gain sqrt(2) for relu, He et al.; 1 for
    /// tanh), biases 0. The normals come from fill_normal(seed, stream), so
    /// the parameters are a function of (architecture, seed, stream).
    vector initial_parameters(std::uint64_t seed, std::uint64_t stream = 0) const {
        vector w(dimension());
        fill_normal(std::span<Real>(w.data(), std::size_t(w.size())), seed, stream);
        const double gain = act_ == activation::relu ? 2.0 : 1.0;
        for (std::size_t l = 0; l < layers(); ++l) {
            const Eigen::Index nw = width_[l + 1] * width_[l];
            w.segment(offset_[l], nw) *= Real(std::sqrt(gain / double(width_[l])));
            w.segment(offset_[l] + nw, width_[l + 1]).setZero();
        }
        return w;
    }

    /// The mean per-sample loss gradient over idx, written into g
    /// (GradientOracle). Throws for sizes other than dimension(), an empty
    /// idx, or an index >= samples().
    void gradient(Eigen::Ref<const vector> w, std::span<const std::size_t> idx,
                  Eigen::Ref<vector> g) const {
        constexpr std::string_view where = "levysgd::mlp::gradient";
        check(where, w, idx);
        if (g.size() != dimension())
            detail::throw_invalid(where, "g.size()", g.size(),
                                  "must equal dimension() = " + std::to_string(dimension()));
        auto f = forward(w, idx);
        backward(w, f, Real(1) / Real(idx.size()), [&](std::size_t l, const matrix &d) {
            const Eigen::Index no = width_[l + 1], ni = width_[l];
            Eigen::Map<matrix>(g.data() + offset_[l], no, ni).noalias() =
                d.transpose() * f.a[l];
            g.segment(offset_[l] + no * ni, no) = d.colwise().sum().transpose();
        });
    }

    /// Per-sample gradients: row j is the loss gradient of sample idx[j]
    /// (their mean is gradient(w, idx)). Throws as gradient().
    matrix per_sample_gradients(Eigen::Ref<const vector> w,
                                std::span<const std::size_t> idx) const {
        constexpr std::string_view where = "levysgd::mlp::per_sample_gradients";
        check(where, w, idx);
        matrix out(Eigen::Index(idx.size()), dimension());
        auto f = forward(w, idx);
        backward(w, f, Real(1), [&](std::size_t l, const matrix &d) {
            const Eigen::Index no = width_[l + 1], ni = width_[l];
            for (Eigen::Index i = 0; i < ni; ++i)
                out.middleCols(offset_[l] + i * no, no) =
                    d.array().colwise() * f.a[l].col(i).array();
            out.middleCols(offset_[l] + ni * no, no) = d;
        });
        return out;
    }

    /// Mean loss over idx (all samples when idx is empty).
    double loss(Eigen::Ref<const vector> w, std::span<const std::size_t> idx = {}) const {
        const auto all = all_if_empty(idx);
        check("levysgd::mlp::loss", w, all);
        const auto f = forward(w, all);
        double s = 0;
        for (Eigen::Index j = 0; j < f.z.rows(); ++j) {
            const Real m = f.z.row(j).maxCoeff();
            s += double(m) + std::log(double((f.z.row(j).array() - m).exp().sum())) -
                 double(f.z(j, f.y[std::size_t(j)]));
        }
        return s / double(all.size());
    }

    /// Fraction of samples in idx (all when empty) whose largest logit is the label.
    double accuracy(Eigen::Ref<const vector> w, std::span<const std::size_t> idx = {}) const {
        const auto all = all_if_empty(idx);
        check("levysgd::mlp::accuracy", w, all);
        const auto f = forward(w, all);
        std::size_t right = 0;
        for (Eigen::Index j = 0; j < f.z.rows(); ++j) {
            Eigen::Index k = 0;
            f.z.row(j).maxCoeff(&k);
            right += k == f.y[std::size_t(j)];
        }
        return double(right) / double(all.size());
    }

    /// Exact Hessian of the mean loss over idx (all samples when empty) in
    /// the parameters of the last layer (layer_size(layers() - 1) of them,
    /// in their order in w). The logits are linear in these parameters, so
    /// the Hessian is the Gauss-Newton form, exactly:
    ///     H = mean_j kron(a_j a_j^T, diag(p_j) - p_j p_j^T),  a_j = [a_{L-1}; 1],
    /// p_j the softmax of sample j (positive semi-definite, symmetric).
    matrix last_layer_hessian(Eigen::Ref<const vector> w,
                              std::span<const std::size_t> idx = {}) const {
        const auto all = all_if_empty(idx);
        check("levysgd::mlp::last_layer_hessian", w, all);
        const auto f = forward(w, all);
        const std::size_t last = layers() - 1;
        const Eigen::Index n = width_.back(), ni = width_[last] + 1, b = f.z.rows();
        matrix a(b, ni); // inputs of the last layer with a column of ones
        a.leftCols(ni - 1) = f.a[last];
        a.col(ni - 1).setOnes();
        const matrix p = softmax(f.z);
        // sum_j kron(a a^T, diag p): block (i, i') diagonal, entry o = sum_j a_ji a_ji' p_jo
        matrix h = matrix::Zero(n * ni, n * ni);
        for (Eigen::Index o = 0; o < n; ++o) {
            const matrix m = a.transpose() * (a.array().colwise() * p.col(o).array()).matrix();
            for (Eigen::Index i = 0; i < ni; ++i)
                for (Eigen::Index k = 0; k < ni; ++k)
                    h(o + i * n, o + k * n) = m(i, k);
        }
        // - sum_j (a_j kron p_j)(a_j kron p_j)^T
        matrix q(b, n * ni);
        for (Eigen::Index i = 0; i < ni; ++i)
            q.middleCols(i * n, n) = p.array().colwise() * a.col(i).array();
        h.noalias() -= q.transpose() * q;
        h /= Real(b);
        return (h + h.transpose()) / Real(2); // symmetric to the last bit
    }

  private:
    struct pass {
        std::vector<matrix> a; ///< a[l]: input of layer l, one row per sample
        matrix z;              ///< logits
        std::vector<int> y;    ///< labels of the rows
    };

    std::vector<std::size_t> all_if_empty(std::span<const std::size_t> idx) const {
        std::vector<std::size_t> v(idx.begin(), idx.end());
        if (v.empty())
            for (std::size_t j = 0; j < samples(); ++j)
                v.push_back(j);
        return v;
    }

    void check(std::string_view where, const Eigen::Ref<const vector> &w,
               std::span<const std::size_t> idx) const {
        if (w.size() != dimension())
            detail::throw_invalid(where, "w.size()", w.size(),
                                  "must equal dimension() = " + std::to_string(dimension()));
        if (idx.empty())
            detail::throw_invalid(where, "indices.size()", 0, "must be >= 1");
        for (std::size_t j = 0; j < idx.size(); ++j)
            if (idx[j] >= samples())
                detail::throw_invalid(where, "indices[" + std::to_string(j) + "]", idx[j],
                                      "must be < samples() = " + std::to_string(samples()));
    }

    static matrix softmax(const matrix &z) {
        matrix p = (z.colwise() - z.rowwise().maxCoeff()).array().exp().matrix();
        p.array().colwise() /= p.rowwise().sum().array();
        return p;
    }

    Eigen::Map<const matrix> weights(const Eigen::Ref<const vector> &w, std::size_t l) const {
        return {w.data() + offset_[l], width_[l + 1], width_[l]};
    }

    pass forward(const Eigen::Ref<const vector> &w, std::span<const std::size_t> idx) const {
        pass f;
        f.a.resize(layers());
        matrix &a0 = f.a[0];
        a0.resize(Eigen::Index(idx.size()), width_[0]);
        f.y.resize(idx.size());
        for (std::size_t j = 0; j < idx.size(); ++j) {
            a0.row(Eigen::Index(j)) = x_.row(Eigen::Index(idx[j]));
            f.y[j] = y_[idx[j]];
        }
        for (std::size_t l = 0; l < layers(); ++l) {
            const Eigen::Index no = width_[l + 1], ni = width_[l];
            matrix z = f.a[l] * weights(w, l).transpose();
            z.rowwise() += w.segment(offset_[l] + no * ni, no).transpose();
            if (l + 1 == layers())
                f.z = std::move(z);
            else if (act_ == activation::relu)
                f.a[l + 1] = z.cwiseMax(Real(0));
            else
                f.a[l + 1] = z.array().tanh().matrix();
        }
        return f;
    }

    /// Calls emit(l, d) for l = L-1 .. 0 with d = scale dLoss_j/dz (rows =
    /// samples): the back-propagated errors at the outputs of layer l.
    template <class Emit>
    void backward(const Eigen::Ref<const vector> &w, const pass &f, Real scale, Emit &&emit) const {
        matrix d = softmax(f.z);
        for (Eigen::Index j = 0; j < d.rows(); ++j)
            d(j, f.y[std::size_t(j)]) -= Real(1);
        d *= scale;
        for (std::size_t l = layers(); l-- > 0;) {
            emit(l, d);
            if (l == 0)
                break;
            matrix up = d * weights(w, l);
            if (act_ == activation::relu)
                d = (f.a[l].array() > Real(0)).select(up, Real(0));
            else
                d = up.array() * (Real(1) - f.a[l].array().square());
        }
    }

    matrix x_;
    std::vector<int> y_;
    activation act_;
    std::vector<Eigen::Index> width_;  // n_0 .. n_L
    std::vector<Eigen::Index> offset_; // L + 1 entries, the last = dimension()
};

} // namespace levysgd
