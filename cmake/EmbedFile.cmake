# Script mode: writes OUT, a C++ source holding IN's bytes as a hex array (exact bytes, no
# limits on literal length or on delimiter collisions).
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR n "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," body "${hex}")
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){32})" "\\1\n" body "${body}")
file(WRITE "${OUT}" "// Generated from ${IN}; do not edit.\n#include <string_view>\n"
  "namespace bis::embedded {\nnamespace {\nconstexpr char ${SYMBOL}_data[] = {\n${body}'\\0'};\n}\n"
  "extern const std::string_view ${SYMBOL};\n"
  "const std::string_view ${SYMBOL}(${SYMBOL}_data, ${n});\n}  // namespace bis::embedded\n")
