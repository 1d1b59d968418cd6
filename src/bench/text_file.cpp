#include "bench/text_file.h"

#include <fstream>

namespace flint::bench {

Result<void> write_text_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return Error::format("cannot write '{}'", path);
    return ok();
}

}  // namespace flint::bench
