#include "cli/stage_cmd.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "cli/token_cmd.h"
#include "common/clock.h"
#include "common/identifier.h"
#include "common/json.h"
#include "common/text.h"
#include "net/client/http_client.h"
#include "store/stage_store.h"

namespace oc::cli {
namespace {

namespace fs = std::filesystem;

struct StageFlags {
    std::vector<std::string> args;  // put: LOCAL_FILE... STAGE; ls/rm: STAGE
    std::string data_dir = "./cortex-data";
    std::string url;
    std::string token;
    bool overwrite = false;
};

// One file as LIST shows it.
struct FileRow {
    std::string path;  // relative to the stage root
    int64_t size = 0;
    std::string md5;
    std::string last_modified;  // "Tue, 13 Apr 2021 20:40:26 GMT"
};

FileRow RowOf(const store::StageFileInfo& f) {
    return FileRow{f.path, f.size, f.md5, FormatHttpDate(f.last_modified_ms)};
}

std::string Qualified(const StageLocation& loc) {
    return "@" + loc.database + "." + loc.schema + "." + loc.stage;
}

// How the command reaches the stage: the data dir, or a server's REST API.
class StageBackend {
public:
    virtual ~StageBackend() = default;
    // Every file of the stage, sorted by path.
    virtual Result<std::vector<FileRow>> List(const StageLocation& loc) = 0;
    virtual Result<FileRow> Put(const StageLocation& loc, const std::string& path,
                                std::string_view bytes) = 0;
    virtual Status Remove(const StageLocation& loc, const std::string& path) = 0;
};

class LocalBackend : public StageBackend {
public:
    explicit LocalBackend(const std::string& data_dir) : stages_(data_dir) {}

    Result<std::vector<FileRow>> List(const StageLocation& loc) override {
        OC_ASSIGN_OR_RETURN(auto files, stages_.ListFiles(loc.database, loc.schema, loc.stage));
        std::vector<FileRow> rows;
        for (const auto& f : files) rows.push_back(RowOf(f));
        return rows;
    }
    Result<FileRow> Put(const StageLocation& loc, const std::string& path,
                        std::string_view bytes) override {
        OC_ASSIGN_OR_RETURN(auto info,
                            stages_.PutFile(loc.database, loc.schema, loc.stage, path, bytes));
        return RowOf(info);
    }
    Status Remove(const StageLocation& loc, const std::string& path) override {
        return stages_.RemoveFile(loc.database, loc.schema, loc.stage, path);
    }

private:
    store::StageStore stages_;
};

class RestBackend : public StageBackend {
public:
    RestBackend(std::string url, std::string token) : url_(std::move(url)), token_(std::move(token)) {
        while (!url_.empty() && url_.back() == '/') url_.pop_back();
    }

    Result<std::vector<FileRow>> List(const StageLocation& loc) override {
        OC_ASSIGN_OR_RETURN(Json body, Call("GET", FilesUrl(loc), ""));
        if (!body.is_array()) return BadReply("a file list");
        std::vector<FileRow> rows;
        for (const Json& f : body) {
            OC_ASSIGN_OR_RETURN(FileRow row, ParseRow(f));
            rows.push_back(std::move(row));
        }
        return rows;
    }
    Result<FileRow> Put(const StageLocation& loc, const std::string& path,
                        std::string_view bytes) override {
        OC_ASSIGN_OR_RETURN(Json body, Call("PUT", FilesUrl(loc) + "/" + PercentEncode(path),
                                            std::string(bytes)));
        return ParseRow(body);
    }
    Status Remove(const StageLocation& loc, const std::string& path) override {
        OC_TRY(Call("DELETE", FilesUrl(loc) + "/" + PercentEncode(path), ""));
        return {};
    }

private:
    std::string FilesUrl(const StageLocation& loc) const {
        auto seg = [](const std::string& name) { return PercentEncode(QuoteIdentifier(name)); };
        return url_ + "/api/v2/databases/" + seg(loc.database) + "/schemas/" + seg(loc.schema) +
               "/stages/" + seg(loc.stage) + "/files";
    }

