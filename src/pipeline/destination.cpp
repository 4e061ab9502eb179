#include "pipeline/destination.h"

#include <filesystem>
#include <set>

#include "pipeline/load_duckdb.h"
#include "pipeline/load_filesystem.h"
#include "pipeline/load_postgres.h"
#include "pipeline/stream_load.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {

std::unique_ptr<StreamingLoad> Destination::StartStreamingLoad() { return nullptr; }

std::string QuoteIdent(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

std::string SqlString(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        out += c;
        if (c == '\'') out += '\'';
    }
    return out + "'";
}

bool IsDltColumn(const std::string& name) {
    return name == "_dlt_id" || name == "_dlt_load_id" || name == "_dlt_parent_id" ||
           name == "_dlt_list_idx" || name == "_dlt_root_id";
}

DataType DataTypeFromName(const std::string& n) {
    if (n == "bigint") return DataType::kBigint;
    if (n == "double") return DataType::kDouble;
    if (n == "bool") return DataType::kBool;
    if (n == "timestamp") return DataType::kTimestamp;
    if (n == "json") return DataType::kJson;
    return DataType::kText;
}

Json SchemaJson(const std::string& schema_name, const ExistingSchema& tables) {
    Json schema = Json{{"name", schema_name}, {"tables", Json::object()}};
    for (const auto& [name, cols] : tables) {
        Json columns = Json::object();
        for (const auto& [c, type] : cols)
            columns[c] = Json{{"name", c}, {"data_type", DltTypeName(type)}};
        schema["tables"][name] = Json{{"name", name}, {"columns", columns}};
    }
    return schema;
}

ExistingSchema SchemaFromJson(const Json& schema) {
    ExistingSchema out;
    if (!schema.is_object() || !schema.contains("tables")) return out;
    for (auto it = schema["tables"].begin(); it != schema["tables"].end(); ++it) {
        auto& cols = out[it.key()];
        for (const auto& c : it->value("columns", Json::object())) {
            cols.emplace_back(c.value("name", std::string()),
                              DataTypeFromName(c.value("data_type", std::string())));
        }
    }
    return out;
}

ExistingSchema MergeSchema(ExistingSchema existing, const NormalizedPackage& package) {
    for (const auto& t : package.tables) {
        if (t.rows == 0 && existing.count(t.table.name) == 0) continue;
        auto& cols = existing[t.table.name];
        std::set<std::string> have;
        for (const auto& c : cols) have.insert(c.first);
        for (const auto& c : t.table.columns) {
            if (have.insert(c.name).second) cols.emplace_back(c.name, c.type);
        }
    }
    return existing;
}

std::string ReadJobSql(const PackageTable& t) {
    std::string cols;
    for (const auto& c : t.table.columns) {
        const char* type = c.type == DataType::kTimestamp ? "VARCHAR" : DuckDbTypeName(c.type);
        cols += (cols.empty() ? "" : ", ") + SqlString(c.name) + ": " + SqlString(type);
    }
    return "read_json(" + SqlString(t.path) +
           ", format = 'newline_delimited', maximum_object_size = 1073741824, columns = {" + cols +
           "})";
}

std::string CastSelectList(const PackageTable& t) {
    std::string out;
    for (const auto& c : t.table.columns) {
        std::string col = QuoteIdent(c.name);
        if (c.type == DataType::kTimestamp) col = "CAST(" + col + " AS TIMESTAMPTZ) AS " + col;
        out += (out.empty() ? "" : ", ") + col;
    }
    return out;
}

Result<std::unique_ptr<Destination>> OpenDestination(const PipelineConfig& config,
                                                     const DestinationOptions& options) {
    if (config.destination == "postgres") return OpenPostgresDestination(config);
    if (config.destination == "filesystem") return OpenFilesystemDestination(config);
    if (options.connect_data) {
        OC_ASSIGN_OR_RETURN(auto conn, options.connect_data());
        OC_ASSIGN_OR_RETURN(auto db, DuckDbDestination::OnConnection(
                                         std::move(conn), options.attach_catalog,
                                         config.dataset_name));
        return std::unique_ptr<Destination>(std::move(db));
    }
    OC_ASSIGN_OR_RETURN(auto db, DuckDbDestination::Open(options.duckdb_path, config.dataset_name));
    return std::unique_ptr<Destination>(std::move(db));
}

}  // namespace oc::pipeline
