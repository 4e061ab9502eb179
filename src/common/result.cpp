#include "common/result.h"

#include <cstdio>
#include <cstdlib>

namespace oc {

const char* ErrorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::kOk: return "OK";
        case ErrorCode::kInvalidArgument: return "InvalidArgument";
        case ErrorCode::kNotFound: return "NotFound";
        case ErrorCode::kAlreadyExists: return "AlreadyExists";
        case ErrorCode::kUnauthenticated: return "Unauthenticated";
        case ErrorCode::kPermissionDenied: return "PermissionDenied";
        case ErrorCode::kResourceExhausted: return "ResourceExhausted";
        case ErrorCode::kFailedPrecondition: return "FailedPrecondition";
        case ErrorCode::kCancelled: return "Cancelled";
        case ErrorCode::kDeadlineExceeded: return "DeadlineExceeded";
        case ErrorCode::kUnavailable: return "Unavailable";
        case ErrorCode::kUnimplemented: return "Unimplemented";
        case ErrorCode::kInternal: return "Internal";
    }
    return "Unknown";
}

void CheckFailedImpl(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "OC_CHECK failed: %s at %s:%d\n", expr, file, line);
    std::abort();
}

}  // namespace oc
