// One-turn query round trips through the C++ SDK: sdk_roundtrip CORTEX N WORKDIR
#include <algorithm>
#include <chrono>
#include <iostream>
#include <numeric>
#include <vector>

#include <opencortex/opencortex.h>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: sdk_roundtrip CORTEX N WORKDIR\n";
    return 2;
  }
  opencortex::Options options;
  options.cli_path = argv[1];
  options.model = "offline";
  options.cwd = argv[3];
  int n = std::stoi(argv[2]);
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    auto start = std::chrono::steady_clock::now();
    bool ok = false;
    for (const auto& m : opencortex::query("read notes.txt", options)) {
      if (const auto* r = std::get_if<opencortex::ResultMessage>(&m)) ok = r->subtype == "success";
    }
    if (!ok) {
      std::cerr << "query failed\n";
      return 1;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  double mean = std::accumulate(ms.begin(), ms.end(), 0.0) / n;
  std::cout << "{\"sdk\":\"cpp\",\"n\":" << n << ",\"mean_ms\":" << mean << ",\"p50_ms\":" << ms[n / 2]
            << ",\"p99_ms\":" << ms[std::min(n - 1, n * 99 / 100)] << "}\n";
}
