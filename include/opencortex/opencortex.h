// opencortex C++ agent SDK: drive the `cortex` coding-agent CLI from C++.
//
//   #include <opencortex/opencortex.h>
//   for (const auto& message : opencortex::query("Say hello", {.model = "offline"})) {
//     if (auto* result = std::get_if<opencortex::ResultMessage>(&message)) { ... }
//   }
//
// Headers: types.h (messages), options.h (Options, hooks, permissions), query.h (query()),
// client.h (Client), transport.h (Transport, SubprocessTransport), errors.h, message_parser.h.
#ifndef OPENCORTEX_OPENCORTEX_H_
#define OPENCORTEX_OPENCORTEX_H_

#include "opencortex/client.h"
#include "opencortex/errors.h"
#include "opencortex/message_parser.h"
#include "opencortex/options.h"
#include "opencortex/query.h"
#include "opencortex/transport.h"
#include "opencortex/types.h"

namespace opencortex {
// The SDK version, also sent to the CLI as CORTEX_CODE_AGENT_SDK.
inline constexpr const char* kSdkVersion = "0.1.0";
}  // namespace opencortex

#endif  // OPENCORTEX_OPENCORTEX_H_
