// Multi-turn client: two prompts in one session, switching the model in between.
#include <iostream>

#include <opencortex/opencortex.h>

int main() {
  opencortex::Options options;
  options.model = "offline";
  opencortex::Client client(options);
  client.connect();
  for (const char* prompt : {"list the files", "read README.md"}) {
    client.query(prompt);
    for (const auto& message : client.receive_response()) {
      if (auto text = opencortex::text_of(message); !text.empty()) std::cout << "assistant: " << text << "\n";
    }
    client.set_model("offline");
  }
  client.disconnect();  // also done by the destructor
}