    Error BadReply(const std::string& what) const {
        return MakeError(ErrorCode::kUnavailable, url_ + " did not answer with " + what);
    }

    // The name of LIST is "<stage in lower case>/<path>"; the path is what follows the '/'.
    Result<FileRow> ParseRow(const Json& f) const {
        if (!f.is_object() || !f.contains("name") || !f["name"].is_string())
            return BadReply("stage file objects");
        FileRow row;
        const std::string name = f["name"].get<std::string>();
        const size_t slash = name.find('/');
        row.path = slash == std::string::npos ? name : name.substr(slash + 1);
        const Json& size = f.contains("size") ? f["size"] : Json();
        if (size.is_string()) {
            row.size = std::strtoll(size.get<std::string>().c_str(), nullptr, 10);
        } else if (size.is_number_integer()) {
            row.size = size.get<int64_t>();
        }
        row.md5 = f.value("md5", "");
        row.last_modified = f.value("last_modified", "");
        return row;
    }

    Result<Json> Call(const std::string& method, const std::string& url, std::string body) const {
        net::ClientRequest req;
        req.method = method;
        req.url = url;
        req.body = std::move(body);
        req.max_retries = 0;
        req.connect_timeout_ms = 5000;
        req.total_timeout_ms = 60000;
        req.headers = {{"Authorization", "Bearer " + token_}, {"Accept", "application/json"}};
        if (method == "PUT") req.headers.emplace_back("Content-Type", "application/octet-stream");
        auto resp = net::HttpClient::Send(req);
        if (!resp) {
            return MakeError(resp.error().code,
                             "cannot reach " + url_ + ": " + resp.error().message);
        }
        auto parsed = ParseJson(resp->body);
        if (resp->status < 200 || resp->status >= 300) {
            std::string message = "HTTP " + std::to_string(resp->status);
            if (parsed && parsed->is_object() && parsed->contains("message") &&
                (*parsed)["message"].is_string()) {
                message = (*parsed)["message"].get<std::string>() + " (" + message + ")";
            }
            return MakeError(resp->status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                             message);
        }
        if (!parsed) return BadReply("JSON");
        return std::move(*parsed);
    }

    std::string url_;
    std::string token_;
};

std::string EnvOr(const std::string& flag, const char* env) {
    if (!flag.empty()) return flag;
    const char* v = std::getenv(env);
    return v ? v : "";
}

Result<std::unique_ptr<StageBackend>> OpenBackend(const StageFlags& f) {
    const std::string url = EnvOr(f.url, "CORTEX_URL");
    if (!url.empty()) {
        const std::string token = EnvOr(f.token, "CORTEX_TOKEN");
        if (token.empty()) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "--url needs a token: pass --token or set CORTEX_TOKEN");
        }
        if (!url.starts_with("http://") && !url.starts_with("https://")) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "--url must start with http:// or https://, got '" + url + "'");
        }
        return std::unique_ptr<StageBackend>(std::make_unique<RestBackend>(url, token));
    }
    std::error_code ec;
    if (!fs::exists(fs::path(f.data_dir) / "cortex.duckdb", ec)) {
        return MakeError(ErrorCode::kNotFound, "data dir " + f.data_dir +
                                                   " has no cortex.duckdb (wrong --data-dir? or "
                                                   "pass --url/--token to use a server)");
    }
    return std::unique_ptr<StageBackend>(std::make_unique<LocalBackend>(f.data_dir));
}

