# Turns a text file into a C string constant (ld_runtimes_data) at build time.
file(READ ${IN} content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE ${OUT} "/* generated from ${IN}; do not edit */\n#include <stddef.h>\n"
     "extern const char ld_runtimes_data[];\nextern const size_t ld_runtimes_data_len;\n"
     "const char ld_runtimes_data[] = {${bytes}0x00};\n"
     "const size_t ld_runtimes_data_len = sizeof(ld_runtimes_data) - 1;\n")
