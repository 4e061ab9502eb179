// `cortex pipeline NAME show [--query SQL]`: state, last loads, schema, and a query against the
// dataset — through the SQL API of the server running on the pipeline's data dir, else by
// opening the destination file.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "api/pipelines.h"
#include "cli/pipeline_cli.h"
#include "net/client/http_client.h"
#include "pipeline/destination.h"
#include "pipeline/workdir.h"
#include "store/duckdb/connection.h"

namespace oc::cli {
namespace {

namespace fs = std::filesystem;

struct QueryOutput {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

Result<QueryOutput> QueryFile(const std::string& path, const std::string& dataset,
                              const std::string& sql) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return MakeError(ErrorCode::kNotFound, "destination " + path + " does not exist");
    OC_ASSIGN_OR_RETURN(auto db, store::Database::Open(path));
    OC_ASSIGN_OR_RETURN(auto conn, db->Connect());
    OC_TRY(conn->Execute("SET schema = " + pipeline::SqlString(dataset)));
    OC_ASSIGN_OR_RETURN(auto result, conn->Query(sql));
    QueryOutput out;
    for (idx_t c = 0; c < result->ColumnCount(); ++c) out.header.push_back(result->ColumnName(c));
    for (idx_t r = 0; r < result->RowCount(); ++r) {
        std::vector<std::string> row;
        for (idx_t c = 0; c < result->ColumnCount(); ++c) {
            row.push_back(result->IsNull(c, r) ? "NULL" : result->GetString(c, r));
        }
        out.rows.push_back(std::move(row));
    }
    return out;
}

Result<QueryOutput> QueryServer(const std::string& url, const std::string& token,
                                const std::string& database, const std::string& dataset,
                                const std::string& sql) {
    if (token.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "a cortex server is running on the pipeline's data dir (" + url +
                             "): set CORTEX_TOKEN or --token to query through it");
    }
    net::ClientRequest req;
    req.method = "POST";
    req.url = url + "/api/v2/statements";
    req.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"},
                   {"Accept", "application/json"}};
    req.body = DumpJson(Json{{"statement", sql}, {"database", database}, {"schema", dataset}});
    req.max_retries = 0;
    OC_ASSIGN_OR_RETURN(net::ClientResponse resp, net::HttpClient::Send(req));
    auto body = ParseJson(resp.body);
    if (resp.status != 200 || !body || !body->is_object()) {
        std::string message = body && body->is_object() && (*body)["message"].is_string()
                                  ? (*body)["message"].get<std::string>()
                                  : "HTTP " + std::to_string(resp.status);
        return MakeError(ErrorCode::kInvalidArgument, "query failed: " + message);
    }
    QueryOutput out;
    for (const auto& col : (*body)["resultSetMetaData"].value("rowType", Json::array())) {
        out.header.push_back(col.value("name", std::string()));
    }
    for (const auto& row : body->value("data", Json::array())) {
        std::vector<std::string> cells;
        for (const auto& v : row) cells.push_back(v.is_null() ? "NULL" : v.is_string() ? v.get<std::string>() : v.dump());
        out.rows.push_back(std::move(cells));
    }
    return out;
}

}  // namespace

int PipelineShow(const InspectFlags& flags) {
    auto wd = FindWorkingDir(flags, nullptr);
    if (!wd) return CliFail(wd.error().message);
    auto state = pipeline::ReadWorkingJson((fs::path(*wd) / "state.json").string());
    if (!state) return CliFail("pipeline " + flags.name + " has no completed run (see 'cortex pipeline " + flags.name + " trace')");
    const Json local = state->value("_local", Json::object());
    const std::string dataset = state->value("dataset_name", std::string());
    const std::string database_path = local.value("database_path", std::string());
    std::printf("Pipeline %s\nWorking dir: %s\n", flags.name.c_str(), wd->c_str());
    std::printf("Destination: %s at %s, dataset %s\n", state->value("destination_name", std::string("duckdb")).c_str(),
                local.value("destination_location", std::string()).c_str(), dataset.c_str());
    if (local.contains("database")) {
        std::printf("Cortex database: %s in data dir %s\n", local.value("database", std::string()).c_str(),
                    local.value("data_dir", std::string()).c_str());
    }

    std::printf("\nState:\n");
    for (const auto& [k, v] : state->items()) {
        if (k == "_local") continue;
        std::printf("%s: %s\n", k.c_str(), k == "sources" ? DumpJson(v).c_str() : PyText(v).c_str());
    }

    std::printf("\nLast loads:\n");
    std::vector<std::vector<std::string>> loads;
    std::ifstream in(fs::path(*wd) / "loads.jsonl");
    std::string line;
    while (std::getline(in, line)) {
        auto j = ParseJson(line);
        if (!j || !j->is_object()) continue;
        std::string rows;
        const Json per_table = j->value("rows", Json::object());
        for (const auto& [t, n] : per_table.items()) {
            rows += (rows.empty() ? "" : ", ") + t + "=" + n.dump();
        }
        char secs[32];
        std::snprintf(secs, sizeof(secs), "%.2f", j->value("elapsed_seconds", 0.0));
        loads.push_back({j->value("load_id", std::string()), j->value("loaded_at", std::string()), secs, rows});
    }
    if (loads.size() > 10) loads.erase(loads.begin(), loads.end() - 10);
    std::fputs(FormatTable({"load_id", "loaded_at", "seconds", "rows per table"}, loads).c_str(), stdout);

    std::string schema_name = state->value("default_schema_name", std::string("rest_api"));
    auto schema = pipeline::ReadSchema(*wd, schema_name);
    if (schema) {
        std::printf("\nSchema %s (version %s):\n", schema_name.c_str(), (*schema)["version"].dump().c_str());
        std::vector<std::vector<std::string>> cols;
        for (const auto& [t, entry] : (*schema)["tables"].items()) {
            if (t.rfind("_dlt_", 0) == 0) continue;
            const Json columns = entry.value("columns", Json::object());
            for (const auto& [c, col] : columns.items()) {
                cols.push_back({t, c, col.value("data_type", std::string()),
                                col.value("nullable", true) ? "true" : "false"});
            }
        }
        std::fputs(FormatTable({"table", "column", "data_type", "nullable"}, cols).c_str(), stdout);
    }

    if (flags.query.empty()) return 0;
    std::printf("\nQuery: %s\n", flags.query.c_str());
    Result<QueryOutput> result = MakeError(ErrorCode::kInternal, "not run");
    std::optional<std::string> url;
    if (local.contains("data_dir")) url = api::RunningServerUrl(local.value("data_dir", std::string()));
    if (url) {
        result = QueryServer(*url, ServerToken(flags.token), local.value("database", std::string()),
                             dataset, flags.query);
    } else {
        result = QueryFile(database_path, dataset, flags.query);
    }
    if (!result) return CliFail(result.error().message);
    std::fputs(FormatTable(result->header, result->rows).c_str(), stdout);
    return 0;
}

}  // namespace oc::cli
