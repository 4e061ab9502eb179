// The provider interface is header-only (provider.h); this file anchors the oc_llm library.
#include "llm/provider.h"
