// Measures the storage path at a given scale: generate the benchmark data,
// import it into a fresh store, load it back. Built on demand, not
// registered with CTest:
//   ninja -C build-storage storage_bench
//   build-storage/test/engine/storage/storage_bench --scale 1 --dir /tmp/gen
//       --uri sqlite:/tmp/bench.db
// Existing data in --dir is reused when its params.json is present.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "common/error.h"
#include "engine/storage/importer.h"
#include "tools/datagen.h"

namespace {

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace maestro;
  double scale = 1;
  std::string dir = "/tmp/maestro-bench-data", uri;
  bool load_only = false;  // --load-only: measure loading an earlier import
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--load-only")) load_only = true;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--load-only")) --i;
    if (!std::strcmp(argv[i], "--scale")) scale = std::stod(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
    if (!std::strcmp(argv[i], "--uri")) uri = argv[i + 1];
  }
  if (uri.empty()) {
    std::fprintf(stderr, "usage: storage_bench --scale S --dir DIR --uri STORE_URI\n");
    return 2;
  }
  try {
    if (!load_only && !std::filesystem::exists(std::filesystem::path(dir) / "params.json")) {
      auto t = std::chrono::steady_clock::now();
      auto s = tools::generate({scale, 42, dir});
      std::printf("generate: %lld nodes, %lld relationships in %.2f s\n",
                  static_cast<long long>(s.total_nodes),
                  static_cast<long long>(s.total_relationships), secondsSince(t));
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".csv") files.push_back(e.path());
    }
    auto store = store::Store::open(uri);
    auto t = std::chrono::steady_clock::now();
    if (!load_only) {
      auto r = engine::importFiles(*store, "bench", files);
      double total = secondsSince(t);
      const double rows = static_cast<double>(r.nodes + r.relationships);
      std::printf(
          "import: %lld nodes + %lld relationships in %.2f s (parse %.2f s, graph+commit %.2f s) "
          "= %.0f rows/s\n",
          static_cast<long long>(r.nodes), static_cast<long long>(r.relationships), total,
          r.parse_seconds, r.write_seconds, rows / total);
    }
    engine::GraphStore gs(*store);
    for (int round = 0; round < 2; ++round) {
      engine::Graph g;
      t = std::chrono::steady_clock::now();
      gs.load("bench", g);
      std::printf("load: %zu nodes + %zu relationships in %.2f s (%.0f MB in memory)\n",
                  g.nodeCount(), g.relCount(), secondsSince(t),
                  static_cast<double>(g.memoryUsage()) / 1e6);
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
