// `cortex pipeline run` progress output and `cortex pipeline NAME info|show|trace|schema|drop`,
// through the real binary against a loopback mock API.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cortex_process.h"
#include "pipeline_mock.h"

namespace oc::testing {
namespace {

namespace fs = std::filesystem;

class PipelineCli : public ::testing::Test {
protected:
    void SetUp() override {
        pipes_ = dir_.path() + "/pipelines";
        WriteConfig(api_.Config("shop", true));
    }
    void WriteConfig(const Json& doc) { std::ofstream(dir_.path() + "/shop.json") << DumpJson(doc); }

    CliResult Cortex(std::vector<std::string> args, const std::string& stdin_text = "") {
        return RunCortexIn(dir_.path(), args, {{"SOURCES__REST_API__API_KEY", "sekret"}}, 60, stdin_text);
    }
    CliResult Run() { return Cortex({"pipeline", "run", "shop.json", "--pipelines-dir", pipes_}); }
    CliResult Named(const std::string& sub, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"pipeline", "shop", sub};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back("--pipelines-dir");
        args.push_back(pipes_);
        return Cortex(args);
    }
    static std::vector<std::string> Lines(const std::string& s) {
        std::vector<std::string> out;
        size_t at = 0;
        while (at < s.size()) {
            size_t nl = s.find('\n', at);
            out.push_back(s.substr(at, nl - at));
            if (nl == std::string::npos) break;
            at = nl + 1;
        }
        return out;
    }

