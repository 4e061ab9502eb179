#include "tools/search/porter_stemmer.h"

#include <span>

namespace oc::tools::search {
namespace {

struct Rule {
    std::string_view suffix;
    std::string_view replacement;
};

// The word being stemmed. "m" is Porter's measure: the number of vowel-consonant sequences of a
// prefix, [C](VC)^m[V].
class Stemmer {
public:
    explicit Stemmer(std::string_view word) : w_(word) {}

    std::string Run() {
        Step1a();
        Step1b();
        Step1c();
        ReplaceFirst(kStep2, 0);
        ReplaceFirst(kStep3, 0);
        Step4();
        Step5();
        return w_;
    }

private:
    static constexpr Rule kStep2[] = {
        {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"},   {"anci", "ance"},
        {"izer", "ize"},    {"abli", "able"},   {"alli", "al"},     {"entli", "ent"},
        {"eli", "e"},       {"ousli", "ous"},   {"ization", "ize"}, {"ation", "ate"},
        {"ator", "ate"},    {"alism", "al"},    {"iveness", "ive"}, {"fulness", "ful"},
        {"ousness", "ous"}, {"aliti", "al"},    {"iviti", "ive"},   {"biliti", "ble"},
    };
    static constexpr Rule kStep3[] = {
        {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"},
        {"ical", "ic"},  {"ful", ""},   {"ness", ""},
    };
    // Longer suffixes precede the shorter ones they end with ("ement" before "ment", "ent").
    static constexpr std::string_view kStep4[] = {
        "al",  "ance", "ence", "er",  "ic",  "able", "ible", "ant", "ement", "ment",
        "ent", "ion",  "ou",   "ism", "ate", "iti",  "ous",  "ive", "ize",
    };

    bool IsConsonant(size_t i) const {
        switch (w_[i]) {
            case 'a': case 'e': case 'i': case 'o': case 'u': return false;
            case 'y': return i == 0 || !IsConsonant(i - 1);
            default: return true;
        }
    }

    // Measure of w_[0, len).
    int Measure(size_t len) const {
        size_t i = 0;
        while (i < len && IsConsonant(i)) ++i;
        int m = 0;
        while (i < len) {
            while (i < len && !IsConsonant(i)) ++i;
            if (i >= len) break;
            while (i < len && IsConsonant(i)) ++i;
            ++m;
        }
        return m;
    }

    bool HasVowel(size_t len) const {
        for (size_t i = 0; i < len; ++i) {
            if (!IsConsonant(i)) return true;
        }
        return false;
    }

    // *d: the word ends with a double consonant.
    bool EndsDoubleConsonant() const {
        size_t n = w_.size();
        return n >= 2 && w_[n - 1] == w_[n - 2] && IsConsonant(n - 1);
    }

    // *o: w_[0, len) ends consonant-vowel-consonant, the last not w, x or y.
    bool EndsCvc(size_t len) const {
        if (len < 3) return false;
        char last = w_[len - 1];
        if (last == 'w' || last == 'x' || last == 'y') return false;
        return IsConsonant(len - 1) && !IsConsonant(len - 2) && IsConsonant(len - 3);
    }

    bool EndsWith(std::string_view s) const {
        return w_.size() >= s.size() && std::string_view(w_).substr(w_.size() - s.size()) == s;
    }

    void Replace(size_t suffix_len, std::string_view replacement) {
        w_.resize(w_.size() - suffix_len);
        w_.append(replacement);
    }

    // The first rule whose suffix matches decides: applied when the stem's measure is above
    // min_measure, and no other rule is tried either way.
    void ReplaceFirst(std::span<const Rule> rules, int min_measure) {
        for (const Rule& r : rules) {
            if (!EndsWith(r.suffix)) continue;
            if (Measure(w_.size() - r.suffix.size()) > min_measure) Replace(r.suffix.size(), r.replacement);
            return;
        }
    }

    void Step1a() {
        if (EndsWith("sses")) {
            Replace(2, "");
        } else if (EndsWith("ies")) {
            Replace(3, "i");
        } else if (!EndsWith("ss") && EndsWith("s")) {
            Replace(1, "");
        }
    }

    void Step1b() {
        if (EndsWith("eed")) {
            if (Measure(w_.size() - 3) > 0) Replace(1, "");
            return;
        }
        size_t cut = 0;
        if (EndsWith("ed") && HasVowel(w_.size() - 2)) cut = 2;
        if (EndsWith("ing") && HasVowel(w_.size() - 3)) cut = 3;
        if (cut == 0) return;
        Replace(cut, "");
        if (EndsWith("at") || EndsWith("bl") || EndsWith("iz")) {
            w_ += 'e';
        } else if (EndsDoubleConsonant()) {
            char last = w_.back();
            if (last != 'l' && last != 's' && last != 'z') w_.pop_back();
        } else if (Measure(w_.size()) == 1 && EndsCvc(w_.size())) {
            w_ += 'e';
        }
    }

    void Step1c() {
        if (EndsWith("y") && HasVowel(w_.size() - 1)) w_.back() = 'i';
    }

    void Step4() {
        for (std::string_view suffix : kStep4) {
            if (!EndsWith(suffix)) continue;
            size_t stem = w_.size() - suffix.size();
            if (Measure(stem) <= 1) return;
            if (suffix == "ion" && (stem == 0 || (w_[stem - 1] != 's' && w_[stem - 1] != 't'))) return;
            w_.resize(stem);
            return;
        }
    }

    void Step5() {
        if (EndsWith("e")) {
            int m = Measure(w_.size() - 1);
            if (m > 1 || (m == 1 && !EndsCvc(w_.size() - 1))) w_.pop_back();
        }
        if (w_.size() >= 2 && w_.back() == 'l' && EndsDoubleConsonant() && Measure(w_.size()) > 1) {
            w_.pop_back();
        }
    }

    std::string w_;
};

}  // namespace

std::string PorterStem(std::string_view word) {
    if (word.size() <= 2) return std::string(word);
    for (char c : word) {
        if (c < 'a' || c > 'z') return std::string(word);
    }
    return Stemmer(word).Run();
}

}  // namespace oc::tools::search
