// The sandbox for user SQL on the data instance: user SQL may read and change the attached
// databases but never touch files, extensions or settings. Three layers, each enough for most
// attacks alone:
//  1. LockDownDataInstance: DuckDB itself refuses file access outside <data_dir>/databases
//     (enable_external_access=false + allowed_directories), extension loading, and config
//     changes (lock_configuration). Irreversible for the life of the instance.
//  2. CheckSqlText: before DuckDB sees the text (DuckDB parses IMPORT DATABASE by reading files
//     and binds EXPORT by creating directories), refuse statement kinds and functions that reach
//     files, extensions or settings.
//  3. CheckStatementType: after prepare, only known-safe statement types run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/sql_lexer.h"

namespace oc::store {

class Connection;
class Prepared;

// Wire code of every refusal (a SQL compilation error); HTTP 422.
inline constexpr const char* kRefusedWireCode = "002140";

struct LockDownOptions {
    // Directories user SQL (and the server's own ATTACH of database files) may still reach.
    // Give each both as the server spells it and absolute: DuckDB compares path prefixes.
    std::vector<std::string> allowed_directories;
    // Also freeze every setting (SET/PRAGMA/RESET of config fail). USE and SET VARIABLE still
    // work; global settings such as TimeZone can no longer be changed by anyone.
    bool lock_configuration = true;
};

// The directories LockDownDataInstance must allow for a data dir: databases/ relative as given
// and absolute.
std::vector<std::string> DataInstanceDirectories(const std::string& data_dir);

// Applies layer 1 on any connection of the data instance. Idempotent: a second call (or a call on
// an instance that is already locked down) succeeds without changing anything.
Status LockDownDataInstance(Connection& conn, const LockDownOptions& options);

// Layer 2 over every statement of one request. PermissionDenied (002140, HTTP 422) naming what was
// refused.
Status CheckSqlText(const std::vector<SqlStatementText>& statements);

// Layer 3 for one prepared statement; `statement` is its text as split by SplitSqlStatements
// (may be null when the split did not match DuckDB's).
Status CheckStatementType(Prepared& prepared, const SqlStatementText* statement);

}  // namespace oc::store
