// Anchors the oc_runtime library until the runtime sources land.
namespace oc::runtime {}
