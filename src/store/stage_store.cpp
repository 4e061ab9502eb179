#include "store/stage_store.h"

#include "common/crypto_api.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "common/clock.h"
#include "common/identifier.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/text.h"

namespace oc::store {
namespace fs = std::filesystem;
namespace {

constexpr const char* kMetaSuffix = ".stage.json";
constexpr size_t kMaxPathBytes = 1024;

// Serialises create/drop of stages across every StageStore of the process.
std::mutex& DdlMutex() {
    static std::mutex mu;
    return mu;
}

// Keeps [A-Za-z0-9_$-]; every other byte becomes %XX, so no name can be "..", hold a '/' or
// end in kMetaSuffix.
std::string EncodeName(const std::string& name) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : name) {
        if (std::isalnum(c) || c == '_' || c == '$' || c == '-') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string Qualified(const std::string& db, const std::string& schema, const std::string& name) {
    return db + "." + schema + "." + name;
}

Error StageNotFound(const std::string& db, const std::string& schema, const std::string& name) {
    return MakeError(ErrorCode::kNotFound, "Stage '" + Qualified(db, schema, name) +
                                               "' does not exist or not authorized.");
}

std::string Md5Hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_md5(), nullptr);
    return HexLower(std::string_view(reinterpret_cast<const char*>(digest), len));
}

Result<std::string> ReadWhole(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, "cannot read " + p.filename().string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int64_t MtimeMillis(const fs::path& p) {
    std::error_code ec;
    auto t = fs::last_write_time(p, ec);
    if (ec) return 0;
    auto sys = std::chrono::file_clock::to_sys(t);
    return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

Result<StageFileInfo> Describe(const fs::path& root, const fs::path& file) {
    OC_ASSIGN_OR_RETURN(std::string bytes, ReadWhole(file));
    StageFileInfo info;
    info.path = fs::relative(file, root).generic_string();
    info.size = static_cast<int64_t>(bytes.size());
    info.md5 = Md5Hex(bytes);
    info.last_modified_ms = MtimeMillis(file);
    return info;
}

Json StageToJson(const StageInfo& s) {
    return Json{{"database_name", s.database_name},
                {"schema_name", s.schema_name},
                {"name", s.name},
                {"kind", s.kind},
                {"comment", s.comment},
                {"owner", s.owner},
                {"created_on", s.created_on_ms}};
}

std::optional<StageInfo> StageFromJson(const std::string& text) {
    auto j = ParseJson(text);
    if (!j || !j->is_object()) return std::nullopt;
    StageInfo s;
    s.database_name = j->value("database_name", "");
    s.schema_name = j->value("schema_name", "");
    s.name = j->value("name", "");
    s.kind = j->value("kind", "PERMANENT");
    s.comment = j->value("comment", "");
    s.owner = j->value("owner", "");
    s.created_on_ms = j->value("created_on", int64_t{0});
    if (s.name.empty()) return std::nullopt;
    return s;
}

}  // namespace

Result<StageFileRef> ParseStageFileRef(std::string_view ref) {
    std::string_view text = ref;
    if (text.empty() || text[0] != '@') {
        return MakeError(ErrorCode::kInvalidArgument,
                         "semantic_model_file must be a stage path '@DB.SCHEMA.STAGE/path', got '" +
                             std::string(ref) + "'");
    }
    text.remove_prefix(1);
    bool quoted = false;
    size_t slash = std::string_view::npos;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '"') quoted = !quoted;
        if (text[i] == '/' && !quoted) {
            slash = i;
            break;
        }
    }
    if (slash == std::string_view::npos) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            "stage path '" + std::string(ref) + "' names no file (expected @DB.SCHEMA.STAGE/path)");
    }
    auto parts = ParseQualifiedName(text.substr(0, slash));
    if (!parts || parts->size() != 3) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "stage path '" + std::string(ref) +
                             "' must name the stage fully: @DB.SCHEMA.STAGE/path");
    }
    OC_ASSIGN_OR_RETURN(std::string path, NormalizeStagePath(text.substr(slash + 1)));
    return StageFileRef{(*parts)[0], (*parts)[1], (*parts)[2], std::move(path)};
}

