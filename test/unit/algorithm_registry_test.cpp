// The algorithm registry: every entry is complete and consistent, so a new
// algorithm is checked by these tests the moment its line is added.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/algorithm_registry.hpp"
#include "core/errors.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {
namespace {

TEST(AlgorithmRegistry, NamesAreUniqueAndEveryEntryIsComplete) {
  std::set<std::string> names;
  for (const AlgorithmSpec& a : algorithms()) {
    EXPECT_TRUE(names.insert(a.name).second) << a.name << " twice";
    EXPECT_GT(std::string(a.description).size(), 10u) << a.name;
    EXPECT_GT(std::string(a.stores).size(), 5u) << a.name;
    EXPECT_NE(a.train, nullptr) << a.name;
    EXPECT_NE(a.memory_bytes, nullptr) << a.name;
    EXPECT_NE(a.blend, nullptr) << a.name;
    EXPECT_EQ(find_algorithm(a.name), &a);
  }
  EXPECT_EQ(find_algorithm("svd"), nullptr);
}

TEST(AlgorithmRegistry, EveryListedParameterExistsAndEveryParameterIsTaken) {
  std::set<std::string> taken;
  for (const AlgorithmSpec& a : algorithms())
    for (const char* key : a.parameters) {
      EXPECT_NE(find_parameter(key), nullptr) << a.name << " lists unknown " << key;
      taken.insert(key);
    }
  for (const ParameterSpec& spec : parameter_specs())
    EXPECT_TRUE(spec.every_algorithm || taken.count(spec.key)) << spec.key << " is taken by no algorithm";
}

TEST(AlgorithmRegistry, ADefaultBaseIsABase) {
  for (const AlgorithmSpec& a : algorithms()) {
    if (a.default_base == nullptr) continue;
    ASSERT_NE(find_algorithm(a.default_base), nullptr) << a.name;
    EXPECT_TRUE(find_algorithm(a.default_base)->can_be_base) << a.name;
    EXPECT_FALSE(a.can_be_base) << a.name << " would combine with itself";
  }
}

// The defaults (TrainParams' field initializers) lie in their own ranges and
// among their own values: train() accepts every default given explicitly.
TEST(AlgorithmRegistry, EveryDefaultIsAValueTrainAccepts) {
  for (const AlgorithmSpec& a : algorithms()) {
    const std::vector<ParamValue> defaults = describe_params(resolve_params(a.name, {}));
    EXPECT_NO_THROW(resolve_params(a.name, defaults)) << a.name;
    for (const ParamValue& v : defaults) {
      const ParameterSpec* spec = find_parameter(v.key);
      ASSERT_NE(spec, nullptr);
      if (spec->kind == ParamKind::text) continue;
      EXPECT_GE(v.number, spec->min) << a.name << " " << v.key;
      EXPECT_LE(v.number, spec->max) << a.name << " " << v.key;
    }
  }
}

TEST(AlgorithmRegistry, MemoryEstimatesGrowWithTheData) {
  const DataSize small{100, 50, 1000, 200}, large{10000, 5000, 100000, 20000};
  for (const AlgorithmSpec& a : algorithms()) {
    const TrainParams params = resolve_params(a.name, {});
    EXPECT_GT(training_memory_bytes(params, small), 0) << a.name;
    EXPECT_GT(training_memory_bytes(params, large), training_memory_bytes(params, small)) << a.name;
  }
}

// The memory check's hint names the algorithms that fit, never the refused one.
TEST(AlgorithmRegistry, AlgorithmsWithinNamesOnlyThoseThatFit) {
  const DataSize size{10000, 5000, 100000, 20000};
  double largest = 0;
  const AlgorithmSpec* heaviest = nullptr;
  for (const AlgorithmSpec& a : algorithms()) {
    const double bytes = training_memory_bytes(resolve_params(a.name, {}), size);
    if (bytes > largest) largest = bytes, heaviest = &a;
  }
  const std::string within = algorithms_within(largest, size, heaviest);
  EXPECT_EQ(within.find(heaviest->name), std::string::npos) << within;
  EXPECT_EQ(algorithms_within(0, size, nullptr), "");
  for (const AlgorithmSpec& a : algorithms()) {
    const double bytes = training_memory_bytes(resolve_params(a.name, {}), size);
    const std::string only = algorithms_within(bytes, size, nullptr);
    EXPECT_NE(only.find(a.name), std::string::npos) << a.name << ": " << only;
  }
}

TEST(AlgorithmRegistry, UnknownAlgorithmsAreRefusedNamingEveryOne) {
  try {
    resolve_params("svd", {});
    FAIL();
  } catch (const InvalidArgument& e) {
    for (const AlgorithmSpec& a : algorithms()) EXPECT_NE(std::string(e.what()).find(a.name), std::string::npos);
  }
}

}  // namespace
}  // namespace steam_rec::rec
