# oc_module(NAME SOURCES... DEPS ...): one static library per module with the house warnings.
function(oc_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(OC_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