Result<std::string> NormalizeStagePath(std::string_view path) {
    auto bad = [&](const std::string& why) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "invalid stage file path '" + std::string(path) + "': " + why);
    };
    if (path.size() > kMaxPathBytes) return bad("longer than 1024 bytes");
    if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
        return bad("NUL and backslash are not allowed");
    }
    std::string out;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = std::min(path.find('/', start), path.size());
        std::string_view seg = path.substr(start, end - start);
        if (seg == "." || seg == "..") return bad("'.' and '..' segments are not allowed");
        if (!seg.empty()) {
            if (!out.empty()) out += '/';
            out += seg;
        }
        start = end + 1;
    }
    if (out.empty()) return bad("empty");
    return out;
}

StageStore::StageStore(std::string data_dir) : root_((fs::path(data_dir) / "stages").string()) {}

std::string StageStore::SchemaDir(const std::string& db, const std::string& schema) const {
    return (fs::path(root_) / EncodeName(db) / EncodeName(schema)).string();
}

std::string StageStore::StageDir(const std::string& db, const std::string& schema,
                                 const std::string& name) const {
    return (fs::path(SchemaDir(db, schema)) / EncodeName(name)).string();
}

Status StageStore::WriteAtomically(const std::string& target, std::string_view bytes) const {
    std::error_code ec;
    fs::path tmp_dir = fs::path(root_) / ".tmp";
    fs::create_directories(tmp_dir, ec);
    fs::create_directories(fs::path(target).parent_path(), ec);
    if (ec)
        return MakeError(ErrorCode::kInternal, "cannot create stage directory: " + ec.message());
    fs::path tmp = tmp_dir / RandomHex(8);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) return MakeError(ErrorCode::kInternal, "cannot write stage file");
    }
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return MakeError(ErrorCode::kInternal, "cannot store stage file: " + ec.message());
    }
    return {};
}

Result<CreateOutcome> StageStore::Create(const StageInfo& info, CreateMode mode) {
    std::lock_guard<std::mutex> lock(DdlMutex());
    const std::string dir = StageDir(info.database_name, info.schema_name, info.name);
    const std::string meta = dir + kMetaSuffix;
    std::error_code ec;
    CreateOutcome outcome = CreateOutcome::kCreated;
    if (fs::exists(meta, ec)) {
        if (mode == CreateMode::kErrorIfExists) {
            return MakeError(ErrorCode::kAlreadyExists,
                             "Object '" + info.name + "' already exists.");
        }
        if (mode == CreateMode::kIfNotExists) return CreateOutcome::kExisted;
        fs::remove_all(dir, ec);
        outcome = CreateOutcome::kReplaced;
    }
    StageInfo stored = info;
    if (stored.created_on_ms == 0) stored.created_on_ms = NowMillis();
    fs::create_directories(dir, ec);
    if (ec)
        return MakeError(ErrorCode::kInternal, "cannot create stage directory: " + ec.message());
    OC_TRY(WriteAtomically(meta, StageToJson(stored).dump()));
    return outcome;
}

Status StageStore::Drop(const std::string& db, const std::string& schema, const std::string& name,
                        bool if_exists) {
    std::lock_guard<std::mutex> lock(DdlMutex());
    const std::string dir = StageDir(db, schema, name);
    std::error_code ec;
    if (!fs::exists(dir + kMetaSuffix, ec)) {
        if (if_exists) return {};
        return StageNotFound(db, schema, name);
    }
    fs::remove(dir + kMetaSuffix, ec);
    fs::remove_all(dir, ec);
    return {};
}

std::optional<StageInfo> StageStore::Get(const std::string& db, const std::string& schema,
                                         const std::string& name) const {
    auto text = ReadWhole(StageDir(db, schema, name) + kMetaSuffix);
    if (!text) return std::nullopt;
    return StageFromJson(*text);
}

