// SseParser: line endings, fields, multi-line data, comments and chunk boundaries.
#include "net/client/sse_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace oc::net {
namespace {

struct Parsed {
    std::vector<SseEvent> events;
    Status status;
};

// Feeds `stream` in pieces of `piece` bytes (0 = all at once), then Finish.
Parsed ParseAll(const std::string& stream, size_t piece = 0) {
    Parsed out;
    SseParser parser([&out](const SseEvent& e) -> Status {
        out.events.push_back(e);
        return {};
    });
    const size_t step = piece == 0 ? std::max<size_t>(stream.size(), 1) : piece;
    for (size_t i = 0; i < stream.size() && out.status; i += step) {
        out.status = parser.Feed(std::string_view(stream).substr(i, step));
    }
    if (out.status) out.status = parser.Finish();
    return out;
}

TEST(SseParser, SingleDataEvent) {
    Parsed p = ParseAll("data: hello\n\n");
    ASSERT_TRUE(p.status);
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_EQ(p.events[0].event, "message");
    EXPECT_EQ(p.events[0].data, "hello");
}

TEST(SseParser, MultiLineDataJoinsWithNewline) {
    Parsed p = ParseAll("data: a\ndata: b\ndata:\n\n");
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_EQ(p.events[0].data, "a\nb\n");
}

TEST(SseParser, EventIdAndRetryFields) {
    Parsed p = ParseAll("event: message_start\nid: 7\nretry: 1500\ndata: {}\n\ndata: x\n\n");
    ASSERT_EQ(p.events.size(), 2u);
    EXPECT_EQ(p.events[0].event, "message_start");
    EXPECT_EQ(p.events[0].id, "7");
    EXPECT_EQ(p.events[0].retry, 1500);
    EXPECT_EQ(p.events[1].event, "message");  // event type does not carry over
    EXPECT_EQ(p.events[1].id, "7");           // the last id does
    EXPECT_FALSE(p.events[1].retry.has_value());
}

TEST(SseParser, CommentsAreSkipped) {
    Parsed p = ParseAll(": keep-alive\n\n:another\ndata: x\n\n");
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_EQ(p.events[0].data, "x");
}

TEST(SseParser, CrLfAndCrLineEndings) {
    Parsed crlf = ParseAll("event: e\r\ndata: one\r\n\r\ndata: two\r\r");
    ASSERT_EQ(crlf.events.size(), 2u);
    EXPECT_EQ(crlf.events[0].event, "e");
    EXPECT_EQ(crlf.events[0].data, "one");
    EXPECT_EQ(crlf.events[1].data, "two");
}

TEST(SseParser, CrLfSplitAcrossChunksIsOneLineEnd) {
    // Byte-by-byte feeding puts CR and LF in different calls.
    Parsed p = ParseAll("data: a\r\ndata: b\r\n\r\n", 1);
    ASSERT_TRUE(p.status);
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_EQ(p.events[0].data, "a\nb");
}

TEST(SseParser, EveryChunkSizeGivesTheSameEvents) {
    const std::string stream =
        "event: x\ndata: {\"a\":1}\n\n: c\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n";
    for (size_t piece = 1; piece <= stream.size(); ++piece) {
        Parsed p = ParseAll(stream, piece);
        ASSERT_EQ(p.events.size(), 3u) << "piece " << piece;
        EXPECT_EQ(p.events[0].data, "{\"a\":1}");
        EXPECT_EQ(p.events[1].data, "line1\nline2");
        EXPECT_EQ(p.events[2].data, "[DONE]");
    }
}

TEST(SseParser, FieldWithoutColonAndNoSpaceAfterColon) {
    Parsed p = ParseAll("data\n\ndata:x\n\ndata:  two spaces\n\n");
    ASSERT_EQ(p.events.size(), 3u);
    EXPECT_EQ(p.events[0].data, "");
    EXPECT_EQ(p.events[1].data, "x");
    EXPECT_EQ(p.events[2].data, " two spaces");  // only one leading space is stripped
}

TEST(SseParser, EventWithoutDataIsNotDispatched) {
    Parsed p = ParseAll("event: ping\n\nid: 3\n\n");
    EXPECT_TRUE(p.events.empty());
}

TEST(SseParser, UnknownFieldsIgnored) {
    Parsed p = ParseAll("foo: bar\ndata: x\n\n");
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_EQ(p.events[0].data, "x");
}

TEST(SseParser, LeadingBomDropped) {
    Parsed p = ParseAll(
        "\xEF\xBB\xBF"
        "data: x\n\n");
    ASSERT_EQ(p.events.size(), 1u);
    EXPECT_EQ(p.events[0].data, "x");
}

TEST(SseParser, FinishDiscardsUnterminatedEvent) {
    for (const char* stream : {"data: last", "data: last\n", "data: x\n\ndata: cut"}) {
        Parsed p = ParseAll(stream);
        ASSERT_TRUE(p.status);
        EXPECT_EQ(p.events.size(), std::string(stream).find("x") != std::string::npos ? 1u : 0u)
            << stream;
    }
}

TEST(SseParser, CallbackErrorStopsParsing) {
    int calls = 0;
    SseParser parser([&calls](const SseEvent&) -> Status {
        ++calls;
        return MakeError(ErrorCode::kUnavailable, "stop");
    });
    Status st = parser.Feed("data: 1\n\ndata: 2\n\n");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().message, "stop");
    EXPECT_EQ(calls, 1);
    EXPECT_FALSE(parser.Feed("data: 3\n\n"));
    EXPECT_EQ(calls, 1);
}

TEST(SseParser, OverlongLineIsResourceExhausted) {
    SseParser parser([](const SseEvent&) -> Status { return {}; }, 16);
    Status st = parser.Feed("data: 0123456789abcdefghij");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace oc::net
