// `cortex pipeline NAME info|trace|schema` (dlt's texts, reference pipeline.md §10) and the
// argument parsing shared by the NAME commands.
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/pipelines.h"
#include "cli/pipeline_cli.h"
#include "pipeline/package.h"
#include "pipeline/pipeline.h"
#include "pipeline/workdir.h"

namespace oc::cli {
namespace {

namespace fs = std::filesystem;

std::string PyQuoted(const std::string& s) { return "'" + s + "'"; }

// Seconds since the epoch of dlt's ISO text `2026-11-23T07:15:50.903956+00:00`; -1 if unparsable.
double IsoSeconds(const std::string& iso) {
    std::tm tm{};
    double frac = 0;
    int y, mo, d, h, mi, s;
    if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) return -1;
    size_t dot = iso.find('.');
    if (dot != std::string::npos) frac = std::atof(("0" + iso.substr(dot, 7)).c_str());
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return static_cast<double>(timegm(&tm)) + frac;
}

void EmitYaml(YAML::Emitter& out, const Json& v, int depth = 0) {
    if (v.is_object()) {
        out << YAML::BeginMap;
        for (const auto& [k, x] : v.items()) {
            if (depth > 0 && k == "name" && !x.is_object()) continue;  // implied by the key
            out << YAML::Key << k << YAML::Value;
            EmitYaml(out, x, depth + 1);
        }
        out << YAML::EndMap;
    } else if (v.is_array()) {
        out << YAML::BeginSeq;
        for (const auto& x : v) EmitYaml(out, x, depth + 1);
        out << YAML::EndSeq;
    } else if (v.is_string()) {
        out << v.get<std::string>();
    } else if (v.is_boolean()) {
        out << (v.get<bool>() ? "true" : "false");
    } else if (v.is_null()) {
        out << YAML::Null;
    } else {
        out << v.dump();
    }
}

std::vector<std::string> ListDir(const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        std::string n = e.path().filename().string();
        if (n.size() > 4 && n.substr(n.size() - 4) == ".tmp") continue;
        out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Completed load ids: the package store's `load/loaded`, else loads.jsonl.
std::vector<std::string> CompletedLoads(const std::string& wd) {
    auto loaded = ListDir(fs::path(wd) / "load" / pipeline::kPackageLoaded);
    if (!loaded.empty()) return loaded;
    std::vector<std::string> ids;
    std::ifstream in(fs::path(wd) / "loads.jsonl");
    std::string line;
    while (std::getline(in, line)) {
        auto j = ParseJson(line);
        if (j && j->is_object() && (*j)["load_id"].is_string()) ids.push_back((*j)["load_id"]);
    }
    return ids;
}

}  // namespace

std::string PyText(const Json& v) {
    if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
    if (v.is_null()) return "None";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {
        std::string out = "[";
        for (size_t i = 0; i < v.size(); ++i) {
            out += (i ? ", " : "") + (v[i].is_string() ? PyQuoted(v[i]) : PyText(v[i]));
        }
        return out + "]";
    }
    return v.dump();
}

std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width(header.size(), 0);
    for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
    for (const auto& r : rows) {
        for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (size_t i = 0; i < width.size(); ++i) {
            std::string c = i < cells.size() ? cells[i] : "";
            out += (i ? " | " : "") + c;
            if (i + 1 < width.size()) out += std::string(width[i] - c.size(), ' ');
        }
        return out + "\n";
    };
    std::string out = line(header);
    for (size_t i = 0; i < width.size(); ++i) out += (i ? "-+-" : "") + std::string(width[i], '-');
    out += "\n";
    for (const auto& r : rows) out += line(r);
    out += "(" + std::to_string(rows.size()) + (rows.size() == 1 ? " row)\n" : " rows)\n");
    return out;
}

