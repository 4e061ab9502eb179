// English stemming with M. F. Porter's 1980 suffix-stripping algorithm ("An algorithm for suffix
// stripping", Program 14(3)), steps 1a-5b as published; used for both documents and queries.
#pragma once

#include <string>
#include <string_view>

namespace oc::tools::search {

// The stem of a lower-case ASCII word ("connections" → "connect", "ponies" → "poni"). Words of
// one or two letters and words with any byte outside a-z are returned unchanged.
std::string PorterStem(std::string_view word);

}  // namespace oc::tools::search
