// Error values that cross module boundaries: Result<T> holds a value or an Error, Status is
// Result<void>. Each edge (api, cli, protocol) maps ErrorCode to its own wire form once.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace oc {

enum class ErrorCode {
    kOk = 0,
    kInvalidArgument,
    kNotFound,
    kAlreadyExists,
    kUnauthenticated,
    kPermissionDenied,
    kResourceExhausted,
    kFailedPrecondition,
    kCancelled,
    kDeadlineExceeded,
    kUnavailable,
    kUnimplemented,
    kInternal,
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;
    // Optional wire-specific code (e.g. Snowflake "002003"); empty = the edge's default.
    std::string wire_code;
    // Optional HTTP status for the API edge; 0 = derived from code.
    int http_status = 0;
};

inline Error MakeError(ErrorCode code, std::string message, std::string wire_code = {},
                       int http_status = 0) {
    return Error{code, std::move(message), std::move(wire_code), http_status};
}

template <typename T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
public:
    using tl::expected<T, Error>::expected;
    Result(Error e) : tl::expected<T, Error>(tl::unexpected<Error>(std::move(e))) {}
};

using Status = Result<void>;

inline Status OkStatus() { return {}; }

}  // namespace oc

#define OC_CONCAT_INNER_(a, b) a##b
#define OC_CONCAT_(a, b) OC_CONCAT_INNER_(a, b)

// Returns the error of a Result/Status expression from the enclosing function.
#define OC_TRY(expr)                                            \
    do {                                                        \
        auto&& oc_try_result_ = (expr);                         \
        if (!oc_try_result_) return std::move(oc_try_result_).error(); \
    } while (0)

#define OC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
    auto tmp = (expr);                            \
    if (!tmp) return std::move(tmp).error();      \
    lhs = std::move(*tmp)

#define OC_ASSIGN_OR_RETURN(lhs, expr) \
    OC_ASSIGN_OR_RETURN_IMPL_(OC_CONCAT_(oc_assign_, __LINE__), lhs, expr)

// Aborts on a programming error (never for user input).
#define OC_CHECK(cond) ::oc::CheckFailed(cond, #cond, __FILE__, __LINE__)

namespace oc {
void CheckFailedImpl(const char* expr, const char* file, int line);
inline void CheckFailed(bool ok, const char* expr, const char* file, int line) {
    if (!ok) CheckFailedImpl(expr, file, line);
}
}  // namespace oc
