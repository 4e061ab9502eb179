// `cortex pipeline NAME drop RESOURCE... [-y]` (dlt's `drop`, reference pipeline.md §10): drops
// the resources' root and nested tables in the destination, resets their resource state (a new
// `_dlt_pipeline_state` row) and removes the tables from the stored schema.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>

#include "api/pipelines.h"
#include "cli/pipeline_cli.h"
#include "pipeline/destination.h"
#include "pipeline/digest.h"
#include "pipeline/workdir.h"
#include "store/duckdb/connection.h"

namespace oc::cli {
namespace {

namespace fs = std::filesystem;

std::string NewLoadId() {
    using namespace std::chrono;
    double now = duration<double>(system_clock::now().time_since_epoch()).count();
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), now);
    return std::string(buf, res.ptr);
}

bool Selected(const std::string& resource, const std::vector<std::string>& patterns) {
    for (const auto& p : patterns) {
        if (p.rfind("re:", 0) == 0) {
            try {
                if (std::regex_search(resource, std::regex(p.substr(3)))) return true;
            } catch (const std::regex_error&) {
            }
        } else if (p == resource) {
            return true;
        }
    }
    return false;
}

std::string ListText(const std::vector<std::string>& items) {
    Json arr = Json::array();
    for (const auto& i : items) arr.push_back(i);
    return PyText(arr);
}

Status DropInDestination(const std::string& path, const std::string& dataset,
                         const std::vector<std::string>& tables, const Json& new_state,
                         const std::string& pipeline_name) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return MakeError(ErrorCode::kNotFound, "destination " + path + " does not exist");
    OC_ASSIGN_OR_RETURN(auto db, store::Database::Open(path));
    OC_ASSIGN_OR_RETURN(auto conn, db->Connect());
    OC_TRY(conn->Execute("BEGIN TRANSACTION"));
    Status st;
    for (const auto& t : tables) {
        st = conn->Execute("DROP TABLE IF EXISTS " + pipeline::QuoteIdent(dataset) + "." + pipeline::QuoteIdent(t));
        if (!st) break;
    }
    if (st) {
        st = conn->ExecuteWith("INSERT INTO " + pipeline::QuoteIdent(dataset) +
                                   "._dlt_pipeline_state VALUES (?, 4, ?, ?, now(), ?, ?, ?)",
                               new_state.value("_state_version", int64_t{1}), pipeline_name,
                               pipeline::CompressState(DumpJson(new_state)),
                               new_state.value("_version_hash", std::string()), NewLoadId(),
                               pipeline::RandomId());
    }
    if (!st) {
        (void)conn->Execute("ROLLBACK");
        return st;
    }
    return conn->Execute("COMMIT");
}

}  // namespace

int PipelineDrop(const InspectFlags& flags) {
    auto wd = FindWorkingDir(flags, nullptr);
    if (!wd) return CliFail(wd.error().message);
    auto state = pipeline::ReadWorkingJson((fs::path(*wd) / "state.json").string());
    if (!state) return CliFail("pipeline " + flags.name + " has no completed run to drop from");
    const std::string schema_name = state->value("default_schema_name", std::string("rest_api"));
    auto schema = pipeline::ReadSchema(*wd, schema_name);
    const std::string dataset = state->value("dataset_name", std::string());
    const Json local = state->value("_local", Json::object());

    std::vector<std::string> resources, tables;
    if (schema) {
        const Json& all = (*schema)["tables"];
        for (const auto& [t, entry] : all.items()) {
            if (t.rfind("_dlt_", 0) == 0) continue;
            const Json* e = &entry;
            std::string root = t;
            while (e->contains("parent") && all.contains(e->at("parent").get<std::string>())) {
                root = e->at("parent").get<std::string>();
                e = &all.at(root);
            }
            std::string res = e->value("resource", root);
            if (!Selected(res, flags.args)) continue;
            tables.push_back(t);
            if (std::find(resources.begin(), resources.end(), res) == resources.end()) resources.push_back(res);
        }
    }
    Json source_resources = state->value("sources", Json::object())
                                .value(schema_name, Json::object())
                                .value("resources", Json::object());
    std::vector<std::string> state_slots;
    for (const auto& [r, v] : source_resources.items()) {
        if (Selected(r, flags.args)) state_slots.push_back(r);
    }
    if (tables.empty() && state_slots.empty()) {
        std::printf("Could not select any resources to drop and no resource/source state to reset. "
                    "Use the command below to inspect the pipeline:\ncortex pipeline -v %s info\n",
                    flags.name.c_str());
        return 1;
    }
    std::printf("About to drop the following data in dataset %s in destination %s:\n", dataset.c_str(),
                local.value("destination_location", std::string()).c_str());
    std::printf("Selected schema: %s\n", schema_name.c_str());
    std::printf("Selected resource(s): %s\n", ListText(resources).c_str());
    std::printf("Table(s) to drop: %s\n", ListText(tables).c_str());
    std::printf("Resource(s) state to reset: %s\n", ListText(state_slots).c_str());
    if (!flags.yes && !Confirm("Do you want to apply these changes?")) return 1;
    if (local.contains("data_dir")) {
        if (auto url = api::RunningServerUrl(local.value("data_dir", std::string()))) {
            return CliFail("a cortex server is running on " + local.value("data_dir", std::string()) +
                           " (" + *url + "); stop it to drop, or drop the tables with the SQL API");
        }
    }
    Json new_state = *state;
    new_state.erase("_local");
    for (const auto& r : state_slots) new_state["sources"][schema_name]["resources"].erase(r);
    new_state["_state_version"] = state->value("_state_version", int64_t{0}) + 1;
    new_state.erase("_version_hash");
    new_state["_version_hash"] = pipeline::Sha3Base64(DumpJson(new_state));
    Status st = DropInDestination(local.value("database_path", std::string()), dataset, tables, new_state,
                                  flags.name);
    if (!st) return CliFail(st.error().message);

    new_state["_local"] = local;
    Status w = pipeline::WriteWorkingJson((fs::path(*wd) / "state.json").string(), new_state);
    if (w && schema) {
        for (const auto& t : tables) (*schema)["tables"].erase(t);
        (*schema)["version"] = schema->value("version", 1) + 1;
        w = pipeline::WriteWorkingJson(
            (fs::path(*wd) / "schemas" / (schema_name + ".schema.json")).string(), *schema);
    }
    if (!w) return CliFail(w.error().message);
    std::printf("Dropped %zu table(s) and reset %zu resource state slot(s)\n", tables.size(),
                state_slots.size());
    return 0;
}

}  // namespace oc::cli