Result<std::string> ReadLocalFile(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        return MakeError(ErrorCode::kNotFound, "cannot read " + path + ": not a regular file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, "cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return MakeError(ErrorCode::kInternal, "read error on " + path);
    return ss.str();
}

// Files of rows whose path starts with prefix (Snowflake LIST/REMOVE semantics).
std::vector<FileRow> Matching(const std::vector<FileRow>& rows, const std::string& prefix) {
    std::vector<FileRow> out;
    for (const FileRow& r : rows) {
        if (r.path.starts_with(prefix)) out.push_back(r);
    }
    return out;
}

std::string ListName(const StageLocation& loc, const std::string& path) {
    return ToLowerAscii(loc.stage) + "/" + path;
}

void RunPut(const StageFlags& f, int& exit_code) {
    if (f.args.size() < 2) {
        return ReportError(MakeError(ErrorCode::kInvalidArgument,
                                     "usage: cortex stage put LOCAL_FILE... @DB.SCHEMA.STAGE[/dir]"),
                           exit_code);
    }
    auto loc = ParseStageLocation(f.args.back());
    if (!loc) return ReportError(loc.error(), exit_code);
    std::vector<std::pair<std::string, std::string>> files;  // source, bytes
    for (size_t i = 0; i + 1 < f.args.size(); ++i) {
        auto bytes = ReadLocalFile(f.args[i]);
        if (!bytes) return ReportError(bytes.error(), exit_code);
        files.emplace_back(f.args[i], std::move(*bytes));
    }
    auto backend = OpenBackend(f);
    if (!backend) return ReportError(backend.error(), exit_code);
    std::vector<FileRow> existing;
    if (!f.overwrite) {
        auto listed = (*backend)->List(*loc);
        if (!listed) return ReportError(listed.error(), exit_code);
        existing = std::move(*listed);
    }
    std::printf("source\ttarget\tsize\tmd5\tstatus\n");
    for (const auto& [source, bytes] : files) {
        const std::string name = fs::path(source).filename().string();
        const std::string target = loc->path.empty() ? name : loc->path + "/" + name;
        const FileRow* old = nullptr;
        for (const FileRow& r : existing) {
            if (r.path == target) old = &r;
        }
        if (old) {
            std::printf("%s\t%s\t%lld\t%s\tSKIPPED\n", source.c_str(), ListName(*loc, target).c_str(),
                        static_cast<long long>(old->size), old->md5.c_str());
            continue;
        }
        auto row = (*backend)->Put(*loc, target, bytes);
        if (!row) return ReportError(row.error(), exit_code);
        std::printf("%s\t%s\t%lld\t%s\tUPLOADED\n", source.c_str(),
                    ListName(*loc, row->path).c_str(), static_cast<long long>(row->size),
                    row->md5.c_str());
    }
}

void RunList(const StageFlags& f, int& exit_code) {
    if (f.args.size() != 1) {
        return ReportError(MakeError(ErrorCode::kInvalidArgument,
                                     "usage: cortex stage ls @DB.SCHEMA.STAGE[/prefix]"),
                           exit_code);
    }
    auto loc = ParseStageLocation(f.args[0]);
    if (!loc) return ReportError(loc.error(), exit_code);
    auto backend = OpenBackend(f);
    if (!backend) return ReportError(backend.error(), exit_code);
    auto rows = (*backend)->List(*loc);
    if (!rows) return ReportError(rows.error(), exit_code);
    std::printf("name\tsize\tmd5\tlast_modified\n");
    for (const FileRow& r : Matching(*rows, loc->path)) {
        std::printf("%s\t%lld\t%s\t%s\n", ListName(*loc, r.path).c_str(),
                    static_cast<long long>(r.size), r.md5.c_str(), r.last_modified.c_str());
    }
}

void RunRemove(const StageFlags& f, int& exit_code) {
    if (f.args.size() != 1) {
        return ReportError(MakeError(ErrorCode::kInvalidArgument,
                                     "usage: cortex stage rm @DB.SCHEMA.STAGE/path"),
                           exit_code);
    }
    auto loc = ParseStageLocation(f.args[0]);
    if (!loc) return ReportError(loc.error(), exit_code);
    if (loc->path.empty()) {
        return ReportError(MakeError(ErrorCode::kInvalidArgument,
                                     "stage rm needs a file path or prefix: " + Qualified(*loc) +
                                         "/path"),
                           exit_code);
    }
    auto backend = OpenBackend(f);
    if (!backend) return ReportError(backend.error(), exit_code);
    auto rows = (*backend)->List(*loc);
    if (!rows) return ReportError(rows.error(), exit_code);
    std::vector<FileRow> doomed = Matching(*rows, loc->path);
    if (doomed.empty()) {
        return ReportError(MakeError(ErrorCode::kNotFound, "no file of " + Qualified(*loc) +
                                                               " matches '" + loc->path + "'"),
                           exit_code);
    }
    std::printf("name\tresult\n");
    for (const FileRow& r : doomed) {
        Status st = (*backend)->Remove(*loc, r.path);
        if (!st) return ReportError(st.error(), exit_code);
        std::printf("%s\tremoved\n", ListName(*loc, r.path).c_str());
    }
}

void AddCommonOptions(CLI::App* cmd, StageFlags& flags) {
    cmd->add_option("--data-dir", flags.data_dir, "Data directory")->capture_default_str();
    cmd->add_option("--url", flags.url,
                    "Use the REST API of this server instead of the data dir (or CORTEX_URL)");
    cmd->add_option("--token", flags.token, "Access token for --url (or CORTEX_TOKEN)");
}

}  // namespace

