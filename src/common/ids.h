// Identifiers for requests, statements and secrets.
#pragma once

#include <string>

namespace oc {

// Random RFC 4122 version-4 UUID, lower-case 8-4-4-4-12.
std::string NewUuid();
// n random bytes from the OS CSPRNG, as lower-case hex (2n characters).
std::string RandomHex(size_t n_bytes);

}  // namespace oc
