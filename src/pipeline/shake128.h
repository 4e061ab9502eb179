// SHAKE-128 (FIPS 202) in process: child-table `_dlt_id`s hash one short string per row, and a
// library call per row cost more than the hash itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace oc::pipeline {

// Writes the first n bytes of SHAKE-128(data) to out.
void Shake128(std::string_view data, unsigned char* out, size_t n);

}  // namespace oc::pipeline
