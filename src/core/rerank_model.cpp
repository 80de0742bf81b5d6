#include "core/rerank_model.hpp"

#include <algorithm>
#include <numeric>

namespace steam_rec::rec {

const RerankShape* rerank_shape_of(std::int64_t count) {
  for (const RerankShape* shape : {&kRerankShape, &kFirstRerankShape})
    if (count == shape->stored_numbers()) return shape;
  return nullptr;
}

Eigen::MatrixXd expand_rerank_features(const Eigen::MatrixXf& features, const Eigen::VectorXf& mean,
                                       const Eigen::VectorXf& scale, const RerankShape& shape) {
  Eigen::MatrixXd out(features.rows(), shape.weights());
  out.leftCols(shape.features) =
      (features.leftCols(shape.features).cast<double>().rowwise() - mean.cast<double>().transpose()).array().rowwise() /
      scale.cast<double>().transpose().array();
  int column = shape.features;
  for (int a = 0; a < shape.product_count; ++a)
    for (int b = a; b < shape.product_count; ++b)
      out.col(column++) = out.col(shape.products[a]).cwiseProduct(out.col(shape.products[b]));
  return out;
}

bool Reranker::fits(const Eigen::MatrixXf& features) const {
  return well_formed() && features.cols() >= shape->features;
}

bool Reranker::well_formed() const {
  // NaN fails every comparison below.
  const auto within = [](const Eigen::VectorXf& v, float low) {
    return (v.array() >= low).all() && (v.array() <= kLargestNumber).all();
  };
  return shape != nullptr && mean.size() == shape->features && scale.size() == shape->features &&
         weights.size() == shape->weights() && within(mean, -kLargestNumber) && within(weights, -kLargestNumber) &&
         within(scale, kSmallestScale);
}

Eigen::VectorXd Reranker::score(const Eigen::MatrixXf& features) const {
  // No model (or none of this shape): every candidate alike, so order()
  // keeps the base model's.
  if (!fits(features)) return Eigen::VectorXd::Zero(features.rows());
  // What expand_rerank_features() * weights gives, a feature or product at
  // a time over every candidate: serving forms no expanded matrix.
  const RerankShape& s = *shape;
  const Eigen::Index n = features.rows();
  Eigen::ArrayXXd z(n, s.features);
  Eigen::ArrayXd scores = Eigen::ArrayXd::Zero(n);
  for (int f = 0; f < s.features; ++f) {
    // One division per feature, not per candidate.
    z.col(f) = (features.col(f).cast<double>().array() - mean[f]) * (1.0 / scale[f]);
    scores += static_cast<double>(weights[f]) * z.col(f);
  }
  int w = s.features;
  for (int a = 0; a < s.product_count; ++a)
    for (int b = a; b < s.product_count; ++b)
      scores += static_cast<double>(weights[w++]) * z.col(s.products[a]) * z.col(s.products[b]);
  return scores.matrix();
}

std::vector<std::int32_t> Reranker::order(const Eigen::MatrixXf& features, std::size_t count) const {
  Eigen::VectorXd s = score(features);
  // A score that is not finite (features beyond any trained model's) would
  // break the sort's ordering: then the base order stands.
  if (!s.allFinite()) s.setZero();
  std::vector<std::int32_t> order(static_cast<std::size_t>(s.size()));
  std::iota(order.begin(), order.end(), 0);
  if (count >= order.size()) {
    std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) { return s[a] > s[b]; });
    return order;
  }
  // The first `count` of that order: ties in candidate order, as the stable sort leaves them.
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                    [&](std::int32_t a, std::int32_t b) { return s[a] > s[b] || (s[a] == s[b] && a < b); });
  order.resize(count);
  return order;
}

std::vector<std::int32_t> Reranker::served_order(const Eigen::MatrixXf& features, std::size_t count) const {
  count = std::min(count, static_cast<std::size_t>(features.rows()));
  const std::size_t kept = std::min<std::size_t>(kRerankBasePlacesKept, count);
  // The model's first `count` hold at least count - kept candidates past the kept places.
  const std::vector<std::int32_t> by_model = order(features, count);
  std::vector<std::int32_t> served(kept);
  std::iota(served.begin(), served.end(), 0);
  for (std::int32_t candidate : by_model)
    if (served.size() < count && static_cast<std::size_t>(candidate) >= kept) served.push_back(candidate);
  return served;
}

std::vector<float> Reranker::stored() const {
  if (!well_formed()) return {};
  std::vector<float> numbers;
  numbers.reserve(static_cast<std::size_t>(shape->stored_numbers()));
  numbers.insert(numbers.end(), mean.data(), mean.data() + mean.size());
  numbers.insert(numbers.end(), scale.data(), scale.data() + scale.size());
  numbers.insert(numbers.end(), weights.data(), weights.data() + weights.size());
  return numbers;
}

Reranker Reranker::from_stored(const float* numbers, std::int64_t count) {
  Reranker model;
  model.shape = rerank_shape_of(count);
  if (model.shape == nullptr || numbers == nullptr) return Reranker{};
  const int features = model.shape->features;
  model.mean = Eigen::Map<const Eigen::VectorXf>(numbers, features);
  model.scale = Eigen::Map<const Eigen::VectorXf>(numbers + features, features);
  model.weights = Eigen::Map<const Eigen::VectorXf>(numbers + 2 * features, model.shape->weights());
  return model;
}

}  // namespace steam_rec::rec