Result<StageLocation> ParseStageLocation(std::string_view text) {
    auto bad = [&](const std::string& why) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "stage location '" + std::string(text) + "' " + why);
    };
    if (text.empty() || text[0] != '@') return bad("must start with '@' (@DB.SCHEMA.STAGE[/path])");
    std::string_view rest = text.substr(1);
    bool quoted = false;
    size_t slash = rest.size();
    for (size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '"') quoted = !quoted;
        if (rest[i] == '/' && !quoted) {
            slash = i;
            break;
        }
    }
    auto parts = ParseQualifiedName(rest.substr(0, slash));
    if (!parts || parts->size() != 3) {
        return bad("must name the stage fully: @DB.SCHEMA.STAGE[/path]");
    }
    StageLocation loc{(*parts)[0], (*parts)[1], (*parts)[2], ""};
    if (slash < rest.size()) {
        std::string_view path = rest.substr(slash + 1);
        bool only_slashes = path.find_first_not_of('/') == std::string_view::npos;
        if (!only_slashes) {
            OC_ASSIGN_OR_RETURN(loc.path, store::NormalizeStagePath(path));
        }
    }
    return loc;
}

void AddStageCommand(CLI::App& root, int& exit_code) {
    auto flags = std::make_shared<StageFlags>();
    CLI::App* stage = root.add_subcommand(
        "stage", "Upload, list and remove files of internal stages (@DB.SCHEMA.STAGE/path)");
    stage->require_subcommand(1);

    CLI::App* put = stage->add_subcommand(
        "put", "Upload local files into a stage directory (like Snowflake PUT)");
    put->add_option("args", flags->args, "LOCAL_FILE... @DB.SCHEMA.STAGE[/dir]")
        ->required()
        ->expected(2, -1);
    put->add_flag("--overwrite", flags->overwrite, "Replace files that already exist");
    AddCommonOptions(put, *flags);
    put->callback([flags, &exit_code] { RunPut(*flags, exit_code); });

    CLI::App* ls = stage->add_subcommand("ls", "List stage files (like Snowflake LIST)");
    ls->add_option("stage", flags->args, "@DB.SCHEMA.STAGE[/prefix]")->required()->expected(1);
    AddCommonOptions(ls, *flags);
    ls->callback([flags, &exit_code] { RunList(*flags, exit_code); });

    CLI::App* rm = stage->add_subcommand(
        "rm", "Remove the stage files whose path starts with the given one (like REMOVE)");
    rm->add_option("path", flags->args, "@DB.SCHEMA.STAGE/path")->required()->expected(1);
    AddCommonOptions(rm, *flags);
    rm->callback([flags, &exit_code] { RunRemove(*flags, exit_code); });
}

}  // namespace oc::cli
