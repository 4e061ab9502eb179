#include "tools/search/tokenizer.h"

#include <algorithm>
#include <array>

#include "tools/search/porter_stemmer.h"

namespace oc::tools::search {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes the code point at text[*i] and advances *i; an invalid or truncated sequence
// (overlong, surrogate, > U+10FFFF) consumes one byte and yields U+FFFD.
char32_t DecodeUtf8(std::string_view text, size_t* i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char b0 = byte(*i);
    if (b0 < 0x80) {
        ++*i;
        return b0;
    }
    int extra = b0 >= 0xF0 && b0 <= 0xF4 ? 3 : b0 >= 0xE0 ? 2 : b0 >= 0xC2 && b0 < 0xE0 ? 1 : -1;
    if (extra < 0 || *i + extra >= text.size()) {
        ++*i;
        return kReplacement;
    }
    char32_t c = b0 & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
        unsigned char b = byte(*i + k);
        if ((b & 0xC0) != 0x80) {
            ++*i;
            return kReplacement;
        }
        c = (c << 6) | (b & 0x3F);
    }
    static constexpr std::array<char32_t, 4> kMin = {0, 0x80, 0x800, 0x10000};
    if (c < kMin[extra] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        ++*i;
        return kReplacement;
    }
    *i += extra + 1;
    return c;
}

void AppendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

bool InRange(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }

// Upper/lower pairs laid out as alternating code points starting at an upper-case one.
bool AlternatingUpper(char32_t c, char32_t first, char32_t last) {
    return InRange(c, first, last) && ((c - first) % 2 == 0);
}

// Appends the case folding of c (one code point, or "ss" for ß).
void AppendFolded(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        return;
    }
    if (c == 0xDF) {
        out += "ss";
        return;
    }
    char32_t f = c;
    if (c == 0xB5) f = 0x3BC;                                        // micro sign → mu
    else if (InRange(c, 0xC0, 0xDE) && c != 0xD7) f = c + 0x20;      // Latin-1
    else if (AlternatingUpper(c, 0x100, 0x12F)) f = c + 1;           // Ā..į
    else if (c == 0x130) f = 'i';                                    // İ
    else if (AlternatingUpper(c, 0x132, 0x137)) f = c + 1;           // Ĳ..ķ
    else if (AlternatingUpper(c, 0x139, 0x148)) f = c + 1;           // Ĺ..ň
    else if (AlternatingUpper(c, 0x14A, 0x177)) f = c + 1;           // Ŋ..ŷ
    else if (c == 0x178) f = 0xFF;                                   // Ÿ
    else if (AlternatingUpper(c, 0x179, 0x17E)) f = c + 1;           // Ź..ž
    else if (c == 0x17F) f = 's';                                    // long s
    else if (c == 0x386) f = 0x3AC;                                  // Greek with tonos
    else if (InRange(c, 0x388, 0x38A)) f = c + 37;
    else if (c == 0x38C) f = 0x3CC;
    else if (InRange(c, 0x38E, 0x38F)) f = c + 63;
    else if (InRange(c, 0x391, 0x3AB) && c != 0x3A2) f = c + 0x20;   // Greek capitals
    else if (c == 0x3C2) f = 0x3C3;                                  // final sigma
    else if (InRange(c, 0x400, 0x40F)) f = c + 0x50;                 // Cyrillic Ѐ..Џ
    else if (InRange(c, 0x410, 0x42F)) f = c + 0x20;                 // Cyrillic А..Я
    AppendUtf8(out, f);
}

// One term per character: CJK ideographs, kana, hangul syllables.
bool IsCjk(char32_t c) {
    return InRange(c, 0x3040, 0x30FF) || InRange(c, 0x3400, 0x4DBF) || InRange(c, 0x4E00, 0x9FFF) ||
           InRange(c, 0xF900, 0xFAFF) || InRange(c, 0xAC00, 0xD7AF);
}

// Letters and digits of any script, plus combining marks; punctuation and symbols are not.
bool IsWordChar(char32_t c) {
    if (c < 0x80) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;
    if (c == 0xD7 || c == 0xF7 || c == kReplacement) return false;
    if (InRange(c, 0x2000, 0x2BFF) || InRange(c, 0x3000, 0x303F)) return false;
    if (InRange(c, 0xFE30, 0xFE4F) || InRange(c, 0xFF00, 0xFF0F) || InRange(c, 0xFF1A, 0xFF20)) {
        return false;
    }
    if (InRange(c, 0xFF3B, 0xFF40) || InRange(c, 0xFF5B, 0xFF65)) return false;
    if (InRange(c, 0x1F000, 0x1FAFF)) return false;  // emoji and pictographs
    return true;
}

bool IsApostrophe(char32_t c) { return c == '\'' || c == 0x2019; }

constexpr std::array<std::string_view, 67> kStopWords = {
    "a",     "about", "all",   "am",    "an",    "and",   "any",   "are",   "as",    "at",
    "be",    "been",  "being", "but",   "by",    "can",   "could", "did",   "do",    "does",
    "for",   "from",  "had",   "has",   "have",  "he",    "her",   "him",   "his",   "how",
    "i",     "if",    "in",    "into",  "is",    "it",    "its",   "me",    "my",    "no",
    "not",   "of",    "on",    "or",    "our",   "she",   "should","so",    "such",  "than",
    "that",  "the",   "their", "them",  "then",  "there", "these", "they",  "this",  "to",
    "very",  "was",   "we",    "were",  "what",  "which", "who",
};

class TermSink {
public:
    TermSink(const TokenizerOptions& options, std::vector<std::string>* out)
        : options_(options), out_(out) {}

    void Emit(std::string word) {
        if (word.empty()) return;
        if (word.size() >= 2 && word.compare(word.size() - 2, 2, "'s") == 0) word.resize(word.size() - 2);
        word.erase(std::remove(word.begin(), word.end(), '\''), word.end());
        if (word.empty()) return;
        if (options_.remove_stop_words && IsStopWord(word)) return;
        out_->push_back(options_.stem ? PorterStem(word) : std::move(word));
    }

private:
    const TokenizerOptions& options_;
    std::vector<std::string>* out_;
};

}  // namespace

bool IsStopWord(std::string_view folded_word) {
    return std::find(kStopWords.begin(), kStopWords.end(), folded_word) != kStopWords.end();
}

std::string FoldCase(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) AppendFolded(out, DecodeUtf8(text, &i));
    return out;
}

std::vector<std::string> Tokenize(std::string_view text, const TokenizerOptions& options) {
    std::vector<std::string> terms;
    TermSink sink(options, &terms);
    std::string word;
    for (size_t i = 0; i < text.size();) {
        char32_t c = DecodeUtf8(text, &i);
        if (IsCjk(c)) {
            sink.Emit(std::move(word));
            word.clear();
            std::string single;
            AppendUtf8(single, c);
            sink.Emit(std::move(single));
            continue;
        }
        if (IsWordChar(c)) {
            AppendFolded(word, c);
            continue;
        }
        if (IsApostrophe(c) && !word.empty() && i < text.size()) {
            size_t next = i;
            if (IsWordChar(DecodeUtf8(text, &next)) && word.back() != '\'') {
                word += '\'';
                continue;
            }
        }
        sink.Emit(std::move(word));
        word.clear();
    }
    sink.Emit(std::move(word));
    return terms;
}

}  // namespace oc::tools::search
