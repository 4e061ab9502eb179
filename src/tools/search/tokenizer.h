// Text → index terms for Cortex Search: UTF-8 decoding, Unicode case folding (ASCII, Latin-1,
// Latin Extended-A, Greek, Cyrillic), English stop words and Porter stemming.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace oc::tools::search {

// Bumped whenever Tokenize's output changes: index files of another version are rebuilt.
inline constexpr uint32_t kTokenizerVersion = 1;

struct TokenizerOptions {
    bool remove_stop_words = true;
    bool stem = true;
};

// Terms in text order. Words are maximal runs of letters and digits (an apostrophe between two
// letters joins them and a trailing "'s" is dropped); CJK ideographs, kana and hangul syllables
// are one term each. Invalid UTF-8 bytes separate words.
std::vector<std::string> Tokenize(std::string_view text, const TokenizerOptions& options = {});

// Simple + full case folding of the covered scripts ("Straße" → "strasse", "ÉCOLE" → "école");
// other characters are copied. Invalid UTF-8 bytes become U+FFFD.
std::string FoldCase(std::string_view text);

// True for a folded English stop word ("the", "and", "is", ...).
bool IsStopWord(std::string_view folded_word);

}  // namespace oc::tools::search