Result<InspectFlags> ParseInspectArgs(const std::vector<std::string>& args) {
    InspectFlags f;
    f.name = args.at(0);
    f.subcommand = args.at(1);
    for (size_t i = 2; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string* out) -> Status {
            if (i + 1 >= args.size()) {
                return MakeError(ErrorCode::kInvalidArgument, "option " + a + " needs a value");
            }
            *out = args[++i];
            return {};
        };
        if (a == "--pipelines-dir") {
            OC_TRY(value(&f.pipelines_dir));
        } else if (a == "--data-dir") {
            OC_TRY(value(&f.data_dir));
        } else if (a == "--query" || a == "-q") {
            OC_TRY(value(&f.query));
        } else if (a == "--format") {
            OC_TRY(value(&f.format));
        } else if (a == "--token") {
            OC_TRY(value(&f.token));
        } else if (a == "-v" || a == "--verbose") {
            f.verbose = true;
        } else if (a == "-y" || a == "--yes") {
            f.yes = true;
        } else if (!a.empty() && a[0] == '-') {
            return MakeError(ErrorCode::kInvalidArgument, "unknown option " + a + " for pipeline " + f.subcommand);
        } else {
            f.args.push_back(a);
        }
    }
    return f;
}

Result<std::string> FindWorkingDir(const InspectFlags& flags, std::string* pipelines_dir) {
    std::string dir = pipeline::ResolvePipelinesDir(flags.pipelines_dir, flags.data_dir);
    if (pipelines_dir != nullptr) *pipelines_dir = dir;
    std::string wd = pipeline::WorkingDir(dir, flags.name);
    std::error_code ec;
    if (!fs::exists(fs::path(wd) / "state.json", ec) && !fs::exists(fs::path(wd) / "trace.json", ec)) {
        return MakeError(ErrorCode::kNotFound,
                         "pipeline " + flags.name + " not found in " + dir +
                             " (run it first, or pass --pipelines-dir / --data-dir)");
    }
    return wd;
}

int PipelineInfo(const InspectFlags& flags) {
    std::string dir;
    auto wd = FindWorkingDir(flags, &dir);
    if (!wd) return CliFail(wd.error().message);
    std::printf("Found pipeline %s in %s\n", flags.name.c_str(), dir.c_str());
    auto state = pipeline::ReadWorkingJson((fs::path(*wd) / "state.json").string());
    if (state) {
        std::printf("Synchronized state:\n");
        for (const auto& [k, v] : state->items()) {
            if (k == "sources" || k == "_local") continue;
            std::printf("%s: %s\n", k.c_str(), PyText(v).c_str());
        }
        std::printf("\nsources:\n");
        if (flags.verbose) {
            std::printf("%s\n", state->value("sources", Json::object()).dump(4).c_str());
        } else {
            std::printf("Add -v option to see sources state. Note that it could be large.\n");
        }
        std::printf("\nLocal state:\n");
        const Json local = state->value("_local", Json::object());
        for (const auto& [k, v] : local.items()) {
            if (v.is_object()) {
                for (const auto& [k2, v2] : v.items())
                    std::printf("%s['%s']: %s\n", k.c_str(), k2.c_str(), PyText(v2).c_str());
            } else {
                std::printf("%s: %s\n", k.c_str(), PyText(v).c_str());
            }
        }
        std::string schema_name = state->value("default_schema_name", std::string("rest_api"));
        auto schema = pipeline::ReadSchema(*wd, schema_name);
        std::printf("\nResources in schema: %s\n", schema_name.c_str());
        if (schema) {
            std::map<std::string, int> tables_of;
            std::vector<std::string> order;
            const Json& all = schema->at("tables");
            for (const auto& [t, entry] : all.items()) {
                if (t.rfind("_dlt", 0) == 0) continue;
                std::string root = t;
                const Json* e = &entry;
                while (e->contains("parent") && all.contains(e->at("parent").get<std::string>())) {
                    root = e->at("parent").get<std::string>();
                    e = &all.at(root);
                }
                std::string res = e->value("resource", root);
                if (tables_of.find(res) == tables_of.end()) order.push_back(res);
                ++tables_of[res];
            }
            const Json resources = state->value("sources", Json::object())
                                       .value(schema_name, Json::object())
                                       .value("resources", Json::object());
            for (const auto& res : order) {
                int slots = resources.contains(res) ? static_cast<int>(resources[res].size()) : 0;
                std::printf("%s with %d table(s) and %d resource state slot(s)\n", res.c_str(),
                            tables_of[res], slots);
            }
        }
    }
    std::printf("\nWorking dir content:\n");
    auto ids = CompletedLoads(*wd);
    if (ids.empty()) {
        std::printf("No completed load packages found\n");
    } else {
        std::printf("Has %zu completed load packages with following load ids:\n", ids.size());
        for (const auto& id : ids) std::printf("%s\n", id.c_str());
    }
    auto normalized = ListDir(fs::path(*wd) / "load" / pipeline::kPackageNormalized);
    if (!normalized.empty()) {
        std::printf("Has %zu normalized packages ready to be loaded with following load ids:\n",
                    normalized.size());
        for (const auto& id : normalized) std::printf("%s\n", id.c_str());
    }
    auto extracted = ListDir(fs::path(*wd) / "load" / pipeline::kPackageNew);
    if (!extracted.empty()) {
        std::printf("Has %zu extracted packages ready to be normalized with following load ids:\n",
                    extracted.size());
        for (const auto& id : extracted) std::printf("%s\n", id.c_str());
    }
    std::error_code ec;
    if (fs::exists(fs::path(*wd) / "trace.json", ec)) {
        std::printf("\nPipeline has last run trace. Use 'cortex pipeline %s trace' to inspect \n",
                    flags.name.c_str());
    }
    return 0;
}

