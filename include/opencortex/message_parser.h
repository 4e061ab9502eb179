// opencortex C++ agent SDK: stdout frame → typed Message.
#ifndef OPENCORTEX_MESSAGE_PARSER_H_
#define OPENCORTEX_MESSAGE_PARSER_H_

#include "opencortex/options.h"
#include "opencortex/types.h"

namespace opencortex {

// Parses one conversational frame. Unknown `type` values become UnknownMessage; a known type that
// lacks a required field throws MessageParseError naming the field. Control frames
// (control_request/control_response/...) are not messages and must not be passed here.
Message parse_message(const json& frame);

// Parses one content block; unknown block types become UnknownBlock.
ContentBlock parse_content_block(const json& block);

// The typed hook input for a hook_callback request's `input` object.
HookInput parse_hook_input(const json& input);

}  // namespace opencortex

#endif  // OPENCORTEX_MESSAGE_PARSER_H_
