# Warnings and sanitizers as interface targets, linked privately by every
# target of the project (the ccache approach).

option(WASTELEDGER_WERROR "Treat warnings as errors" OFF)
option(WASTELEDGER_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

add_library(wl_warnings INTERFACE)
target_compile_options(wl_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(WASTELEDGER_WERROR)
  target_compile_options(wl_warnings INTERFACE -Werror)
endif()

add_library(wl_sanitizers INTERFACE)
if(WASTELEDGER_SANITIZE)
  target_compile_options(wl_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(wl_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
