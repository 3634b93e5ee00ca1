# Turns a file into a C string constant at build time:
#   cmake -DIN=<file> -DOUT=<file.c> -DNAME=<symbol> -P embed.cmake
# defines `const char NAME[]` (the bytes plus a NUL) and `const size_t NAME_len` (without
# the NUL), so the binary carries the data wherever it is copied.
if(NOT IN OR NOT OUT OR NOT NAME)
  message(FATAL_ERROR "embed.cmake: pass -DIN=<file> -DOUT=<file.c> -DNAME=<C symbol>")
endif()
file(READ ${IN} content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE ${OUT} "/* generated from ${IN}; do not edit */\n#include <stddef.h>\n"
     "extern const char ${NAME}[];\nextern const size_t ${NAME}_len;\n"
     "const char ${NAME}[] = {${bytes}0x00};\n"
     "const size_t ${NAME}_len = sizeof(${NAME}) - 1;\n")
