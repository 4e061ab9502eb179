// Wall-clock helpers and the timestamp formats of the wire (reference agents-api.md §1.8).
#pragma once

#include <cstdint>
#include <string>

namespace oc {

int64_t NowMillis();
int64_t NowMicros();
// "YYYY-MM-DDTHH:MM:SS.sss+00:00" (UTC) from milliseconds since the epoch.
std::string FormatIsoMillis(int64_t epoch_ms);
// "Tue, 13 Apr 2021 20:40:26 GMT" (RFC 7231 date, as Snowflake's LIST shows last_modified).
std::string FormatHttpDate(int64_t epoch_ms);

}  // namespace oc
