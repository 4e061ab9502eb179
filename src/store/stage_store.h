// Internal stages as directories: <data_dir>/stages/<DB>/<SCHEMA>/<STAGE>/<path> holds the files,
// <STAGE>.stage.json beside it the stage's metadata. Names are percent-encoded on disk. Writes go
// through a temp file and rename, so several StageStore objects over one data dir are safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/catalog.h"

namespace oc::store {

struct StageInfo {
    std::string database_name;  // stored (case-resolved) names
    std::string schema_name;
    std::string name;
    std::string kind = "PERMANENT";  // PERMANENT | TEMPORARY
    std::string comment;
    std::string owner;
    int64_t created_on_ms = 0;
};

struct StageFileInfo {
    std::string path;  // relative to the stage root, '/'-separated, e.g. "models/sales.yaml"
    int64_t size = 0;
    std::string md5;  // lower-case hex
    int64_t last_modified_ms = 0;
};

// A parsed "@DB.SCHEMA.STAGE/path/file.yaml" reference (reference agents-api.md §6.1).
struct StageFileRef {
    std::string database;
    std::string schema;
    std::string stage;
    std::string path;
};

// Parses a fully qualified stage file reference; kInvalidArgument naming what is wrong.
Result<StageFileRef> ParseStageFileRef(std::string_view ref);

// Checks a file path inside a stage: non-empty, at most 1024 bytes, no NUL or backslash, no
// "." or ".." segment. Returns it without leading '/' and with repeated '/' collapsed.
Result<std::string> NormalizeStagePath(std::string_view path);

class StageStore {
public:
    explicit StageStore(std::string data_dir);

    // kAlreadyExists (002002) under kErrorIfExists; kOrReplace empties the stage.
    Result<CreateOutcome> Create(const StageInfo& info, CreateMode mode);
    // Removes the stage with its files; kNotFound (002003) unless if_exists.
    Status Drop(const std::string& db, const std::string& schema, const std::string& name,
                bool if_exists);
    std::optional<StageInfo> Get(const std::string& db, const std::string& schema,
                                 const std::string& name) const;
    std::vector<StageInfo> List(const std::string& db, const std::string& schema) const;  // by name

    // Every file of the stage, sorted by path. kNotFound when the stage does not exist.
    Result<std::vector<StageFileInfo>> ListFiles(const std::string& db, const std::string& schema,
                                                 const std::string& stage) const;
    // Writes (or overwrites) a file; returns what LIST would show for it.
    Result<StageFileInfo> PutFile(const std::string& db, const std::string& schema,
                                  const std::string& stage, std::string_view path,
                                  std::string_view bytes);
    // The bytes of a file; kNotFound (002003) naming the stage file when stage or file is missing.
    Result<std::string> ReadFile(const std::string& db, const std::string& schema,
                                 const std::string& stage, std::string_view path) const;
    Result<std::string> ReadFile(const StageFileRef& ref) const {
        return ReadFile(ref.database, ref.schema, ref.stage, ref.path);
    }
    Status RemoveFile(const std::string& db, const std::string& schema, const std::string& stage,
                      std::string_view path);

    // Deletes the stages of a dropped database (schema null) or schema (Catalog::OnDrop).
    void ForgetDropped(const std::string& db, const std::string* schema);

private:
    std::string SchemaDir(const std::string& db, const std::string& schema) const;
    std::string StageDir(const std::string& db, const std::string& schema,
                         const std::string& name) const;
    Status WriteAtomically(const std::string& target, std::string_view bytes) const;

    std::string root_;  // <data_dir>/stages
};

}  // namespace oc::store
