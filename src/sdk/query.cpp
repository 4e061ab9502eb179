// query() and MessageStream.
#include "opencortex/query.h"

#include "opencortex/errors.h"
#include "session.h"

namespace opencortex {

MessageStream::MessageStream(std::shared_ptr<detail::Session> session, bool owns_session, bool stop_after_result)
    : session_(std::move(session)), owns_session_(owns_session), stop_after_result_(stop_after_result) {}

MessageStream::MessageStream(MessageStream&& other) noexcept
    : session_(std::move(other.session_)),
      owns_session_(other.owns_session_),
      stop_after_result_(other.stop_after_result_),
      done_(other.done_) {
  other.owns_session_ = false;
}

MessageStream& MessageStream::operator=(MessageStream&& other) noexcept {
  if (this != &other) {
    if (owns_session_ && session_) session_->close();
    session_ = std::move(other.session_);
    owns_session_ = other.owns_session_;
    stop_after_result_ = other.stop_after_result_;
    done_ = other.done_;
    other.owns_session_ = false;
  }
  return *this;
}

MessageStream::~MessageStream() {
  if (owns_session_ && session_) session_->close();
}

std::optional<Message> MessageStream::next() {
  if (done_ || !session_) return std::nullopt;
  std::optional<Message> message;
  try {
    message = session_->next();
  } catch (...) {
    done_ = true;
    throw;
  }
  if (!message) {
    done_ = true;
  } else if (stop_after_result_ && std::holds_alternative<ResultMessage>(*message)) {
    done_ = true;  // this result is still delivered; the stream ends after it
  }
  return message;
}

namespace {

MessageStream StartQuery(const std::vector<json>& frames, Options options, std::unique_ptr<Transport> transport) {
  auto session = std::make_shared<detail::Session>(std::move(options), std::move(transport));
  session->start();
  for (const json& frame : frames) session->write(frame);
  // Without callbacks the CLI needs nothing more from us: EOF now. With hooks or a permission
  // callback, stdin stays open until the turn's result so the CLI can still ask.
  if (session->bidirectional()) {
    session->end_input_after_result();
  } else {
    session->end_input();
  }
  return MessageStream(std::move(session), /*owns_session=*/true, /*stop_after_result=*/false);
}

json UserFrame(const std::string& prompt, const std::string& session_id) {
  return json{{"type", "user"},
              {"message", {{"role", "user"}, {"content", prompt}}},
              {"parent_tool_use_id", nullptr},
              {"session_id", session_id}};
}

}  // namespace

MessageStream query(const std::string& prompt, Options options, std::unique_ptr<Transport> transport) {
  return StartQuery({UserFrame(prompt, "")}, std::move(options), std::move(transport));
}

MessageStream query(const std::vector<json>& messages, Options options, std::unique_ptr<Transport> transport) {
  std::vector<json> frames;
  frames.reserve(messages.size());
  for (json frame : messages) {
    if (frame.is_object() && !frame.contains("session_id")) frame["session_id"] = "";
    frames.push_back(std::move(frame));
  }
  return StartQuery(frames, std::move(options), std::move(transport));
}

std::optional<ResultMessage> query(const std::string& prompt, Options options,
                                   const std::function<bool(const Message&)>& on_message,
                                   std::unique_ptr<Transport> transport) {
  MessageStream stream = query(prompt, std::move(options), std::move(transport));
  std::optional<ResultMessage> result;
  while (auto message = stream.next()) {
    if (auto* r = std::get_if<ResultMessage>(&*message)) result = *r;
    if (!on_message(*message)) break;
  }
  return result;
}

}  // namespace opencortex
