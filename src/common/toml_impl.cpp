// toml++ compiled into the binary (TOML_HEADER_ONLY=0 everywhere, implementation here) instead
// of loaded from libtomlplusplus.so: one shared library less at start (issue 7: cold start).
#define TOML_IMPLEMENTATION 1
#include <toml++/toml.h>
