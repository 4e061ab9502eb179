// Porter stemmer (the examples of Porter's 1980 paper) and the tokenizer: folding, stop words,
// apostrophes, CJK, invalid UTF-8.
#include <gtest/gtest.h>

#include "tools/search/porter_stemmer.h"
#include "tools/search/tokenizer.h"

namespace oc::tools::search {
namespace {

using Terms = std::vector<std::string>;

struct StemCase {
    const char* word;
    const char* stem;
};

TEST(PorterStem, PaperExamples) {
    const StemCase cases[] = {
        // Step 1a
        {"caresses", "caress"}, {"ponies", "poni"}, {"ties", "ti"}, {"caress", "caress"}, {"cats", "cat"},
        // Step 1b
        {"feed", "feed"}, {"agreed", "agre"}, {"plastered", "plaster"}, {"bled", "bled"},
        {"motoring", "motor"}, {"sing", "sing"}, {"conflated", "conflat"}, {"troubled", "troubl"},
        {"sized", "size"}, {"hopping", "hop"}, {"tanned", "tan"}, {"falling", "fall"},
        {"hissing", "hiss"}, {"fizzed", "fizz"}, {"failing", "fail"}, {"filing", "file"},
        // Step 1c
        {"happy", "happi"}, {"sky", "sky"},
        // Step 2
        {"relational", "relat"}, {"conditional", "condit"}, {"rational", "ration"},
        {"valenci", "valenc"}, {"hesitanci", "hesit"}, {"digitizer", "digit"},
        {"conformabli", "conform"}, {"radicalli", "radic"}, {"differentli", "differ"},
        {"vileli", "vile"}, {"analogousli", "analog"}, {"vietnamization", "vietnam"},
        {"predication", "predic"}, {"operator", "oper"}, {"feudalism", "feudal"},
        {"decisiveness", "decis"}, {"hopefulness", "hope"}, {"callousness", "callous"},
        {"formaliti", "formal"}, {"sensitiviti", "sensit"}, {"sensibiliti", "sensibl"},
        // Step 3
        {"triplicate", "triplic"}, {"formative", "form"}, {"formalize", "formal"},
        {"electriciti", "electr"}, {"electrical", "electr"}, {"hopeful", "hope"}, {"goodness", "good"},
        // Step 4
        {"revival", "reviv"}, {"allowance", "allow"}, {"inference", "infer"}, {"airliner", "airlin"},
        {"gyroscopic", "gyroscop"}, {"adjustable", "adjust"}, {"defensible", "defens"},
        {"irritant", "irrit"}, {"replacement", "replac"}, {"adjustment", "adjust"},
        {"dependent", "depend"}, {"adoption", "adopt"}, {"homologou", "homolog"},
        {"communism", "commun"}, {"activate", "activ"}, {"angulariti", "angular"},
        {"homologous", "homolog"}, {"effective", "effect"}, {"bowdlerize", "bowdler"},
        // Step 5
        {"probate", "probat"}, {"rate", "rate"}, {"cease", "ceas"}, {"controll", "control"}, {"roll", "roll"},
        // Several steps
        {"generalizations", "gener"}, {"oscillators", "oscil"}, {"connections", "connect"},
        {"connecting", "connect"}, {"customers", "custom"}, {"returned", "return"}, {"returns", "return"},
    };
    for (const StemCase& c : cases) EXPECT_EQ(PorterStem(c.word), c.stem) << c.word;
}

TEST(PorterStem, LeavesShortAndNonAsciiWordsAlone) {
    EXPECT_EQ(PorterStem("is"), "is");
    EXPECT_EQ(PorterStem("a"), "a");
    EXPECT_EQ(PorterStem(""), "");
    EXPECT_EQ(PorterStem("école"), "école");
    EXPECT_EQ(PorterStem("item42"), "item42");
}

TEST(FoldCase, CoversLatinGreekCyrillic) {
    EXPECT_EQ(FoldCase("HeLLo"), "hello");
    EXPECT_EQ(FoldCase("ÉCOLE ÀÖØÞ"), "école àöøþ");
    EXPECT_EQ(FoldCase("Straße"), "strasse");
    EXPECT_EQ(FoldCase("ŁÓDŹ ŽĽUŤ Ÿ"), "łódź žľuť ÿ");
    EXPECT_EQ(FoldCase("ΣΟΦΊΑ σοφός"), "σοφία σοφόσ");
    EXPECT_EQ(FoldCase("МОСКВА Ёж"), "москва ёж");
    EXPECT_EQ(FoldCase("a\xFFz"), "a\xEF\xBF\xBDz");  // invalid byte → U+FFFD
}

struct TokenCase {
    const char* text;
    Terms terms;
};

TEST(Tokenize, Cases) {
    const TokenCase cases[] = {
        {"", {}},
        {"   ,.;  ", {}},
        {"The Refund Policy", {"refund", "polici"}},
        {"How long do customers have to return an item?", {"long", "custom", "return", "item"}},
        {"customer's returns", {"custom", "return"}},
        {"don't stop", {"dont", "stop"}},
        {"ship within 30 days, 2.5 hours", {"ship", "within", "30", "dai", "2", "5", "hour"}},
        {"ORDER_ID=ab-12", {"order", "id", "ab", "12"}},
        {"CAFÉ Crème", {"café", "crème"}},
        {"Œuvre ŒUVRE", {"œuvre", "œuvre"}},  // not stemmed: non-ASCII
        {"東京 tower", {"東", "京", "tower"}},
        {"a\xC3(b", {"b"}},  // truncated sequence: one bad byte, '(' separates; "a" is a stop word
        {"e-mail\xE2\x80\x94newsletter", {"e", "mail", "newslett"}},
    };
    for (const TokenCase& c : cases) EXPECT_EQ(Tokenize(c.text), c.terms) << c.text;
}

TEST(Tokenize, OptionsTurnOffStopWordsAndStemming) {
    TokenizerOptions raw{.remove_stop_words = false, .stem = false};
    EXPECT_EQ(Tokenize("The Returns", raw), (Terms{"the", "returns"}));
    EXPECT_TRUE(IsStopWord("the"));
    EXPECT_FALSE(IsStopWord("refund"));
}

}  // namespace
}  // namespace oc::tools::search
