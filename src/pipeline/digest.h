// Hashes and encodings dlt uses for ids and stored state: SHAKE-128 + base64, zlib + base64.
#pragma once

#include <string>
#include <string_view>

namespace oc::pipeline {

// Standard base64 with `+`/`/`; `=` padding stripped when pad is false.
std::string Base64(std::string_view bytes, bool pad = true);
// The same into out, reusing its buffer (a 10-byte row id fits the string's inline buffer).
void Base64Into(std::string_view bytes, bool pad, std::string& out);

// base64(SHAKE-128(data) truncated to n bytes), padding stripped (dlt's digest128).
std::string ShakeBase64(std::string_view data, size_t n);


// base64 of SHA3-256(data), with padding (dlt's schema version hash).
std::string Sha3Base64(std::string_view data);
// SHA-256(data): the 32 bytes, and as lower-case hex (S3's x-amz-content-sha256).
std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);

// n random bytes as base64 without padding (root _dlt_id: 10 bytes → 14 chars).
std::string RandomId(size_t n = 10);

// base64(zlib level 9(data)) — the `state` column of _dlt_pipeline_state; and its inverse.
std::string CompressState(std::string_view json);
std::string DecompressState(std::string_view encoded);

}  // namespace oc::pipeline
