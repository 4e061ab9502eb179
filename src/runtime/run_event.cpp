#include "runtime/run_event.h"

namespace oc::runtime {

std::string RenderSse(const RunEvent& event) {
    std::string out;
    out.reserve(event.name.size() + event.data.size() + 40);
    out += "id: ";
    out += std::to_string(event.seq);
    out += "\nevent: ";
    out += event.name;
    out += "\ndata: ";
    out += event.data;
    out += "\n\n";
    return out;
}

}  // namespace oc::runtime
