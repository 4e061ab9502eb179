// Anchors the oc_tools library; the tools live in analyst/ and search/.
namespace oc::tools {}
