// One-shot query: run a prompt, print the assistant text and the result.
//   example_one_shot "read README.md" [model]
#include <iostream>

#include <opencortex/opencortex.h>

int main(int argc, char** argv) {
  std::string prompt = argc > 1 ? argv[1] : "What files are in this directory?";
  opencortex::Options options;
  options.model = argc > 2 ? argv[2] : "offline";
  try {
    for (const opencortex::Message& message : opencortex::query(prompt, options)) {
      if (auto text = opencortex::text_of(message); !text.empty()) std::cout << text << "\n";
      if (const auto* result = std::get_if<opencortex::ResultMessage>(&message)) {
        std::cout << "[" << result->subtype << ", " << result->num_turns << " turns, $"
                  << result->total_cost_usd.value_or(0) << "]\n";
        return result->is_error ? 1 : 0;
      }
    }
  } catch (const opencortex::CLINotFoundError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const opencortex::SdkError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 1;
}