    TempDir dir_;
    PipelineMockApi api_;
    std::string pipes_;
};

TEST_F(PipelineCli, RunPrintsPlainProgressLinesAndLoadInfo) {
    auto r = Run();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // load_info stays the final output on stdout, as dlt prints it.
    auto out = Lines(r.out);
    ASSERT_GE(out.size(), 4u) << r.out;
    EXPECT_EQ(out[0].rfind("Pipeline shop load step completed in ", 0), 0u) << r.out;
    EXPECT_EQ(out[1], "1 load package(s) were loaded to destination duckdb and into dataset shop_data");
    EXPECT_NE(out[2].find("/shop.duckdb location to store data"), std::string::npos) << out[2];
    // Not a TTY: plain lines (no carriage returns), the last one with the final counts:
    // 23 items in 5 pages + 4 events in 1 page.
    EXPECT_EQ(r.err.find('\r'), std::string::npos);
    auto err = Lines(r.err);
    ASSERT_FALSE(err.empty());
    std::string last;
    for (const auto& l : err) {
        if (!l.empty()) last = l;
    }
    EXPECT_NE(last.find("shop [done] resources 2/2 | pages 6 | rows 27 |"), std::string::npos) << r.err;
    EXPECT_NE(last.find("rows/s"), std::string::npos) << r.err;
}

TEST_F(PipelineCli, InfoTraceSchemaDescribeTheLastRun) {
    ASSERT_EQ(Run().exit_code, 0);
    auto info = Named("info");
    ASSERT_EQ(info.exit_code, 0) << info.err;
    EXPECT_NE(info.out.find("Found pipeline shop in " + pipes_ + "\n"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("pipeline_name: shop\n"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("dataset_name: shop_data\n"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("schema_names: ['rest_api']\n"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("items with 2 table(s) and 0 resource state slot(s)\n"), std::string::npos)
        << info.out;
    EXPECT_NE(info.out.find("events with 1 table(s) and 1 resource state slot(s)\n"), std::string::npos)
        << info.out;
    EXPECT_NE(info.out.find("Has 1 completed load packages with following load ids:\n"), std::string::npos)
        << info.out;

    auto trace = Named("trace");
    ASSERT_EQ(trace.exit_code, 0) << trace.err;
    EXPECT_NE(trace.out.find(" and COMPLETED in "), std::string::npos) << trace.out;
    EXPECT_NE(trace.out.find("with 4 steps.\n"), std::string::npos) << trace.out;
    EXPECT_NE(trace.out.find("Step extract COMPLETED in "), std::string::npos) << trace.out;
    EXPECT_NE(trace.out.find("Extracted data for the following resources (6 request(s)):\n- events: 4 row(s)\n- items: 23 row(s)\n"),
              std::string::npos) << trace.out;
    EXPECT_NE(trace.out.find("- items__tags: 46 row(s)\n"), std::string::npos) << trace.out;
    EXPECT_NE(trace.out.find("Step load COMPLETED in "), std::string::npos) << trace.out;
    EXPECT_NE(trace.out.find("1 load package(s) were loaded to destination duckdb and into dataset shop_data\n"),
              std::string::npos) << trace.out;

    // load-package and failed-jobs are dispatched to the load-package commands.
    auto package = Named("load-package");
    ASSERT_EQ(package.exit_code, 0) << package.err;
    EXPECT_NE(package.out.find("is in LOADED state"), std::string::npos) << package.out;
    auto failed = Named("failed-jobs");
    ASSERT_EQ(failed.exit_code, 0) << failed.err;
    EXPECT_NE(failed.out.find("No failed jobs found"), std::string::npos) << failed.out;

    auto schema = Named("schema");
    ASSERT_EQ(schema.exit_code, 0) << schema.err;
    EXPECT_EQ(schema.out.rfind("Found schema with name rest_api\n", 0), 0u) << schema.out;
    EXPECT_NE(schema.out.find("name: rest_api\n"), std::string::npos) << schema.out;
    EXPECT_NE(schema.out.find("  items:\n    columns:\n      id:\n        data_type: bigint\n        nullable: true"),
              std::string::npos) << schema.out;
    EXPECT_NE(schema.out.find("      price:\n        data_type: double"), std::string::npos) << schema.out;
    EXPECT_NE(schema.out.find("  items__tags:\n"), std::string::npos) << schema.out;
    EXPECT_NE(schema.out.find("    parent: items\n"), std::string::npos) << schema.out;
    EXPECT_NE(schema.out.find("      updated_at:\n        data_type: timestamp"), std::string::npos) << schema.out;
    auto json = Named("schema", {"--format", "json"});
    ASSERT_EQ(json.exit_code, 0);
    auto doc = ParseJson(json.out.substr(json.out.find('\n') + 1));
    ASSERT_TRUE(doc) << json.out;
    EXPECT_EQ((*doc)["tables"]["items__tags"]["columns"]["value"]["data_type"], "text");
}

TEST_F(PipelineCli, ShowPrintsLoadsSchemaAndRunsAQuery) {
    ASSERT_EQ(Run().exit_code, 0);
    ASSERT_EQ(Run().exit_code, 0);  // items append again; events incremental: only the boundary row
    auto show = Named("show", {"--query", "SELECT count(*) AS n, max(id) AS top FROM items"});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    EXPECT_NE(show.out.find("Destination: duckdb at duckdb:///"), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("items=23, items__tags=46"), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("(2 rows)"), std::string::npos) << show.out;  // two loads listed
    bool price_line = false;
    for (const auto& l : Lines(show.out)) {
        price_line = price_line || (l.rfind("items ", 0) == 0 && l.find("| price ") != std::string::npos &&
                                    l.find("| double ") != std::string::npos);
    }
    EXPECT_TRUE(price_line) << show.out;
    EXPECT_NE(show.out.find("n  | top\n---+----\n46 | 22\n(1 row)\n"), std::string::npos) << show.out;

    auto bad = Named("show", {"--query", "SELECT * FROM no_such_table"});
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.err.find("error: "), std::string::npos);
}

TEST_F(PipelineCli, DropRemovesTablesAndResetsState) {
    ASSERT_EQ(Run().exit_code, 0);
    auto declined = Cortex({"pipeline", "shop", "drop", "events", "--pipelines-dir", pipes_}, "n\n");
    EXPECT_NE(declined.exit_code, 0);
    EXPECT_NE(declined.out.find("Do you want to apply these changes? [y/N]"), std::string::npos);
    EXPECT_NE(Named("show", {"--query", "SELECT count(*) AS n FROM events"}).out.find("n\n-\n4\n(1 row)"),
              std::string::npos);

    auto drop = Named("drop", {"events", "-y"});
    ASSERT_EQ(drop.exit_code, 0) << drop.err << drop.out;
    EXPECT_NE(drop.out.find("Selected resource(s): ['events']\n"), std::string::npos) << drop.out;
    EXPECT_NE(drop.out.find("Table(s) to drop: ['events']\n"), std::string::npos) << drop.out;
    EXPECT_NE(drop.out.find("Resource(s) state to reset: ['events']\n"), std::string::npos) << drop.out;
    auto gone = Named("show", {"--query", "SELECT count(*) FROM events"});
    EXPECT_NE(gone.exit_code, 0);
    EXPECT_NE(Named("show", {"--query", "SELECT count(*) AS n FROM items"}).out.find("n\n--\n23\n(1 row)"),
              std::string::npos);
    auto info = Named("info");
    EXPECT_EQ(info.out.find("events with"), std::string::npos) << info.out;
    // State reset: the next run starts from initial_value again and reloads all 4 events.
    ASSERT_EQ(Run().exit_code, 0);
    auto again = Named("show", {"--query", "SELECT count(*) AS n FROM events"});
    EXPECT_NE(again.out.find("n\n-\n4\n(1 row)"), std::string::npos) << again.out;

    auto nothing = Named("drop", {"nope", "-y"});
    EXPECT_NE(nothing.exit_code, 0);
    EXPECT_NE(nothing.out.find("Could not select any resources to drop"), std::string::npos);
}

TEST_F(PipelineCli, UnknownPipelineOrCommandIsAOneLineError) {
    auto r = Cortex({"pipeline", "nope", "info", "--pipelines-dir", pipes_});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err.rfind("error: pipeline nope not found in " + pipes_, 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    ASSERT_EQ(Run().exit_code, 0);
    auto bad = Named("frobnicate");
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.err.find("unknown pipeline command 'frobnicate'"), std::string::npos) << bad.err;
    auto flag = Named("info", {"--bogus"});
    EXPECT_NE(flag.exit_code, 0);
    EXPECT_NE(flag.err.find("unknown option --bogus"), std::string::npos) << flag.err;
}

TEST_F(PipelineCli, FailedRunIsRecordedInTrace) {
    ASSERT_EQ(Run().exit_code, 0);
    auto r = RunCortexIn(dir_.path(), {"pipeline", "run", "shop.json", "--pipelines-dir", pipes_},
                         {{"SOURCES__REST_API__API_KEY", "wrong"}});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("401"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("wrong"), std::string::npos) << r.err;  // the secret is never printed
    auto trace = Named("trace");
    ASSERT_EQ(trace.exit_code, 0);
    EXPECT_NE(trace.out.find(" and FAILED in "), std::string::npos) << trace.out;
    EXPECT_NE(trace.out.find("Failed due to: "), std::string::npos) << trace.out;
    EXPECT_NE(trace.out.find("401"), std::string::npos) << trace.out;
}

}  // namespace
}  // namespace oc::testing