std::vector<StageInfo> StageStore::List(const std::string& db, const std::string& schema) const {
    std::vector<StageInfo> out;
    std::error_code ec;
    for (fs::directory_iterator it(SchemaDir(db, schema), ec), end; !ec && it != end;
         it.increment(ec)) {
        const std::string file = it->path().filename().string();
        if (file.size() <= std::string_view(kMetaSuffix).size() || !file.ends_with(kMetaSuffix))
            continue;
        auto text = ReadWhole(it->path());
        if (!text) continue;
        if (auto info = StageFromJson(*text)) out.push_back(std::move(*info));
    }
    std::sort(out.begin(), out.end(),
              [](const StageInfo& a, const StageInfo& b) { return a.name < b.name; });
    return out;
}

Result<std::vector<StageFileInfo>> StageStore::ListFiles(const std::string& db,
                                                         const std::string& schema,
                                                         const std::string& stage) const {
    if (!Get(db, schema, stage)) return StageNotFound(db, schema, stage);
    const fs::path root = StageDir(db, schema, stage);
    std::vector<StageFileInfo> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
        auto info = Describe(root, it->path());
        if (info) out.push_back(std::move(*info));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return out;
}

Result<StageFileInfo> StageStore::PutFile(const std::string& db, const std::string& schema,
                                          const std::string& stage, std::string_view path,
                                          std::string_view bytes) {
    OC_ASSIGN_OR_RETURN(std::string rel, NormalizeStagePath(path));
    if (!Get(db, schema, stage)) return StageNotFound(db, schema, stage);
    const fs::path root = StageDir(db, schema, stage);
    std::error_code ec;
    // A directory where the file should go (or a file where a directory should) is a conflict.
    if (fs::is_directory(root / rel, ec)) {
        return MakeError(ErrorCode::kInvalidArgument, "stage path '" + rel + "' is a directory");
    }
    for (fs::path parent = fs::path(rel).parent_path(); !parent.empty();
         parent = parent.parent_path()) {
        if (fs::is_regular_file(root / parent, ec)) {
            return MakeError(
                ErrorCode::kInvalidArgument,
                "stage path '" + rel + "' runs through the file '" + parent.generic_string() + "'");
        }
    }
    OC_TRY(WriteAtomically((root / rel).string(), bytes));
    StageFileInfo info;
    info.path = rel;
    info.size = static_cast<int64_t>(bytes.size());
    info.md5 = Md5Hex(bytes);
    info.last_modified_ms = MtimeMillis(root / rel);
    return info;
}

Result<std::string> StageStore::ReadFile(const std::string& db, const std::string& schema,
                                         const std::string& stage, std::string_view path) const {
    OC_ASSIGN_OR_RETURN(std::string rel, NormalizeStagePath(path));
    if (!Get(db, schema, stage)) return StageNotFound(db, schema, stage);
    const fs::path file = fs::path(StageDir(db, schema, stage)) / rel;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec) || fs::is_symlink(file, ec)) {
        return MakeError(ErrorCode::kNotFound, "File '@" + Qualified(db, schema, stage) + "/" +
                                                   rel + "' does not exist or not authorized.");
    }
    return ReadWhole(file);
}

Status StageStore::RemoveFile(const std::string& db, const std::string& schema,
                              const std::string& stage, std::string_view path) {
    OC_ASSIGN_OR_RETURN(std::string rel, NormalizeStagePath(path));
    if (!Get(db, schema, stage)) return StageNotFound(db, schema, stage);
    const fs::path file = fs::path(StageDir(db, schema, stage)) / rel;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec) || !fs::remove(file, ec)) {
        return MakeError(ErrorCode::kNotFound, "File '@" + Qualified(db, schema, stage) + "/" +
                                                   rel + "' does not exist or not authorized.");
    }
    return {};
}

void StageStore::ForgetDropped(const std::string& db, const std::string* schema) {
    std::lock_guard<std::mutex> lock(DdlMutex());
    std::error_code ec;
    fs::path p = fs::path(root_) / EncodeName(db);
    if (schema) p /= EncodeName(*schema);
    fs::remove_all(p, ec);
}

}  // namespace oc::store
