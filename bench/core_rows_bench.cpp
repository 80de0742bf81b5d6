// Times the core's game-row phases on the Steam CSV files without a server:
// content's neighbour rows (train_content_neighbors()) and the hybrid's
// new-game columns (with_new_game_columns(), over itemknn's neighbours as
// the base), on a given number of threads, printing wall and CPU seconds of
// the whole process (every thread) and a hash of the rows, which must not
// depend on the thread count or the library.  Build it against the server's
// compiler flags, which matter here (-fno-strict-aliasing):
//
//   F="-std=c++17 -O2 -g -fno-strict-aliasing -fwrapv -DEIGEN_NO_DEBUG -pthread -Isrc -isystem /usr/include/eigen3"
//   g++ $F bench/core_rows_bench.cpp src/core/*.cpp -o /tmp/core_rows_bench
//   /tmp/core_rows_bench content|new_games THREADS [REPEATS] [DATA_DIR]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/algorithm_trainers.hpp"
#include "core/new_game_neighbors.hpp"
#include "core/parallel.hpp"
#include "core/target_factors.hpp"
#include "core/train_params.hpp"

using namespace steam_rec;
using namespace steam_rec::rec;

namespace {

double cpu_seconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// FNV-1a over the rows' offsets, indexes and values.
unsigned long long rows_hash(const SparseRows& rows) {
  unsigned long long hash = 1469598103934665603ull;
  const auto mix = [&](const void* bytes, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i) {
      hash ^= static_cast<const unsigned char*>(bytes)[i];
      hash *= 1099511628211ull;
    }
  };
  mix(rows.offset.data(), rows.offset.size() * sizeof(rows.offset[0]));
  mix(rows.index.data(), rows.index.size() * sizeof(rows.index[0]));
  mix(rows.value.data(), rows.value.size() * sizeof(rows.value[0]));
  return hash;
}

// user_games.csv (engagement from playtime, capped at 100 hours) and game_tags.csv.
TrainingSet read_data(const std::string& dir, CancelCheck& cancel) {
  TrainingSet data;
  std::ifstream owned(dir + "/user_games.csv");
  std::string line;
  std::getline(owned, line);
  while (std::getline(owned, line)) {
    std::stringstream fields(line);
    std::string player, appid, hours;
    std::getline(fields, player, ',');
    std::getline(fields, appid, ',');
    std::getline(fields, hours, ',');
    const double h = std::atof(hours.c_str());
    data.add_owned(std::stoll(player), std::stoi(appid), h > 0 ? static_cast<float>(std::min(1.0, h / 100)) : 0.0f);
  }
  std::ifstream tags(dir + "/game_tags.csv");
  std::getline(tags, line);
  while (std::getline(tags, line)) {
    const auto first = line.find(','), last = line.rfind(',');
    data.add_tag(std::stoi(line.substr(0, first)), line.substr(first + 1, last - first - 1),
                 std::stoi(line.substr(last + 1)));
  }
  data.finish(cancel);
  return data;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s content|new_games THREADS [REPEATS] [DATA_DIR]\n", argv[0]);
    return 2;
  }
  const std::string phase = argv[1];
  const int threads = std::atoi(argv[2]);
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
  const std::string dir = argc > 4 ? argv[4] : "/work/shared/data/steam";
  CancelCheck cancel;
  const TrainingSet data = read_data(dir, cancel);
  set_max_threads(threads);
  const TrainParams params;
  const SparseRows vectors = train_content(data);
  const std::vector<std::int64_t> owners = owner_counts(data);
  const SparseRows base =
      phase == "new_games" ? train_itemknn(data, resolve_params("itemknn", {}), cancel) : SparseRows();
  for (int r = 0; r < repeats; ++r) {
    const double wall = wall_seconds(), cpu = cpu_seconds();
    const SparseRows rows = phase == "content"
                                ? train_content_neighbors(data, owners, vectors, params.content_neighbors, cancel)
                                : with_new_game_columns(data, owners, vectors, base, params.new_game_weight,
                                                        params.tag_ridge_weight, params.content_neighbors, cancel);
    std::printf("%s threads=%d wall=%.3f cpu=%.3f hash=%016llx\n", phase.c_str(), threads, wall_seconds() - wall,
                cpu_seconds() - cpu, rows_hash(rows));
    std::fflush(stdout);
  }
  return 0;
}
