// opencortex C++ agent SDK: one-shot queries and the message stream they return.
#ifndef OPENCORTEX_QUERY_H_
#define OPENCORTEX_QUERY_H_

#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "opencortex/options.h"
#include "opencortex/transport.h"
#include "opencortex/types.h"

namespace opencortex {

namespace detail {
class Session;
}

// A blocking stream of messages from the CLI. Iterate it with range-for or call next().
// Errors (the CLI exited non-zero, a malformed line) are thrown from next() / the iterator once the
// messages before them have been delivered. Destroying a stream that owns its session (the one
// query() returns) stops the CLI process and reaps it.
class MessageStream {
 public:
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Message;
    using difference_type = std::ptrdiff_t;
    using pointer = const Message*;
    using reference = const Message&;

    iterator() = default;
    explicit iterator(MessageStream* stream) : stream_(stream) { ++*this; }
    reference operator*() const { return *current_; }
    pointer operator->() const { return &*current_; }
    iterator& operator++() {
      current_ = stream_->next();
      if (!current_) stream_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.stream_ == b.stream_; }

   private:
    MessageStream* stream_ = nullptr;
    std::optional<Message> current_;
  };

  MessageStream(std::shared_ptr<detail::Session> session, bool owns_session, bool stop_after_result);
  MessageStream(MessageStream&&) noexcept;
  MessageStream& operator=(MessageStream&&) noexcept;
  MessageStream(const MessageStream&) = delete;
  MessageStream& operator=(const MessageStream&) = delete;
  ~MessageStream();

  // The next message; nullopt at the end of the stream. Throws SdkError subclasses.
  std::optional<Message> next();
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  std::shared_ptr<detail::Session> session_;
  bool owns_session_ = false;
  bool stop_after_result_ = false;
  bool done_ = false;
};

// Runs one prompt in a fresh CLI process and streams its messages until the process exits.
// `transport` replaces the default subprocess transport (tests, custom process models).
MessageStream query(const std::string& prompt, Options options = {}, std::unique_ptr<Transport> transport = nullptr);

// The same with streaming input: each element is a full SDK→CLI frame, e.g.
// {"type":"user","message":{"role":"user","content":"..."},"parent_tool_use_id":null,"session_id":""}.
MessageStream query(const std::vector<json>& messages, Options options = {},
                    std::unique_ptr<Transport> transport = nullptr);

// Callback form: calls `on_message` for each message; returning false stops early (the CLI is
// then stopped). Returns the final ResultMessage when one arrived.
std::optional<ResultMessage> query(const std::string& prompt, Options options,
                                   const std::function<bool(const Message&)>& on_message,
                                   std::unique_ptr<Transport> transport = nullptr);

}  // namespace opencortex

#endif  // OPENCORTEX_QUERY_H_
