# cmake -DINPUT=file -DOUTPUT=file.cpp -DSYMBOL=name -P EmbedFile.cmake
# Writes a C++ source defining `extern const std::string_view SYMBOL` with the file's bytes.
file(READ ${INPUT} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(WRITE ${OUTPUT} "#include <string_view>\nnamespace {\nconstexpr char kBytes[] = {${bytes}};\n}\n"
     "extern const std::string_view ${SYMBOL}{kBytes, sizeof kBytes};\n")
