// Snowflake-style messages and codes for statement outcomes (reference sql-api.md §2.6, §2.8,
// §2.10): DDL status lines, DuckDB errors as wire codes, the multi-statement failure wrapper.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "store/sql_lexer.h"

namespace oc::store {

inline constexpr const char* kExecutedMessage = "Statement executed successfully.";

// "Table ORDERS successfully created.", "ORDERS successfully dropped.", or kExecutedMessage.
// Unquoted names are shown upper-case, as Snowflake resolves them.
std::string DdlStatusMessage(const SqlStatementText& statement);

// A DuckDB error message ("Binder Error: ...") as a 422 Error with a Snowflake code: 001003
// parser, 000904 binder, 002003 catalog, 100038 conversion, 100072 constraint, 000002 not
// implemented, 002140 otherwise. The message is DuckDB's, unchanged.
Error SqlErrorFromDuckDb(std::string_view message);

// The SQLSTATE for a wire code this module produces ("42000" for unknown codes).
std::string SqlStateFor(std::string_view wire_code);

// Wraps the error of statement `index` (0-based) of a multi-statement request (code 100132).
Error MultiStatementFailure(const Error& cause, std::string_view whole_sql,
                            const SqlStatementText* statement);

Error TimeoutError(int64_t timeout_ms);  // 408, 000630
Error CancelledError();                  // 422, 000604 "SQL execution canceled"

}  // namespace oc::store
