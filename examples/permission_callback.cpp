// Permission callback: allow reads, redirect writes into a scratch file, deny everything else.
#include <iostream>

#include <opencortex/opencortex.h>

int main() {
  opencortex::Options options;
  options.model = "offline";
  options.can_use_tool = [](const std::string& tool, const opencortex::json& input,
                            const opencortex::ToolPermissionContext&) -> opencortex::PermissionResult {
    std::cout << "permission asked for " << tool << " " << input.dump() << "\n";
    if (tool == "Read" || tool == "Glob" || tool == "LS") return opencortex::PermissionResultAllow{};
    if (tool == "Write") {
      opencortex::json safer = input;
      safer["file_path"] = "scratch.txt";
      return opencortex::PermissionResultAllow{safer, std::nullopt};
    }
    return opencortex::PermissionResultDeny{tool + " is not allowed here", false};
  };
  for (const auto& message : opencortex::query("write a file with hello", options)) {
    if (const auto* result = std::get_if<opencortex::ResultMessage>(&message)) {
      std::cout << result->result.value_or("") << "\n";
    }
  }
}
