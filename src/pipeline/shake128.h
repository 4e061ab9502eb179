// SHAKE-128 (FIPS 202) in process: child-table `_dlt_id`s hash one short string per row, and a
// library call per row cost more than the hash itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace oc::pipeline {

// Writes the first n bytes of SHAKE-128(data) to out.
void Shake128(std::string_view data, unsigned char* out, size_t n);

// The first n (<= 168) bytes of SHAKE-128 of four inputs at once, out[k] for data[k]: the four
// permutations run side by side in vector lanes (AVX2 when the CPU has it), several times the
// throughput of four Shake128 calls for the short strings child-row ids hash. Inputs of 168
// bytes or more take Shake128.
void Shake128x4(const std::string_view data[4], unsigned char* const out[4], size_t n);

}  // namespace oc::pipeline
