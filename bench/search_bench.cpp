// In-process Cortex Search benchmark (bench/search.sh): builds the index of src/tools/search over
// the generated corpus (search_corpus.h) and times queries through InvertedIndex::Search and
// through SearchService::Query (request parsing, filter, JSON results). --dump writes the same
// corpus and queries as JSON for the minisearch peer. Prints one "key value" line per figure.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/json.h"
#include "search_corpus.h"
#include "tools/search/index_file.h"
#include "tools/search/inverted_index.h"
#include "tools/search/search_service.h"

namespace {

using Clock = std::chrono::steady_clock;
using oc::Json;
namespace search = oc::tools::search;

double MsSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Json RowOf(const oc::bench::BenchDoc& d) {
    Json row = Json::object();
    row["ID"] = d.id;
    row["TITLE"] = d.title;
    row["BODY"] = d.body;
    row["CATEGORY"] = d.category;
    row["REGION"] = d.region;
    row["YEAR"] = d.year;
    row["RATING"] = d.rating;
    return row;
}

struct Latencies {
    double total_ms = 0;
    double total_cpu_ms = 0;
    std::vector<double> us;      // wall time, one per query
    std::vector<double> cpu_us;  // this thread's CPU time, one per query (immune to preemption
                                 // on a loaded machine)
};

double ThreadCpuUs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

// Runs every query `rounds` times (after one warm-up round); returns per-query latencies.
template <typename F>
Latencies Time(const std::vector<std::string>& queries, int rounds, F run) {
    for (const std::string& q : queries) run(q);
    Latencies l;
    l.us.reserve(queries.size() * rounds);
    const auto start = Clock::now();
    for (int r = 0; r < rounds; ++r) {
        for (const std::string& q : queries) {
            const auto t = Clock::now();
            const double c = ThreadCpuUs();
            run(q);
            const double cpu = ThreadCpuUs() - c;
            l.us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
            l.cpu_us.push_back(cpu);
            l.total_cpu_ms += cpu / 1000.0;
        }
    }
    l.total_ms = MsSince(start);
    return l;
}

void Report(const std::string& name, Latencies l) {
    std::sort(l.us.begin(), l.us.end());
    auto pct = [&](double p) { return l.us[std::min(l.us.size() - 1, static_cast<size_t>(p * l.us.size()))]; };
    std::printf("%s.qps %.0f\n", name.c_str(), l.us.size() / (l.total_ms / 1000.0));
    std::printf("%s.p50_us %.1f\n", name.c_str(), pct(0.50));
    std::printf("%s.p99_us %.1f\n", name.c_str(), pct(0.99));
    std::printf("%s.max_us %.1f\n", name.c_str(), l.us.back());
    std::sort(l.cpu_us.begin(), l.cpu_us.end());
    auto cpct = [&](double p) { return l.cpu_us[std::min(l.cpu_us.size() - 1, static_cast<size_t>(p * l.cpu_us.size()))]; };
    std::printf("%s.cpu_qps %.0f\n", name.c_str(), l.cpu_us.size() / (l.total_cpu_ms / 1000.0));
    std::printf("%s.cpu_p50_us %.1f\n", name.c_str(), cpct(0.50));
    std::printf("%s.cpu_p99_us %.1f\n", name.c_str(), cpct(0.99));
}

void Dump(const oc::bench::BenchCorpus& c, const std::string& dir) {
    std::filesystem::create_directories(dir);
    Json docs = Json::array();
    for (const auto& d : c.docs) {
        docs.push_back(Json{{"id", d.id}, {"title", d.title}, {"body", d.body}, {"category", d.category},
                            {"region", d.region}, {"year", d.year}, {"rating", d.rating}});
    }
    std::ofstream(dir + "/corpus.json") << docs.dump();
    std::ofstream(dir + "/queries.json") << Json(c.queries).dump();
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    size_t n_docs = 100000, n_queries = 1000;
    int rounds = 3;
    std::string dump_dir;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--docs") n_docs = std::strtoull(argv[i + 1], nullptr, 10);
        else if (flag == "--queries") n_queries = std::strtoull(argv[i + 1], nullptr, 10);
        else if (flag == "--rounds") rounds = std::atoi(argv[i + 1]);
        else if (flag == "--dump") dump_dir = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: search_bench [--docs N] [--queries N] [--rounds N] [--dump DIR]\n");
            return 2;
        }
    }
    auto start = Clock::now();
    const oc::bench::BenchCorpus corpus = oc::bench::MakeCorpus(n_docs, n_queries);
    std::printf("corpus.docs %zu\ncorpus.queries %zu\ncorpus.generate_ms %.0f\n", corpus.docs.size(),
                corpus.queries.size(), MsSince(start));
    if (!dump_dir.empty()) Dump(corpus, dump_dir);

    std::vector<Json> rows;
    rows.reserve(corpus.docs.size());
    for (const auto& d : corpus.docs) rows.push_back(RowOf(d));

    // 1. The bare index: Add every row.
    search::InvertedIndex index("BODY");
    start = Clock::now();
    for (size_t i = 0; i < rows.size(); ++i) index.Add(i + 1, i + 1, rows[i]);
    std::printf("index.build_ms %.0f\n", MsSince(start));
    std::printf("index.terms %zu\n", index.postings().size());

    // 2. A service over the same rows, as a full refresh builds it (keys, hashes, Add).
    std::vector<search::ColumnInfo> columns = {
        {"ID", search::ColumnKind::kNumber},   {"TITLE", search::ColumnKind::kText},
        {"BODY", search::ColumnKind::kText},   {"CATEGORY", search::ColumnKind::kText},
        {"REGION", search::ColumnKind::kText}, {"YEAR", search::ColumnKind::kNumber},
        {"RATING", search::ColumnKind::kNumber}};
    search::SearchServiceSpec spec;
    spec.database_name = "BENCH";
    spec.schema_name = "PUBLIC";
    spec.name = "DOCS";
    spec.search_column = "BODY";
    spec.attribute_columns = {"CATEGORY", "REGION", "YEAR"};
    spec.primary_key = {"ID"};
    spec.target_lag.downstream = true;
    search::SearchService service(
        spec, [&]() -> oc::Result<search::SourceRows> { return search::SourceRows{columns, rows}; }, "");
    start = Clock::now();
    if (auto st = service.Open(); !st) {
        std::fprintf(stderr, "service build failed: %s\n", st.error().message.c_str());
        return 1;
    }
    std::printf("service.build_ms %.0f\n", MsSince(start));

    // 3. Persistence: write and read the index file.
    const std::string idx = (std::filesystem::temp_directory_path() / "oc_search_bench.idx").string();
    start = Clock::now();
    if (auto st = search::SaveIndexFile(idx, index, {columns, 0, rows.size()}); !st) return 1;
    std::printf("index.save_ms %.0f\nindex.file_bytes %ju\n", MsSince(start),
                static_cast<uintmax_t>(std::filesystem::file_size(idx)));
    start = Clock::now();
    search::IndexFileMeta meta;
    if (!search::LoadIndexFile(idx, "BODY", &meta)) return 1;
    std::printf("index.load_ms %.0f\n", MsSince(start));
    std::filesystem::remove(idx);

    size_t sink = 0;
    Report("index.search", Time(corpus.queries, rounds, [&](const std::string& q) {
               sink += index.Search(q, 10, [](const Json&) { return true; }).size();
           }));
    auto query = [&](const std::string& q, const Json& filter) {
        Json req = Json{{"query", q}, {"columns", Json::array({"ID", "TITLE"})}, {"limit", 10}};
        if (!filter.is_null()) req["filter"] = filter;
        auto r = service.Query(req);
        if (!r) {
            std::fprintf(stderr, "query failed: %s\n", r.error().message.c_str());
            std::exit(1);
        }
        sink += (*r)["results"].size();
    };
    Report("service.query", Time(corpus.queries, rounds, [&](const std::string& q) { query(q, Json()); }));
    const Json filter = Json{{"@eq", Json{{"CATEGORY", "billing"}}}};
    Report("service.query_filtered", Time(corpus.queries, rounds, [&](const std::string& q) { query(q, filter); }));
    std::printf("sink %zu\n", sink);
    return 0;
}