int PipelineTrace(const InspectFlags& flags) {
    auto wd = FindWorkingDir(flags, nullptr);
    if (!wd) return CliFail(wd.error().message);
    auto trace = pipeline::ReadWorkingJson((fs::path(*wd) / "trace.json").string());
    if (!trace) return CliFail("pipeline " + flags.name + " has no last run trace");
    const Json& t = *trace;
    std::string status = t.value("status", std::string("COMPLETED"));
    double elapsed = t.value("elapsed_seconds", -1.0);
    if (elapsed < 0) {
        double a = IsoSeconds(t.value("started_at", std::string()));
        double b = IsoSeconds(t.value("finished_at", std::string()));
        elapsed = a >= 0 && b >= a ? b - a : 0;
    }
    const Json steps = t.value("steps", Json::array());
    std::printf("Run started at %s and %s in %s with %zu steps.\n",
                t.value("started_at", std::string()).c_str(), status.c_str(),
                pipeline::FormatElapsed(elapsed).c_str(), steps.empty() ? size_t{1} : steps.size());
    if (status == "FAILED") {
        std::printf("Step run FAILED in %s.\nFailed due to: %s\n", pipeline::FormatElapsed(elapsed).c_str(),
                    t.value("error", std::string()).c_str());
        return 0;
    }
    for (const auto& s : steps) {
        std::string step = s.value("step", std::string());
        std::printf("\nStep %s COMPLETED in %s.\n", step.c_str(),
                    pipeline::FormatElapsed(s.value("elapsed_seconds", 0.0)).c_str());
        if (step == "extract") {
            std::printf("Extracted data for the following resources (%d request(s)):\n",
                        s.value("requests", 0));
            const Json rows = s.value("rows", Json::object());
            for (const auto& [r, n] : rows.items())
                std::printf("- %s: %s row(s)\n", r.c_str(), n.dump().c_str());
        } else if (step == "normalize") {
            const Json rows = s.value("rows", Json::object());
            if (rows.empty()) {
                std::printf("No data found to normalize\n");
            } else {
                std::printf("Normalized data for the following tables:\n");
                for (const auto& [r, n] : rows.items())
                    std::printf("- %s: %s row(s)\n", r.c_str(), n.dump().c_str());
            }
        } else {
            std::fputs(s.value("load_info", std::string()).c_str(), stdout);
        }
    }
    return 0;
}

int PipelineSchema(const InspectFlags& flags) {
    auto wd = FindWorkingDir(flags, nullptr);
    if (!wd) return CliFail(wd.error().message);
    auto state = pipeline::ReadWorkingJson((fs::path(*wd) / "state.json").string());
    std::string schema_name =
        state ? state->value("default_schema_name", std::string("rest_api")) : "rest_api";
    auto schema = pipeline::ReadSchema(*wd, schema_name);
    if (!schema) return CliFail("pipeline " + flags.name + " has no stored schema yet");
    if (flags.format != "yaml" && flags.format != "json") {
        return CliFail("unknown schema format '" + flags.format + "' (yaml or json)");
    }
    std::printf("Found schema with name %s\n", schema_name.c_str());
    if (flags.format == "json") {
        std::printf("%s\n", schema->dump(2).c_str());
        return 0;
    }
    YAML::Emitter out;
    EmitYaml(out, *schema);
    std::printf("%s\n", out.c_str());
    return 0;
}

}  // namespace oc::cli
